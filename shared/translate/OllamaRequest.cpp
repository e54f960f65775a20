// SPDX-License-Identifier: GPL-3.0-or-later
#include "Ollama.h"
#include "OpenAiShapes.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

#include <optional>

namespace aisbf::translate::ollama {

namespace {

QString where(qsizetype message, qsizetype part)
{
    return QStringLiteral("messages[%1].content[%2]").arg(message).arg(part);
}

QString unsupported(const QString &at, const QString &what)
{
    return at + QStringLiteral(": %1 is not supported by provider type ollama").arg(what);
}

// The base64 payload of an image part; Ollama takes images as bare base64 strings only.
std::optional<QString> imageData(const QJsonObject &part, const QString &at, QJsonArray *images)
{
    const QJsonValue image = part.value(QLatin1String("image_url"));
    const QString url = image.isString() ? image.toString()
                                         : image.toObject().value(QLatin1String("url")).toString();
    if (url.startsWith(QLatin1String("http://")) || url.startsWith(QLatin1String("https://")))
        return at + QStringLiteral(": image URLs are not supported by provider type ollama; send "
                                   "the image as a data: URL");
    const qsizetype comma = url.indexOf(u',');
    if (!url.startsWith(QLatin1String("data:")) || comma < 0 ||
        !QStringView(url).first(comma).endsWith(QLatin1String(";base64")))
        return at + QStringLiteral(": image_url.url must be a base64 data: URL");
    images->append(url.mid(comma + 1));
    return std::nullopt;
}

// OpenAI content → Ollama's one content string plus its images.
std::optional<QString> readContent(const QJsonValue &content, qsizetype index, QJsonObject *into)
{
    if (content.isString() || content.isNull() || content.isUndefined()) {
        into->insert(QStringLiteral("content"), content.toString());
        return std::nullopt;
    }
    if (!content.isArray())
        return QStringLiteral("messages[%1].content: must be a string or an array").arg(index);
    QStringList texts;
    QJsonArray images;
    const QJsonArray parts = content.toArray();
    for (qsizetype j = 0; j < parts.size(); ++j) {
        const QJsonObject part = parts.at(j).toObject();
        const QString type = part.value(QLatin1String("type")).toString();
        if (type == QLatin1String("text")) {
            texts.append(part.value(QLatin1String("text")).toString());
        } else if (type == QLatin1String("image_url")) {
            if (std::optional<QString> error = imageData(part, where(index, j), &images))
                return error;
        } else {
            return unsupported(where(index, j),
                               type.isEmpty() ? QStringLiteral("a part without type") : type);
        }
    }
    into->insert(QStringLiteral("content"), texts.join(u'\n'));
    if (!images.isEmpty())
        into->insert(QStringLiteral("images"), images);
    return std::nullopt;
}

std::optional<QString> readToolCalls(const QJsonObject &message, qsizetype index,
                                     QHash<QString, QString> *namesById, QJsonObject *into)
{
    QString error;
    const QList<openai::ToolCall> calls =
        openai::readToolCalls(message, QStringLiteral("messages[%1]").arg(index), &error);
    if (!error.isEmpty())
        return error;
    QJsonArray out;
    for (const openai::ToolCall &call : calls) {
        namesById->insert(call.id, call.name);
        out.append(QJsonObject{{QStringLiteral("function"),
                                QJsonObject{{QStringLiteral("name"), call.name},
                                            {QStringLiteral("arguments"), call.arguments}}}});
    }
    if (!out.isEmpty())
        into->insert(QStringLiteral("tool_calls"), out);
    return std::nullopt;
}

std::optional<QString> readMessages(const QJsonArray &messages, QJsonArray *out)
{
    QHash<QString, QString> namesById;
    for (qsizetype i = 0; i < messages.size(); ++i) {
        const QJsonObject message = messages.at(i).toObject();
        QString role = message.value(QLatin1String("role")).toString();
        if (role == QLatin1String("developer"))
            role = QStringLiteral("system"); // Ollama's templates know "system" only
        if (role != QLatin1String("system") && role != QLatin1String("user") &&
            role != QLatin1String("assistant") && role != QLatin1String("tool"))
            return QStringLiteral("messages[%1].role: \"%2\" is not supported by provider type "
                                  "ollama")
                .arg(i)
                .arg(role);
        QJsonObject native{{QStringLiteral("role"), role}};
        if (std::optional<QString> error =
                readContent(message.value(QLatin1String("content")), i, &native))
            return error;
        if (role == QLatin1String("assistant")) {
            if (std::optional<QString> error = readToolCalls(message, i, &namesById, &native))
                return error;
            const QString reasoning = message.value(QLatin1String("reasoning_content")).toString();
            if (!reasoning.isEmpty())
                native.insert(QStringLiteral("thinking"), reasoning);
        } else if (role == QLatin1String("tool")) {
            const QString name =
                namesById.value(message.value(QLatin1String("tool_call_id")).toString());
            if (!name.isEmpty())
                native.insert(QStringLiteral("tool_name"), name);
        }
        out->append(native);
    }
    return std::nullopt;
}

QJsonObject options(const QJsonObject &openAi, const OutboundContext &context)
{
    QJsonObject options;
    const auto copyNumber = [&](const char *from, const QString &to) {
        const QJsonValue value = openAi.value(QLatin1String(from));
        if (value.isDouble())
            options.insert(to, value);
    };
    copyNumber("temperature", QStringLiteral("temperature"));
    copyNumber("top_p", QStringLiteral("top_p"));
    copyNumber("max_tokens", QStringLiteral("num_predict"));
    copyNumber("max_completion_tokens", QStringLiteral("num_predict")); // wins over max_tokens
    copyNumber("seed", QStringLiteral("seed"));
    copyNumber("frequency_penalty", QStringLiteral("frequency_penalty"));
    copyNumber("presence_penalty", QStringLiteral("presence_penalty"));
    if (context.contextSize)
        options.insert(QStringLiteral("num_ctx"), *context.contextSize);
    const QJsonValue stop = openAi.value(QLatin1String("stop"));
    if (stop.isString())
        options.insert(QStringLiteral("stop"), QJsonArray{stop});
    else if (stop.isArray() && !stop.toArray().isEmpty())
        options.insert(QStringLiteral("stop"), stop);
    return options;
}

} // namespace

QByteArray apiBase(const QByteArray &basePath)
{
    QByteArray base = basePath;
    while (base.endsWith('/'))
        base.chop(1);
    if (base.endsWith("/v1"))
        base.chop(3);
    else if (base.endsWith("/api"))
        base.chop(4);
    return base;
}

OutboundRequest buildRequest(const QJsonObject &openAi, const OutboundContext &context)
{
    OutboundRequest request;
    const QJsonValue messages = openAi.value(QLatin1String("messages"));
    QJsonArray nativeMessages;
    if (!messages.isArray()) {
        request.error = QStringLiteral("messages: must be an array");
    } else if (std::optional<QString> error = readMessages(messages.toArray(), &nativeMessages)) {
        request.error = *error;
    }
    if (!request.error.isEmpty()) {
        request.errorParam = QStringLiteral("messages");
        return request;
    }

    // "stream" is always explicit: Ollama streams when it is absent.
    QJsonObject body{{QStringLiteral("model"), context.model},
                     {QStringLiteral("messages"), nativeMessages},
                     {QStringLiteral("stream"), context.stream}};
    const QJsonObject nativeOptions = options(openAi, context);
    if (!nativeOptions.isEmpty())
        body.insert(QStringLiteral("options"), nativeOptions);
    // Ollama has no tool_choice; offering no tools is the nearest thing to "none".
    const QJsonArray tools = openAi.value(QLatin1String("tools")).toArray();
    if (!tools.isEmpty() &&
        openAi.value(QLatin1String("tool_choice")).toString() != QLatin1String("none"))
        body.insert(QStringLiteral("tools"), tools);
    const QJsonObject format = openAi.value(QLatin1String("response_format")).toObject();
    const QString formatType = format.value(QLatin1String("type")).toString();
    const QJsonValue schema =
        format.value(QLatin1String("json_schema")).toObject().value(QLatin1String("schema"));
    if (formatType == QLatin1String("json_object"))
        body.insert(QStringLiteral("format"), QStringLiteral("json"));
    else if (formatType == QLatin1String("json_schema") && schema.isObject())
        body.insert(QStringLiteral("format"), schema);

    request.target = apiBase(context.basePath) + "/api/chat";
    if (!context.apiKey.isEmpty())
        request.headers.append({"Authorization", "Bearer " + context.apiKey.toUtf8()});
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return request;
}

} // namespace aisbf::translate::ollama
