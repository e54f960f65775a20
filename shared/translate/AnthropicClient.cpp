// SPDX-License-Identifier: GPL-3.0-or-later
// The Anthropic client codec: whole answers and error bodies here; the request in
// AnthropicClientRequest.cpp, the stream in AnthropicClientStream.cpp.
#include "Anthropic.h"
#include "Dialects.h"
#include "OpenAiShapes.h"

#include <QJsonArray>

namespace aisbf::translate {

using namespace Qt::StringLiterals;

namespace anthropic {

QString stopReasonOf(const QString &finishReason)
{
    if (finishReason == "length"_L1)
        return u"max_tokens"_s;
    if (finishReason == "tool_calls"_L1 || finishReason == "function_call"_L1)
        return u"tool_use"_s;
    if (finishReason == "content_filter"_L1)
        return u"refusal"_s;
    return u"end_turn"_s;
}

QString messageId(const QString &completionId)
{
    if (completionId.startsWith("msg_"_L1))
        return completionId;
    const QString id = completionId.isEmpty() ? openai::newCompletionId() : completionId;
    return u"msg_"_s + (id.startsWith("chatcmpl-"_L1) ? id.sliced(9) : id);
}

// OpenAI usage → Anthropic usage. OpenAI's prompt_tokens include the cached ones, Anthropic's
// input_tokens do not: the cached part goes to cache_read_input_tokens.
QJsonObject clientUsage(const QJsonObject &usage)
{
    const QJsonValue cached =
        usage.value("prompt_tokens_details"_L1).toObject().value("cached_tokens"_L1);
    const qint64 prompt = usage.value("prompt_tokens"_L1).toInteger();
    QJsonObject out{{u"input_tokens"_s, prompt - cached.toInteger()},
                    {u"output_tokens"_s, usage.value("completion_tokens"_L1).toInteger()}};
    if (cached.isDouble())
        out.insert(u"cache_read_input_tokens"_s, cached.toInteger());
    return out;
}

} // namespace anthropic

namespace {

QByteArray errorType(int status)
{
    switch (status) {
    case 400:
        return QByteArrayLiteral("invalid_request_error");
    case 401:
        return QByteArrayLiteral("authentication_error");
    case 403:
        return QByteArrayLiteral("permission_error");
    case 404:
        return QByteArrayLiteral("not_found_error");
    case 413:
        return QByteArrayLiteral("request_too_large");
    case 429:
        return QByteArrayLiteral("rate_limit_error");
    case 503:
    case 529:
        return QByteArrayLiteral("overloaded_error");
    default:
        return QByteArrayLiteral("api_error");
    }
}

class AnthropicCodec final : public ClientCodec
{
public:
    InboundRequest request(const QJsonObject &clientRequest) const override
    {
        return anthropic::inboundRequest(clientRequest);
    }

    QByteArray response(const QJsonObject &completion) const override
    {
        const QJsonObject choice = completion.value("choices"_L1).toArray().first().toObject();
        const QJsonObject message = choice.value("message"_L1).toObject();
        QJsonArray content;
        const QString reasoning = message.value("reasoning_content"_L1).toString();
        if (!reasoning.isEmpty())
            content.append(QJsonObject{
                {u"type"_s, u"thinking"_s}, {u"thinking"_s, reasoning}, {u"signature"_s, u""_s}});
        const QString text = message.value("content"_L1).toString();
        if (!text.isEmpty())
            content.append(QJsonObject{{u"type"_s, u"text"_s}, {u"text"_s, text}});
        for (const QJsonValue &value : message.value("tool_calls"_L1).toArray()) {
            const QJsonObject call = value.toObject();
            const QJsonObject function = call.value("function"_L1).toObject();
            // Anthropic clients expect an object; arguments a model botched become {}.
            const QJsonObject input =
                QJsonDocument::fromJson(function.value("arguments"_L1).toString().toUtf8())
                    .object();
            content.append(QJsonObject{{u"type"_s, u"tool_use"_s},
                                       {u"id"_s, call.value("id"_L1)},
                                       {u"name"_s, function.value("name"_L1)},
                                       {u"input"_s, input}});
        }
        const QJsonObject body{
            {u"id"_s, anthropic::messageId(completion.value("id"_L1).toString())},
            {u"type"_s, u"message"_s},
            {u"role"_s, u"assistant"_s},
            {u"model"_s, completion.value("model"_L1)},
            {u"content"_s, content},
            {u"stop_reason"_s,
             anthropic::stopReasonOf(choice.value("finish_reason"_L1).toString())},
            {u"stop_sequence"_s, QJsonValue::Null},
            {u"usage"_s, anthropic::clientUsage(completion.value("usage"_L1).toObject())}};
        return anthropic::compactJson(body);
    }

    QByteArray errorBody(const protocol::OpenAiError &error) const override
    {
        const QJsonObject detail{{u"type"_s, QString::fromLatin1(errorType(error.status))},
                                 {u"message"_s, error.message}};
        return anthropic::compactJson({{u"type"_s, u"error"_s}, {u"error"_s, detail}});
    }

    QByteArray streamContentType() const override { return QByteArrayLiteral("text/event-stream"); }

    std::unique_ptr<StreamEncoder> streamEncoder(const QString &model) const override
    {
        return anthropic::newStreamEncoder(model);
    }
};

} // namespace

const ClientCodec &anthropicClientCodec()
{
    static const AnthropicCodec instance;
    return instance;
}

} // namespace aisbf::translate
