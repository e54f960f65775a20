// SPDX-License-Identifier: GPL-3.0-or-later
// OpenAI chat completion request → Anthropic Messages API request.
#include "Anthropic.h"
#include "OpenAiShapes.h"

#include <QJsonArray>

namespace aisbf::translate::anthropic {

namespace {

using namespace Qt::StringLiterals;

// An OpenAI request that cannot be expressed for Anthropic: what and where, for the 400.
struct Failure
{
    QString error;
    QString param;
};

QString unsupported(const QString &where, const QString &what)
{
    return where + u": "_s + what + u" is not supported by provider type anthropic"_s;
}

QString messageAt(qsizetype index)
{
    return u"messages[%1]"_s.arg(index);
}

QJsonObject textBlock(const QString &text)
{
    return {{u"type"_s, u"text"_s}, {u"text"_s, text}};
}

// The text of a string or text-part array (system, developer and tool contents, which Anthropic
// wants as strings); another part type is a failure naming it.
std::optional<Failure> flattenText(const QJsonValue &content, const QString &where, QString *text)
{
    if (content.isString() || content.isNull() || content.isUndefined()) {
        *text = content.toString();
        return std::nullopt;
    }
    if (!content.isArray())
        return Failure{where + u": content must be a string or an array of parts"_s, u"messages"_s};
    QStringList texts;
    const QJsonArray parts = content.toArray();
    for (qsizetype j = 0; j < parts.size(); ++j) {
        const QJsonObject part = parts.at(j).toObject();
        const QString type = part.value("type"_L1).toString();
        if (type != "text"_L1)
            return Failure{unsupported(u"%1[%2]"_s.arg(where).arg(j), type), u"messages"_s};
        texts.append(part.value("text"_L1).toString());
    }
    *text = texts.join(u"\n\n"_s);
    return std::nullopt;
}

// image_url part → an Anthropic image block: base64 source for data: URLs, url source else.
std::optional<Failure> imageBlock(const QJsonObject &part, const QString &where, QJsonArray *blocks)
{
    const QJsonValue imageUrl = part.value("image_url"_L1);
    const QString url =
        imageUrl.isObject() ? imageUrl.toObject().value("url"_L1).toString() : imageUrl.toString();
    QJsonObject source;
    if (url.startsWith("data:"_L1)) {
        const qsizetype comma = url.indexOf(u',');
        const QStringView header = QStringView(url).sliced(5, comma < 0 ? 0 : comma - 5);
        if (comma < 0 || !header.endsWith(u";base64") || header.size() == 7)
            return Failure{where + u": an image data URL must be data:<media type>;base64,..."_s,
                           u"messages"_s};
        source = {{u"type"_s, u"base64"_s},
                  {u"media_type"_s, header.chopped(7).toString()},
                  {u"data"_s, url.sliced(comma + 1)}};
    } else if (url.startsWith("https://"_L1) || url.startsWith("http://"_L1)) {
        source = {{u"type"_s, u"url"_s}, {u"url"_s, url}};
    } else {
        return Failure{where + u": image_url.url must be a data: or http(s) URL"_s, u"messages"_s};
    }
    blocks->append(QJsonObject{{u"type"_s, u"image"_s}, {u"source"_s, source}});
    return std::nullopt;
}

// A user or assistant content-part array → Anthropic content blocks.
std::optional<Failure> contentBlocks(const QJsonArray &parts, const QString &where, bool assistant,
                                     QJsonArray *blocks)
{
    for (qsizetype j = 0; j < parts.size(); ++j) {
        const QJsonObject part = parts.at(j).toObject();
        const QString type = part.value("type"_L1).toString();
        const QString partWhere = u"%1.content[%2]"_s.arg(where).arg(j);
        if (type == "text"_L1 || (assistant && type == "refusal"_L1)) {
            const QString text = part.value(type).toString();
            // Anthropic rejects empty text blocks; an empty part carries nothing anyway.
            if (!text.isEmpty())
                blocks->append(textBlock(text));
        } else if (type == "image_url"_L1 && !assistant) {
            if (auto failure = imageBlock(part, partWhere, blocks))
                return failure;
        } else {
            return Failure{unsupported(partWhere, type.isEmpty() ? u"a part without type"_s : type),
                           u"messages"_s};
        }
    }
    return std::nullopt;
}

std::optional<Failure> toolUseBlocks(const QJsonObject &message, const QString &where,
                                     QJsonArray *blocks)
{
    QString error;
    const QList<openai::ToolCall> calls = openai::readToolCalls(message, where, &error);
    if (!error.isEmpty())
        return Failure{error, u"messages"_s};
    for (const openai::ToolCall &call : calls) {
        blocks->append(QJsonObject{{u"type"_s, u"tool_use"_s},
                                   {u"id"_s, call.id},
                                   {u"name"_s, call.name},
                                   {u"input"_s, call.arguments}});
    }
    return std::nullopt;
}

// One Anthropic message under construction. Anthropic wants user and assistant turns to
// alternate, so consecutive OpenAI messages of the same role fold into one turn.
struct Turn
{
    QString role;
    bool plain = true; // a single string-content message, sent as a string
    QString text;
    QJsonArray blocks;

    QJsonObject toJson() const
    {
        if (plain)
            return {{u"role"_s, role}, {u"content"_s, text}};
        // tool_result blocks must open the user turn that answers the tool_use blocks.
        QJsonArray ordered;
        for (const QJsonValue &block : blocks) {
            if (block.toObject().value("type"_L1) == "tool_result"_L1)
                ordered.append(block);
        }
        for (const QJsonValue &block : blocks) {
            if (block.toObject().value("type"_L1) != "tool_result"_L1)
                ordered.append(block);
        }
        return {{u"role"_s, role}, {u"content"_s, ordered}};
    }
};

void appendTurn(QList<Turn> &turns, const QString &role, const QString *plainText,
                const QJsonArray &blocks)
{
    if (turns.isEmpty() || turns.last().role != role) {
        Turn turn{role, plainText != nullptr, plainText ? *plainText : QString(), blocks};
        turns.append(turn);
        return;
    }
    Turn &last = turns.last();
    if (last.plain) {
        last.plain = false;
        if (!last.text.isEmpty())
            last.blocks.append(textBlock(last.text));
        last.text.clear();
    }
    if (plainText && !plainText->isEmpty())
        last.blocks.append(textBlock(*plainText));
    for (const QJsonValue &block : blocks)
        last.blocks.append(block);
}

std::optional<Failure> convertMessages(const QJsonArray &messages, QJsonObject *body)
{
    QStringList system;
    QList<Turn> turns;
    for (qsizetype i = 0; i < messages.size(); ++i) {
        const QJsonObject message = messages.at(i).toObject();
        const QString role = message.value("role"_L1).toString();
        const QString where = messageAt(i);
        const QJsonValue content = message.value("content"_L1);
        if (role == "system"_L1 || role == "developer"_L1) {
            QString text;
            if (auto failure = flattenText(content, where + u".content"_s, &text))
                return failure;
            if (!text.isEmpty())
                system.append(text);
        } else if (role == "tool"_L1) {
            QString text;
            if (auto failure = flattenText(content, where + u".content"_s, &text))
                return failure;
            const QJsonObject result{{u"type"_s, u"tool_result"_s},
                                     {u"tool_use_id"_s, message.value("tool_call_id"_L1)},
                                     {u"content"_s, text}};
            appendTurn(turns, u"user"_s, nullptr, {result});
        } else if (role == "user"_L1 || role == "assistant"_L1) {
            const bool assistant = role == "assistant"_L1;
            const QJsonArray calls = message.value("tool_calls"_L1).toArray();
            if (content.isString() && calls.isEmpty()) {
                const QString text = content.toString();
                appendTurn(turns, role, &text, {});
                continue;
            }
            QJsonArray blocks;
            if (content.isString() && !content.toString().isEmpty()) {
                blocks.append(textBlock(content.toString()));
            } else if (content.isArray()) {
                if (auto failure = contentBlocks(content.toArray(), where, assistant, &blocks))
                    return failure;
            }
            if (assistant) {
                if (auto failure = toolUseBlocks(message, where, &blocks))
                    return failure;
            }
            if (blocks.isEmpty()) {
                const QString empty;
                appendTurn(turns, role, &empty, {});
            } else {
                appendTurn(turns, role, nullptr, blocks);
            }
        } else {
            return Failure{unsupported(where + u".role"_s, u"role "_s + role), u"messages"_s};
        }
    }
    if (!system.isEmpty())
        body->insert(u"system"_s, system.join(u"\n\n"_s));
    QJsonArray out;
    for (const Turn &turn : std::as_const(turns))
        out.append(turn.toJson());
    body->insert(u"messages"_s, out);
    return std::nullopt;
}

std::optional<Failure> convertTools(const QJsonObject &openAi, QJsonObject *body)
{
    const QJsonArray tools = openAi.value("tools"_L1).toArray();
    QJsonArray out;
    for (qsizetype i = 0; i < tools.size(); ++i) {
        const QJsonObject tool = tools.at(i).toObject();
        const QString type = tool.value("type"_L1).toString();
        if (type != "function"_L1)
            return Failure{unsupported(u"tools[%1]"_s.arg(i), u"tool type "_s + type), u"tools"_s};
        const QJsonObject function = tool.value("function"_L1).toObject();
        QJsonObject converted{{u"name"_s, function.value("name"_L1)}};
        if (function.value("description"_L1).isString())
            converted.insert(u"description"_s, function.value("description"_L1));
        const QJsonValue parameters = function.value("parameters"_L1);
        converted.insert(u"input_schema"_s, parameters.isObject()
                                                ? parameters
                                                : QJsonObject{{u"type"_s, u"object"_s}});
        out.append(converted);
    }
    if (!out.isEmpty())
        body->insert(u"tools"_s, out);

    QJsonObject choice;
    const QJsonValue toolChoice = openAi.value("tool_choice"_L1);
    if (toolChoice.isString()) {
        const QString name = toolChoice.toString();
        if (name == "auto"_L1)
            choice = {{u"type"_s, u"auto"_s}};
        else if (name == "required"_L1)
            choice = {{u"type"_s, u"any"_s}};
        else if (name == "none"_L1)
            choice = {{u"type"_s, u"none"_s}};
        else
            return Failure{unsupported(u"tool_choice"_s, name), u"tool_choice"_s};
    } else if (toolChoice.isObject()) {
        const QJsonObject object = toolChoice.toObject();
        if (object.value("type"_L1) != "function"_L1)
            return Failure{unsupported(u"tool_choice"_s, object.value("type"_L1).toString()),
                           u"tool_choice"_s};
        choice = {{u"type"_s, u"tool"_s},
                  {u"name"_s, object.value("function"_L1).toObject().value("name"_L1)}};
    }
    // Anthropic puts the parallel switch on tool_choice, and "none" has no such field.
    if (openAi.value("parallel_tool_calls"_L1) == QJsonValue(false) && !out.isEmpty()) {
        if (choice.isEmpty())
            choice = {{u"type"_s, u"auto"_s}};
        if (choice.value("type"_L1) != "none"_L1)
            choice.insert(u"disable_parallel_tool_use"_s, true);
    }
    if (!choice.isEmpty())
        body->insert(u"tool_choice"_s, choice);
    return std::nullopt;
}

} // namespace

OutboundRequest nativeRequest(const QJsonObject &openAi, const OutboundContext &context)
{
    OutboundRequest request;
    const QJsonValue n = openAi.value("n"_L1);
    if (n.isDouble() && n.toInteger() > 1) {
        request.error = unsupported(u"n"_s, u"n > 1"_s);
        request.errorParam = u"n"_s;
        return request;
    }

    QJsonObject body{{u"model"_s, context.model}, {u"stream"_s, context.stream}};
    qint64 maxTokens = context.defaultMaxTokens;
    for (const auto key : {"max_completion_tokens"_L1, "max_tokens"_L1}) {
        if (openAi.value(key).isDouble()) {
            maxTokens = openAi.value(key).toInteger();
            break;
        }
    }
    body.insert(u"max_tokens"_s, maxTokens);

    std::optional<Failure> failure = convertMessages(openAi.value("messages"_L1).toArray(), &body);
    if (!failure)
        failure = convertTools(openAi, &body);
    if (failure) {
        request.error = failure->error;
        request.errorParam = failure->param;
        return request;
    }

    const QJsonValue stop = openAi.value("stop"_L1);
    if (stop.isString())
        body.insert(u"stop_sequences"_s, QJsonArray{stop});
    else if (stop.isArray() && !stop.toArray().isEmpty())
        body.insert(u"stop_sequences"_s, stop);
    for (const auto key : {"temperature"_L1, "top_p"_L1}) {
        if (openAi.value(key).isDouble())
            body.insert(key, openAi.value(key));
    }
    if (openAi.value("user"_L1).isString())
        body.insert(u"metadata"_s, QJsonObject{{u"user_id"_s, openAi.value("user"_L1)}});

    request.target = endpoint(context.basePath, "/messages");
    request.headers = requestHeaders(context);
    request.body = compactJson(body);
    return request;
}

HeaderList requestHeaders(const OutboundContext &context)
{
    HeaderList headers;
    if (!context.apiKey.isEmpty())
        headers.append({QByteArrayLiteral("x-api-key"), context.apiKey.toUtf8()});
    const QJsonValue version = context.providerRaw.value("anthropic_version"_L1);
    headers.append({QByteArrayLiteral("anthropic-version"), version.isString()
                                                                ? version.toString().toUtf8()
                                                                : QByteArrayLiteral("2023-06-01")});
    return headers;
}

QByteArray endpoint(const QByteArray &basePath, QByteArrayView pathAfterV1)
{
    QByteArray base = basePath;
    while (base.endsWith('/'))
        base.chop(1);
    if (!base.endsWith("/v1"))
        base.append("/v1");
    return base + pathAfterV1;
}

} // namespace aisbf::translate::anthropic
