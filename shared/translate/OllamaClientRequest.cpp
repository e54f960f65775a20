// SPDX-License-Identifier: GPL-3.0-or-later
#include "Ollama.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <optional>

namespace aisbf::translate::ollama {

namespace {

struct Failure
{
    QString message;
    QString param;
};

Failure failure(const QString &param, const QString &problem)
{
    return {param + QStringLiteral(": ") + problem, param};
}

// Ollama clients send bare base64; OpenAI wants a data: URL, whose type is read from the
// image's first bytes (16 base64 characters decode to the 12 bytes the checks need).
QString imageUrl(const QString &image)
{
    if (image.startsWith(QLatin1String("data:")))
        return image;
    const QByteArray head = QByteArray::fromBase64(image.left(16).toLatin1());
    QLatin1String mime("image/png");
    if (head.startsWith("\xFF\xD8\xFF"))
        mime = QLatin1String("image/jpeg");
    else if (head.startsWith("GIF87a") || head.startsWith("GIF89a"))
        mime = QLatin1String("image/gif");
    else if (head.startsWith("RIFF") && head.mid(8, 4) == "WEBP")
        mime = QLatin1String("image/webp");
    return QStringLiteral("data:") + mime + QStringLiteral(";base64,") + image;
}

std::optional<Failure> readContent(const QJsonObject &message, const QString &at, QJsonObject *into)
{
    const QJsonValue content = message.value(QLatin1String("content"));
    if (!content.isString() && !content.isNull() && !content.isUndefined())
        return failure(at + QStringLiteral(".content"), QStringLiteral("must be a string"));
    const QJsonValue images = message.value(QLatin1String("images"));
    if (!images.isArray() && !images.isNull() && !images.isUndefined())
        return failure(at + QStringLiteral(".images"),
                       QStringLiteral("must be an array of base64 strings"));
    if (images.toArray().isEmpty()) {
        into->insert(QStringLiteral("content"), content.toString());
        return std::nullopt;
    }
    QJsonArray parts;
    if (!content.toString().isEmpty())
        parts.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                 {QStringLiteral("text"), content}});
    const QJsonArray list = images.toArray();
    for (qsizetype k = 0; k < list.size(); ++k) {
        if (!list.at(k).isString())
            return failure(at + QStringLiteral(".images.%1").arg(k),
                           QStringLiteral("must be a base64 string"));
        parts.append(
            QJsonObject{{QStringLiteral("type"), QStringLiteral("image_url")},
                        {QStringLiteral("image_url"),
                         QJsonObject{{QStringLiteral("url"), imageUrl(list.at(k).toString())}}}});
    }
    into->insert(QStringLiteral("content"), parts);
    return std::nullopt;
}

// Ollama has no tool call ids; the gateway makes them up and answers each tool message to the
// call it most likely belongs to: the first unanswered one of the same name, else the first
// unanswered one.
class CallIds
{
public:
    QString add(const QString &name)
    {
        const QString id = QStringLiteral("call_%1").arg(m_calls.size());
        m_calls.append({id, name, false});
        return id;
    }

    QString answer(const QString &name)
    {
        Call *chosen = nullptr;
        for (Call &call : m_calls) {
            if (!call.answered && (name.isEmpty() || call.name == name)) {
                chosen = &call;
                break;
            }
        }
        for (qsizetype i = 0; !chosen && i < m_calls.size(); ++i) {
            if (!m_calls[i].answered)
                chosen = &m_calls[i];
        }
        if (!chosen)
            return {};
        chosen->answered = true;
        return chosen->id;
    }

private:
    struct Call
    {
        QString id;
        QString name;
        bool answered;
    };
    QList<Call> m_calls;
};

std::optional<Failure> readToolCalls(const QJsonValue &value, const QString &at, CallIds *ids,
                                     QJsonObject *into)
{
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    const QString param = at + QStringLiteral(".tool_calls");
    if (!value.isArray())
        return failure(param, QStringLiteral("must be an array"));
    QJsonArray calls;
    const QJsonArray list = value.toArray();
    for (qsizetype k = 0; k < list.size(); ++k) {
        const QJsonObject function =
            list.at(k).toObject().value(QLatin1String("function")).toObject();
        const QString name = function.value(QLatin1String("name")).toString();
        if (name.isEmpty())
            return failure(param + QStringLiteral(".%1.function.name").arg(k),
                           QStringLiteral("must be a non-empty string"));
        const QJsonValue arguments = function.value(QLatin1String("arguments"));
        const QString text =
            arguments.isString()
                ? arguments.toString()
                : QString::fromUtf8(
                      QJsonDocument(arguments.toObject()).toJson(QJsonDocument::Compact));
        calls.append(QJsonObject{
            {QStringLiteral("id"), ids->add(name)},
            {QStringLiteral("type"), QStringLiteral("function")},
            {QStringLiteral("function"),
             QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("arguments"), text}}}});
    }
    if (!calls.isEmpty())
        into->insert(QStringLiteral("tool_calls"), calls);
    return std::nullopt;
}

std::optional<Failure> readMessages(const QJsonArray &messages, QJsonArray *out)
{
    CallIds ids;
    for (qsizetype i = 0; i < messages.size(); ++i) {
        const QString at = QStringLiteral("messages.%1").arg(i);
        const QJsonObject message = messages.at(i).toObject();
        const QJsonValue role = message.value(QLatin1String("role"));
        if (!role.isString() || role.toString().isEmpty())
            return failure(at + QStringLiteral(".role"),
                           QStringLiteral("must be a string (system, user, assistant or tool)"));
        QJsonObject openAi{{QStringLiteral("role"), role}};
        if (std::optional<Failure> problem = readContent(message, at, &openAi))
            return problem;
        if (std::optional<Failure> problem =
                readToolCalls(message.value(QLatin1String("tool_calls")), at, &ids, &openAi))
            return problem;
        if (role.toString() == QLatin1String("tool")) {
            const QString id = ids.answer(message.value(QLatin1String("tool_name")).toString());
            if (id.isEmpty())
                return failure(at, QStringLiteral("a tool message must follow an assistant "
                                                  "message whose tool_calls it answers"));
            openAi.insert(QStringLiteral("tool_call_id"), id);
        }
        out->append(openAi);
    }
    return std::nullopt;
}

void readOptions(const QJsonObject &options, QJsonObject *openAi)
{
    for (const char *key :
         {"temperature", "top_p", "seed", "frequency_penalty", "presence_penalty"}) {
        const QJsonValue value = options.value(QLatin1String(key));
        if (value.isDouble())
            openAi->insert(QLatin1String(key), value);
    }
    // num_predict -1 (no limit) and -2 (fill the context) have no OpenAI form: no max_tokens.
    const QJsonValue numPredict = options.value(QLatin1String("num_predict"));
    if (numPredict.isDouble() && numPredict.toDouble() > 0)
        openAi->insert(QStringLiteral("max_tokens"), numPredict);
    const QJsonValue stop = options.value(QLatin1String("stop"));
    if (stop.isString() || (stop.isArray() && !stop.toArray().isEmpty()))
        openAi->insert(QStringLiteral("stop"), stop);
}

void readFormat(const QJsonValue &format, QJsonObject *openAi)
{
    if (format.toString() == QLatin1String("json")) {
        openAi->insert(QStringLiteral("response_format"),
                       QJsonObject{{QStringLiteral("type"), QStringLiteral("json_object")}});
    } else if (format.isObject()) {
        openAi->insert(
            QStringLiteral("response_format"),
            QJsonObject{{QStringLiteral("type"), QStringLiteral("json_schema")},
                        {QStringLiteral("json_schema"),
                         QJsonObject{{QStringLiteral("name"), QStringLiteral("response")},
                                     {QStringLiteral("schema"), format}}}});
    }
}

} // namespace

InboundRequest readClientRequest(const QJsonObject &client)
{
    InboundRequest request;
    const QJsonValue model = client.value(QLatin1String("model"));
    const QJsonValue messages = client.value(QLatin1String("messages"));
    std::optional<Failure> problem;
    QJsonArray openAiMessages;
    if (!model.isString() || model.toString().isEmpty())
        problem = failure(QStringLiteral("model"), QStringLiteral("must be a non-empty string"));
    else if (!messages.isArray())
        problem = failure(QStringLiteral("messages"), QStringLiteral("must be an array"));
    else
        problem = readMessages(messages.toArray(), &openAiMessages);
    if (problem) {
        request.error = problem->message;
        request.errorParam = problem->param;
        return request;
    }

    request.model = model.toString();
    // Ollama streams unless told not to.
    const QJsonValue stream = client.value(QLatin1String("stream"));
    request.stream = stream.isBool() ? stream.toBool() : true;
    QJsonObject &openAi = request.openAi;
    openAi.insert(QStringLiteral("model"), request.model);
    openAi.insert(QStringLiteral("messages"), openAiMessages);
    openAi.insert(QStringLiteral("stream"), request.stream);
    // The closing NDJSON line carries the token counts, so ask for the usage chunk.
    if (request.stream)
        openAi.insert(QStringLiteral("stream_options"),
                      QJsonObject{{QStringLiteral("include_usage"), true}});
    readOptions(client.value(QLatin1String("options")).toObject(), &openAi);
    const QJsonArray tools = client.value(QLatin1String("tools")).toArray();
    if (!tools.isEmpty())
        openAi.insert(QStringLiteral("tools"), tools);
    readFormat(client.value(QLatin1String("format")), &openAi);
    return request;
}

} // namespace aisbf::translate::ollama
