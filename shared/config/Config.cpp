// SPDX-License-Identifier: GPL-3.0-or-later
#include "Config.h"

namespace aisbf::config {

UpstreamTimeouts UpstreamTimeouts::over(const UpstreamTimeouts &fallback) const
{
    UpstreamTimeouts merged;
    merged.connectMs = connectMs ? connectMs : fallback.connectMs;
    merged.firstByteMs = firstByteMs ? firstByteMs : fallback.firstByteMs;
    merged.idleMs = idleMs ? idleMs : fallback.idleMs;
    return merged;
}

const ModelConfig *ProviderConfig::model(const QString &modelName) const
{
    for (const ModelConfig &m : models) {
        if (m.name == modelName)
            return &m;
    }
    return nullptr;
}

bool ProviderConfig::isServable() const
{
    // The types with a translator in shared/translate (openai needs none). coderai (GPU workers
    // over a broker) and the original AISBF's OAuth subscription types (claude, codex, kiro,
    // kilo) are not; the validator's warning for them follows from here.
    return type == QLatin1String("openai") || type == QLatin1String("anthropic") ||
           type == QLatin1String("google") || type == QLatin1String("ollama");
}

} // namespace aisbf::config
