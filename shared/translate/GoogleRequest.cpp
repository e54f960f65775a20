// SPDX-License-Identifier: GPL-3.0-or-later
#include "Google.h"
#include "OpenAiShapes.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

#include <optional>

namespace aisbf::translate::google {

namespace {

struct Failure
{
    QString message;
};

// One Gemini turn; consecutive OpenAI messages of the same Gemini role fold into one, as Gemini
// wants user and model turns to alternate.
struct Turn
{
    QString role;
    QJsonArray parts;
};

QString where(qsizetype message)
{
    return QStringLiteral("messages[%1]").arg(message);
}

QString where(qsizetype message, qsizetype part)
{
    return QStringLiteral("messages[%1].content[%2]").arg(message).arg(part);
}

QJsonObject textPart(const QString &text)
{
    return {{QStringLiteral("text"), text}};
}

QJsonObject inlineData(const QString &mimeType, const QString &data)
{
    return {{QStringLiteral("inlineData"),
             QJsonObject{{QStringLiteral("mimeType"), mimeType}, {QStringLiteral("data"), data}}}};
}

std::optional<Failure> imagePart(const QJsonObject &part, const QString &at, QJsonArray *parts)
{
    const QJsonValue image = part.value(QLatin1String("image_url"));
    const QString url = image.isString() ? image.toString()
                                         : image.toObject().value(QLatin1String("url")).toString();
    if (url.startsWith(QLatin1String("http://")) || url.startsWith(QLatin1String("https://")))
        return Failure{at + QStringLiteral(": image URLs are not supported by provider type google;"
                                           " send the image as a data: URL")};
    const qsizetype comma = url.indexOf(u',');
    if (!url.startsWith(QLatin1String("data:")) || comma < 0 ||
        !QStringView(url).first(comma).endsWith(QLatin1String(";base64")))
        return Failure{at + QStringLiteral(": image_url.url must be a base64 data: URL")};
    // "data:<mime>[;param=value...];base64,<data>": the type is what precedes any parameter.
    QString mimeType = url.mid(5, comma - 5 - 7).section(u';', 0, 0);
    if (mimeType.isEmpty())
        mimeType = QStringLiteral("image/png");
    parts->append(inlineData(mimeType, url.mid(comma + 1)));
    return std::nullopt;
}

std::optional<Failure> audioPart(const QJsonObject &part, const QString &at, QJsonArray *parts)
{
    const QJsonObject audio = part.value(QLatin1String("input_audio")).toObject();
    const QString format = audio.value(QLatin1String("format")).toString();
    if (format != QLatin1String("wav") && format != QLatin1String("mp3"))
        return Failure{at + QStringLiteral(": input_audio format \"%1\" is not supported by "
                                           "provider type google; use wav or mp3")
                                .arg(format)};
    parts->append(inlineData(QStringLiteral("audio/") + format,
                             audio.value(QLatin1String("data")).toString()));
    return std::nullopt;
}

// OpenAI message content (a string or an array of parts) → Gemini parts. Empty texts are left
// out: Gemini rejects a part without data.
std::optional<Failure> contentParts(const QJsonValue &content, qsizetype index, QJsonArray *parts)
{
    if (content.isString()) {
        if (!content.toString().isEmpty())
            parts->append(textPart(content.toString()));
        return std::nullopt;
    }
    if (content.isNull() || content.isUndefined())
        return std::nullopt;
    if (!content.isArray())
        return Failure{where(index) + QStringLiteral(".content: must be a string or an array")};
    const QJsonArray array = content.toArray();
    for (qsizetype j = 0; j < array.size(); ++j) {
        const QJsonObject part = array.at(j).toObject();
        const QString type = part.value(QLatin1String("type")).toString();
        std::optional<Failure> failure;
        if (type == QLatin1String("text")) {
            const QString text = part.value(QLatin1String("text")).toString();
            if (!text.isEmpty())
                parts->append(textPart(text));
        } else if (type == QLatin1String("image_url")) {
            failure = imagePart(part, where(index, j), parts);
        } else if (type == QLatin1String("input_audio")) {
            failure = audioPart(part, where(index, j), parts);
        } else {
            failure =
                Failure{where(index, j) +
                        QStringLiteral(": %1 is not supported by provider type google")
                            .arg(type.isEmpty() ? QStringLiteral("a part without type") : type)};
        }
        if (failure)
            return failure;
    }
    return std::nullopt;
}

// The text of a system or tool message, whose parts can only be text.
QString plainText(const QJsonValue &content)
{
    if (!content.isArray())
        return content.toString();
    QString text;
    for (const QJsonValue &part : content.toArray())
        text += part.toObject().value(QLatin1String("text")).toString();
    return text;
}

std::optional<Failure> functionCalls(const QJsonObject &message, qsizetype index,
                                     QHash<QString, QString> *namesById, QJsonArray *parts)
{
    QString error;
    const QList<openai::ToolCall> calls =
        openai::readToolCalls(message, QStringLiteral("messages[%1]").arg(index), &error);
    if (!error.isEmpty())
        return Failure{error};
    for (const openai::ToolCall &call : calls) {
        // Later calls may reuse an id (ids are only unique within one answer): the latest wins.
        namesById->insert(call.id, call.name);
        parts->append(QJsonObject{{QStringLiteral("functionCall"),
                                   QJsonObject{{QStringLiteral("name"), call.name},
                                               {QStringLiteral("args"), call.arguments}}}});
    }
    return std::nullopt;
}

QJsonObject functionResponse(const QString &name, const QJsonValue &content)
{
    const QString text = plainText(content);
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8());
    // Gemini wants an object; any other result travels as {"content": text}.
    const QJsonObject response =
        document.isObject() ? document.object() : QJsonObject{{QStringLiteral("content"), text}};
    return {{QStringLiteral("functionResponse"),
             QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("response"), response}}}};
}

void appendTurn(QList<Turn> *turns, const QString &role, const QJsonArray &parts)
{
    if (parts.isEmpty())
        return;
    if (!turns->isEmpty() && turns->last().role == role) {
        for (const QJsonValue &part : parts)
            turns->last().parts.append(part);
        return;
    }
    turns->append({role, parts});
}

struct Contents
{
    QJsonArray contents;
    QJsonArray systemParts;
};

std::optional<Failure> readMessages(const QJsonArray &messages, Contents *out)
{
    QList<Turn> turns;
    QHash<QString, QString> namesById;
    for (qsizetype i = 0; i < messages.size(); ++i) {
        const QJsonObject message = messages.at(i).toObject();
        const QString role = message.value(QLatin1String("role")).toString();
        const QJsonValue content = message.value(QLatin1String("content"));
        QJsonArray parts;
        std::optional<Failure> failure;
        if (role == QLatin1String("system") || role == QLatin1String("developer")) {
            const QString text = plainText(content);
            if (!text.isEmpty())
                out->systemParts.append(textPart(text));
        } else if (role == QLatin1String("user")) {
            failure = contentParts(content, i, &parts);
            appendTurn(&turns, QStringLiteral("user"), parts);
        } else if (role == QLatin1String("assistant")) {
            failure = contentParts(content, i, &parts);
            if (!failure)
                failure = functionCalls(message, i, &namesById, &parts);
            appendTurn(&turns, QStringLiteral("model"), parts);
        } else if (role == QLatin1String("tool") || role == QLatin1String("function")) {
            // Gemini matches a result to its call by function name, not by id.
            const QString id = message.value(QLatin1String("tool_call_id")).toString();
            const QString name =
                namesById.value(id, message.value(QLatin1String("name")).toString());
            if (name.isEmpty())
                return Failure{where(i) +
                               QStringLiteral(".tool_call_id: no earlier assistant tool call has "
                                              "id \"%1\"")
                                   .arg(id)};
            parts.append(functionResponse(name, content));
            appendTurn(&turns, QStringLiteral("user"), parts);
        } else {
            return Failure{
                where(i) +
                QStringLiteral(".role: \"%1\" is not supported by provider type google").arg(role)};
        }
        if (failure)
            return failure;
    }
    for (const Turn &turn : std::as_const(turns))
        out->contents.append(QJsonObject{{QStringLiteral("role"), turn.role},
                                         {QStringLiteral("parts"), turn.parts}});
    return std::nullopt;
}

} // namespace

QByteArray apiBase(const QByteArray &basePath)
{
    QByteArray base = basePath;
    while (base.endsWith('/'))
        base.chop(1);
    if (base.endsWith("/v1beta") || base.endsWith("/v1"))
        return base;
    return base + "/v1beta";
}

OutboundRequest buildRequest(const QJsonObject &openAi, const OutboundContext &context)
{
    OutboundRequest request;
    const QJsonValue messages = openAi.value(QLatin1String("messages"));
    if (!messages.isArray()) {
        request.error = QStringLiteral("messages: must be an array");
        request.errorParam = QStringLiteral("messages");
        return request;
    }
    Contents contents;
    if (const std::optional<Failure> failure = readMessages(messages.toArray(), &contents)) {
        request.error = failure->message;
        request.errorParam = QStringLiteral("messages");
        return request;
    }
    QJsonObject body{{QStringLiteral("contents"), contents.contents}};
    if (!contents.systemParts.isEmpty())
        body.insert(QStringLiteral("systemInstruction"),
                    QJsonObject{{QStringLiteral("parts"), contents.systemParts}});
    request.error = addOptions(openAi, &body, &request.errorParam);
    if (!request.error.isEmpty())
        return request;

    QString model = context.model;
    if (model.startsWith(QLatin1String("models/")))
        model.remove(0, 7);
    request.target = apiBase(context.basePath) + "/models/" + model.toUtf8() +
                     (context.stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
    if (!context.apiKey.isEmpty())
        request.headers.append({"x-goog-api-key", context.apiKey.toUtf8()});
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return request;
}

} // namespace aisbf::translate::google
