// SPDX-License-Identifier: GPL-3.0-or-later
#include "Dialects.h"

namespace aisbf::translate {

std::optional<ProviderDialect> providerDialect(const QString &providerType)
{
    const QString type = providerType.toLower();
    if (type == QLatin1String("openai"))
        return ProviderDialect::OpenAi;
    // "claude" is the original AISBF's name for the Anthropic API.
    if (type == QLatin1String("anthropic") || type == QLatin1String("claude"))
        return ProviderDialect::Anthropic;
    if (type == QLatin1String("google") || type == QLatin1String("gemini"))
        return ProviderDialect::Google;
    if (type == QLatin1String("ollama"))
        return ProviderDialect::Ollama;
    return std::nullopt;
}

QString dialectName(ProviderDialect dialect)
{
    switch (dialect) {
    case ProviderDialect::OpenAi:
        return QStringLiteral("openai");
    case ProviderDialect::Anthropic:
        return QStringLiteral("anthropic");
    case ProviderDialect::Google:
        return QStringLiteral("google");
    case ProviderDialect::Ollama:
        return QStringLiteral("ollama");
    }
    return {};
}

const ProviderTranslator &providerTranslator(ProviderDialect dialect)
{
    switch (dialect) {
    case ProviderDialect::Anthropic:
        return anthropicProviderTranslator();
    case ProviderDialect::Google:
        return googleProviderTranslator();
    case ProviderDialect::Ollama:
        return ollamaProviderTranslator();
    case ProviderDialect::OpenAi:
        break;
    }
    Q_UNREACHABLE();
}

const ClientCodec &clientCodec(ClientDialect dialect)
{
    switch (dialect) {
    case ClientDialect::Anthropic:
        return anthropicClientCodec();
    case ClientDialect::Ollama:
        return ollamaClientCodec();
    case ClientDialect::OpenAi:
        break;
    }
    Q_UNREACHABLE();
}

} // namespace aisbf::translate
