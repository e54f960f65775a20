// SPDX-License-Identifier: GPL-3.0-or-later
#include "Dialects.h"
#include "Google.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace aisbf::translate {

namespace {

// Google Gemini's generateContent API (AI Studio, https://generativelanguage.googleapis.com).
class GoogleProviderTranslator final : public ProviderTranslator
{
public:
    OutboundRequest request(const QJsonObject &openAiRequest,
                            const OutboundContext &context) const override
    {
        return google::buildRequest(openAiRequest, context);
    }

    QByteArray streamContentType() const override { return "text/event-stream"; }

    TranslatedResponse response(const QByteArray &body, const QString &model) const override
    {
        return google::parseResponse(body, model);
    }

    std::unique_ptr<StreamDecoder> streamDecoder(const QString &model) const override
    {
        return google::newStreamDecoder(model);
    }

    // {"error": {"code": 400, "message": "...", "status": "INVALID_ARGUMENT"}}, or that object
    // in a one-element array, as the non-SSE streaming endpoint answers.
    QString errorMessage(const QByteArray &body) const override
    {
        const QJsonDocument document = QJsonDocument::fromJson(body);
        const QJsonObject root =
            document.isArray() ? document.array().first().toObject() : document.object();
        return root.value(QLatin1String("error"))
            .toObject()
            .value(QLatin1String("message"))
            .toString();
    }

    OutboundRequest modelsRequest(const OutboundContext &context) const override
    {
        OutboundRequest request;
        request.target = google::apiBase(context.basePath) + "/models";
        if (!context.apiKey.isEmpty())
            request.headers.append({"x-goog-api-key", context.apiKey.toUtf8()});
        return request;
    }

    // {"models": [{"name": "models/gemini-2.5-flash", "supportedGenerationMethods": [...]}]}
    QStringList parseModels(const QByteArray &body) const override
    {
        QStringList names;
        const QJsonArray models =
            QJsonDocument::fromJson(body).object().value(QLatin1String("models")).toArray();
        for (const QJsonValue &value : models) {
            const QJsonObject model = value.toObject();
            // Embedding and other non-chat models do not list generateContent.
            const QJsonValue methods = model.value(QLatin1String("supportedGenerationMethods"));
            if (methods.isArray() &&
                !methods.toArray().contains(QJsonValue(QStringLiteral("generateContent"))))
                continue;
            QString name = model.value(QLatin1String("name")).toString();
            if (name.startsWith(QLatin1String("models/")))
                name.remove(0, 7);
            if (!name.isEmpty())
                names.append(name);
        }
        return names;
    }
};

} // namespace

const ProviderTranslator &googleProviderTranslator()
{
    static const GoogleProviderTranslator instance;
    return instance;
}

} // namespace aisbf::translate
