// SPDX-License-Identifier: GPL-3.0-or-later
// The Anthropic provider translator: whole answers, error bodies and model listing here; the
// request in AnthropicRequest.cpp, the stream in AnthropicStream.cpp.
#include "Anthropic.h"
#include "Dialects.h"
#include "OpenAiShapes.h"

#include <QJsonArray>

namespace aisbf::translate {

using namespace Qt::StringLiterals;

namespace anthropic {

QString finishReasonOf(const QString &stopReason)
{
    if (stopReason == "max_tokens"_L1)
        return u"length"_s;
    if (stopReason == "tool_use"_L1)
        return u"tool_calls"_s;
    if (stopReason == "refusal"_L1)
        return u"content_filter"_s;
    // end_turn, stop_sequence, pause_turn and whatever a newer API version adds.
    return u"stop"_s;
}

QJsonObject openAiUsage(const QJsonObject &usage)
{
    const qint64 input = usage.value("input_tokens"_L1).toInteger();
    const QJsonValue cacheRead = usage.value("cache_read_input_tokens"_L1);
    const qint64 cacheCreation = usage.value("cache_creation_input_tokens"_L1).toInteger();
    // Anthropic counts cached prompt tokens apart from input_tokens; OpenAI includes them.
    return openai::usage(input + cacheRead.toInteger() + cacheCreation,
                         usage.value("output_tokens"_L1).toInteger(),
                         cacheRead.isDouble() ? cacheRead.toInteger() : -1);
}

} // namespace anthropic

namespace {

class AnthropicTranslator final : public ProviderTranslator
{
public:
    OutboundRequest request(const QJsonObject &openAiRequest,
                            const OutboundContext &context) const override
    {
        return anthropic::nativeRequest(openAiRequest, context);
    }

    QByteArray streamContentType() const override { return QByteArrayLiteral("text/event-stream"); }

    TranslatedResponse response(const QByteArray &body, const QString &model) const override
    {
        const QJsonObject message = QJsonDocument::fromJson(body).object();
        if (message.value("type"_L1) != "message"_L1) {
            const QString upstreamError = errorMessage(body);
            return {{},
                    upstreamError.isEmpty()
                        ? u"the Anthropic answer is not a message object"_s
                        : u"the Anthropic answer is an error: "_s + upstreamError};
        }
        QString text;
        QString thinking;
        QJsonArray toolCalls;
        for (const QJsonValue &value : message.value("content"_L1).toArray()) {
            const QJsonObject block = value.toObject();
            const QString type = block.value("type"_L1).toString();
            if (type == "text"_L1) {
                text += block.value("text"_L1).toString();
            } else if (type == "thinking"_L1) {
                thinking += block.value("thinking"_L1).toString();
            } else if (type == "tool_use"_L1) {
                const QJsonObject function{
                    {u"name"_s, block.value("name"_L1)},
                    {u"arguments"_s, QString::fromUtf8(anthropic::compactJson(
                                         block.value("input"_L1).toObject()))}};
                toolCalls.append(QJsonObject{{u"id"_s, block.value("id"_L1)},
                                             {u"type"_s, u"function"_s},
                                             {u"function"_s, function}});
            }
            // redacted_thinking and server tool blocks have no OpenAI form.
        }
        QJsonObject reply{{u"role"_s, u"assistant"_s},
                          {u"content"_s, text.isEmpty() && !toolCalls.isEmpty()
                                             ? QJsonValue(QJsonValue::Null)
                                             : QJsonValue(text)}};
        if (!thinking.isEmpty())
            reply.insert(u"reasoning_content"_s, thinking);
        if (!toolCalls.isEmpty())
            reply.insert(u"tool_calls"_s, toolCalls);
        QString id = message.value("id"_L1).toString();
        if (id.isEmpty())
            id = openai::newCompletionId();
        return {openai::completion(
                    id, openai::nowSeconds(), model, reply,
                    anthropic::finishReasonOf(message.value("stop_reason"_L1).toString()),
                    anthropic::openAiUsage(message.value("usage"_L1).toObject())),
                {}};
    }

    std::unique_ptr<StreamDecoder> streamDecoder(const QString &model) const override
    {
        return anthropic::newStreamDecoder(model);
    }

    QString errorMessage(const QByteArray &body) const override
    {
        // {"type":"error","error":{"type":"not_found_error","message":"model: x"}}
        const QJsonObject error =
            QJsonDocument::fromJson(body).object().value("error"_L1).toObject();
        return error.value("message"_L1).toString();
    }

    OutboundRequest modelsRequest(const OutboundContext &context) const override
    {
        OutboundRequest request;
        request.target = anthropic::endpoint(context.basePath, "/models");
        request.headers = anthropic::requestHeaders(context);
        return request;
    }

    QStringList parseModels(const QByteArray &body) const override
    {
        QStringList models;
        for (const QJsonValue &entry :
             QJsonDocument::fromJson(body).object().value("data"_L1).toArray()) {
            const QString id = entry.toObject().value("id"_L1).toString();
            if (!id.isEmpty())
                models.append(id);
        }
        return models;
    }
};

} // namespace

const ProviderTranslator &anthropicProviderTranslator()
{
    static const AnthropicTranslator instance;
    return instance;
}

} // namespace aisbf::translate
