// SPDX-License-Identifier: GPL-3.0-or-later
#include "Dialects.h"

namespace aisbf::translate {

std::optional<ProviderDialect> providerDialect(const QString &providerType)
{
    // Exactly the servable types of config::ProviderConfig::isServable(). The original AISBF's
    // "claude" type is an OAuth subscription login, not the Messages API with a key.
    const QString &type = providerType;
    if (type == QLatin1String("openai"))
        return ProviderDialect::OpenAi;
    if (type == QLatin1String("anthropic"))
        return ProviderDialect::Anthropic;
    if (type == QLatin1String("google"))
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
