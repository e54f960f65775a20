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
    // Only the OpenAI-compatible adapter exists so far. Extend this list as the anthropic,
    // google, ollama and coderai adapters land in service/upstream; the validator's warning
    // for unservable types follows from here automatically.
    return type == QLatin1String("openai");
}

} // namespace aisbf::config
