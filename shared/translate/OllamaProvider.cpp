// SPDX-License-Identifier: GPL-3.0-or-later
#include "Dialects.h"
#include "Ollama.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace aisbf::translate {

namespace {

// Ollama's native API (/api/chat, NDJSON streams), which carries options such as num_ctx that
// its OpenAI-compatible endpoint ignores.
class OllamaProviderTranslator final : public ProviderTranslator
{
public:
    OutboundRequest request(const QJsonObject &openAiRequest,
                            const OutboundContext &context) const override
    {
        return ollama::buildRequest(openAiRequest, context);
    }

    QByteArray streamContentType() const override { return "application/x-ndjson"; }

    TranslatedResponse response(const QByteArray &body, const QString &model) const override
    {
        return ollama::parseResponse(body, model);
    }

    std::unique_ptr<StreamDecoder> streamDecoder(const QString &model) const override
    {
        return ollama::newStreamDecoder(model);
    }

    // {"error": "model \"x\" not found, try pulling it first"}
    QString errorMessage(const QByteArray &body) const override
    {
        return QJsonDocument::fromJson(body).object().value(QLatin1String("error")).toString();
    }

    OutboundRequest modelsRequest(const OutboundContext &context) const override
    {
        OutboundRequest request;
        request.target = ollama::apiBase(context.basePath) + "/api/tags";
        if (!context.apiKey.isEmpty())
            request.headers.append({"Authorization", "Bearer " + context.apiKey.toUtf8()});
        return request;
    }

    // {"models": [{"name": "llama3.2:latest", "model": "llama3.2:latest", ...}]}
    QStringList parseModels(const QByteArray &body) const override
    {
        QStringList names;
        const QJsonArray models =
            QJsonDocument::fromJson(body).object().value(QLatin1String("models")).toArray();
        for (const QJsonValue &model : models) {
            const QString name = model.toObject().value(QLatin1String("name")).toString();
            if (!name.isEmpty())
                names.append(name);
        }
        return names;
    }
};

} // namespace

const ProviderTranslator &ollamaProviderTranslator()
{
    static const OllamaProviderTranslator instance;
    return instance;
}

} // namespace aisbf::translate
