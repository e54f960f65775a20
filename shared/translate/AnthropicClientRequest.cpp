// SPDX-License-Identifier: GPL-3.0-or-later
// An Anthropic SDK client's POST /v1/messages body → the gateway's OpenAI request. Validation
// follows the Anthropic API so clients see the errors they would get from it.
#include "Anthropic.h"

#include <QJsonArray>

#include <cmath>

namespace aisbf::translate::anthropic {

namespace {

using namespace Qt::StringLiterals;

struct Failure
{
    QString param;
    QString message;
};

QString textOfBlocks(const QJsonArray &texts)
{
    QStringList parts;
    for (const QJsonValue &text : texts)
        parts.append(text.toString());
    return parts.join(u"\n\n"_s);
}

// image block {source:{type:base64|url}} → OpenAI image_url part.
std::optional<Failure> imagePart(const QJsonObject &block, const QString &where, QJsonArray *parts)
{
    const QJsonObject source = block.value("source"_L1).toObject();
    const QString type = source.value("type"_L1).toString();
    QString url;
    if (type == "base64"_L1)
        url = u"data:"_s + source.value("media_type"_L1).toString() + u";base64,"_s +
              source.value("data"_L1).toString();
    else if (type == "url"_L1)
        url = source.value("url"_L1).toString();
    else
        return Failure{where + u".source.type"_s, u"must be \"base64\" or \"url\""_s};
    parts->append(
        QJsonObject{{u"type"_s, u"image_url"_s}, {u"image_url"_s, QJsonObject{{u"url"_s, url}}}});
    return std::nullopt;
}

// tool_result → an OpenAI tool message. OpenAI tool messages hold text only, so images of the
// result go to the user message that follows the tool messages.
std::optional<Failure> toolMessage(const QJsonObject &block, const QString &where,
                                   QJsonArray *messages, QJsonArray *parts)
{
    const QJsonValue content = block.value("content"_L1);
    QString text = content.toString();
    if (content.isArray()) {
        QJsonArray texts;
        const QJsonArray blocks = content.toArray();
        for (qsizetype k = 0; k < blocks.size(); ++k) {
            const QJsonObject inner = blocks.at(k).toObject();
            const QString type = inner.value("type"_L1).toString();
            const QString innerWhere = u"%1.content.%2"_s.arg(where).arg(k);
            if (type == "text"_L1) {
                texts.append(inner.value("text"_L1));
            } else if (type == "image"_L1) {
                if (auto failure = imagePart(inner, innerWhere, parts))
                    return failure;
            } else {
                return Failure{innerWhere + u".type"_s,
                               type + u" is not supported in a tool_result"_s};
            }
        }
        text = textOfBlocks(texts);
    }
    if (block.value("is_error"_L1).toBool())
        text.prepend(u"Error: "_s);
    messages->append(QJsonObject{{u"role"_s, u"tool"_s},
                                 {u"tool_call_id"_s, block.value("tool_use_id"_L1)},
                                 {u"content"_s, text}});
    return std::nullopt;
}

std::optional<Failure> userMessage(const QJsonArray &blocks, const QString &where,
                                   QJsonArray *messages)
{
    QJsonArray parts;
    bool textOnly = true;
    bool toolResults = false;
    for (qsizetype j = 0; j < blocks.size(); ++j) {
        const QJsonObject block = blocks.at(j).toObject();
        const QString type = block.value("type"_L1).toString();
        const QString blockWhere = u"%1.content.%2"_s.arg(where).arg(j);
        std::optional<Failure> failure;
        if (type == "text"_L1) {
            parts.append(QJsonObject{{u"type"_s, u"text"_s}, {u"text"_s, block.value("text"_L1)}});
        } else if (type == "image"_L1) {
            failure = imagePart(block, blockWhere, &parts);
            textOnly = false;
        } else if (type == "tool_result"_L1) {
            const qsizetype before = parts.size();
            failure = toolMessage(block, blockWhere, messages, &parts);
            textOnly = textOnly && parts.size() == before;
            toolResults = true;
        } else if (type != "thinking"_L1 && type != "redacted_thinking"_L1) {
            failure = Failure{blockWhere + u".type"_s, type + u" is not supported"_s};
        }
        if (failure)
            return failure;
    }
    // Tool messages went out first: OpenAI wants them right after the assistant's tool_calls.
    if (parts.isEmpty() && toolResults)
        return std::nullopt;
    QJsonValue content = parts;
    // Text-only content as a string: some OpenAI-compatible upstreams accept nothing else.
    if (textOnly) {
        QJsonArray texts;
        for (const QJsonValue &part : std::as_const(parts))
            texts.append(part.toObject().value("text"_L1));
        content = textOfBlocks(texts);
    }
    messages->append(QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, content}});
    return std::nullopt;
}

std::optional<Failure> assistantMessage(const QJsonArray &blocks, const QString &where,
                                        QJsonArray *messages)
{
    QString text;
    QJsonArray calls;
    for (qsizetype j = 0; j < blocks.size(); ++j) {
        const QJsonObject block = blocks.at(j).toObject();
        const QString type = block.value("type"_L1).toString();
        if (type == "text"_L1) {
            text += block.value("text"_L1).toString();
        } else if (type == "tool_use"_L1) {
            const QJsonObject function{{u"name"_s, block.value("name"_L1)},
                                       {u"arguments"_s, QString::fromUtf8(compactJson(
                                                            block.value("input"_L1).toObject()))}};
            calls.append(QJsonObject{{u"id"_s, block.value("id"_L1)},
                                     {u"type"_s, u"function"_s},
                                     {u"function"_s, function}});
        } else if (type != "thinking"_L1 && type != "redacted_thinking"_L1) {
            // Thinking is the model's own and is not replayed to another model.
            return Failure{u"%1.content.%2.type"_s.arg(where).arg(j),
                           type + u" is not supported"_s};
        }
    }
    QJsonObject message{{u"role"_s, u"assistant"_s},
                        {u"content"_s, text.isEmpty() && !calls.isEmpty()
                                           ? QJsonValue(QJsonValue::Null)
                                           : QJsonValue(text)}};
    if (!calls.isEmpty())
        message.insert(u"tool_calls"_s, calls);
    messages->append(message);
    return std::nullopt;
}

std::optional<Failure> convertMessages(const QJsonObject &client, QJsonArray *messages)
{
    const QJsonValue system = client.value("system"_L1);
    if (system.isString() && !system.toString().isEmpty()) {
        messages->append(QJsonObject{{u"role"_s, u"system"_s}, {u"content"_s, system}});
    } else if (system.isArray()) {
        QJsonArray texts;
        const QJsonArray blocks = system.toArray();
        for (qsizetype j = 0; j < blocks.size(); ++j) {
            const QJsonObject block = blocks.at(j).toObject();
            if (block.value("type"_L1) != "text"_L1)
                return Failure{u"system.%1.type"_s.arg(j), u"must be \"text\""_s};
            texts.append(block.value("text"_L1));
        }
        messages->append(
            QJsonObject{{u"role"_s, u"system"_s}, {u"content"_s, textOfBlocks(texts)}});
    } else if (!system.isUndefined() && !system.isNull() && !system.isString()) {
        return Failure{u"system"_s, u"must be a string or an array of text blocks"_s};
    }

    const QJsonValue list = client.value("messages"_L1);
    if (!list.isArray() || list.toArray().isEmpty())
        return Failure{u"messages"_s, u"at least one message is required"_s};
    const QJsonArray array = list.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonObject message = array.at(i).toObject();
        const QString where = u"messages.%1"_s.arg(i);
        const QString role = message.value("role"_L1).toString();
        if (role != "user"_L1 && role != "assistant"_L1)
            return Failure{where + u".role"_s, u"must be \"user\" or \"assistant\""_s};
        const QJsonValue content = message.value("content"_L1);
        std::optional<Failure> failure;
        if (content.isString())
            messages->append(QJsonObject{{u"role"_s, role}, {u"content"_s, content}});
        else if (!content.isArray())
            failure = Failure{where + u".content"_s, u"must be a string or an array of blocks"_s};
        else if (role == "user"_L1)
            failure = userMessage(content.toArray(), where, messages);
        else
            failure = assistantMessage(content.toArray(), where, messages);
        if (failure)
            return failure;
    }
    return std::nullopt;
}

std::optional<Failure> convertTools(const QJsonObject &client, QJsonObject *openAi)
{
    QJsonArray tools;
    const QJsonArray list = client.value("tools"_L1).toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QJsonObject tool = list.at(i).toObject();
        const QString type = tool.value("type"_L1).toString();
        // Server tools (web_search_…, bash_…) run at Anthropic; no other upstream has them.
        if (!type.isEmpty() && type != "custom"_L1)
            return Failure{u"tools.%1.type"_s.arg(i), type + u" is not supported"_s};
        if (!tool.value("name"_L1).isString())
            return Failure{u"tools.%1.name"_s.arg(i), u"Field required"_s};
        QJsonObject function{{u"name"_s, tool.value("name"_L1)},
                             {u"parameters"_s, tool.value("input_schema"_L1).toObject()}};
        if (tool.value("description"_L1).isString())
            function.insert(u"description"_s, tool.value("description"_L1));
        tools.append(QJsonObject{{u"type"_s, u"function"_s}, {u"function"_s, function}});
    }
    if (!tools.isEmpty())
        openAi->insert(u"tools"_s, tools);

    const QJsonValue choiceValue = client.value("tool_choice"_L1);
    if (choiceValue.isUndefined() || choiceValue.isNull())
        return std::nullopt;
    const QJsonObject choice = choiceValue.toObject();
    const QString type = choice.value("type"_L1).toString();
    if (type == "auto"_L1)
        openAi->insert(u"tool_choice"_s, u"auto"_s);
    else if (type == "any"_L1)
        openAi->insert(u"tool_choice"_s, u"required"_s);
    else if (type == "none"_L1)
        openAi->insert(u"tool_choice"_s, u"none"_s);
    else if (type == "tool"_L1)
        openAi->insert(
            u"tool_choice"_s,
            QJsonObject{{u"type"_s, u"function"_s},
                        {u"function"_s, QJsonObject{{u"name"_s, choice.value("name"_L1)}}}});
    else
        return Failure{u"tool_choice.type"_s, u"must be auto, any, none or tool"_s};
    if (choice.value("disable_parallel_tool_use"_L1).toBool())
        openAi->insert(u"parallel_tool_calls"_s, false);
    return std::nullopt;
}

std::optional<Failure> validateTop(const QJsonObject &client)
{
    const QJsonValue model = client.value("model"_L1);
    if (!model.isString() || model.toString().isEmpty())
        return Failure{u"model"_s,
                       model.isUndefined() ? u"Field required"_s : u"must be a non-empty string"_s};
    const QJsonValue maxTokens = client.value("max_tokens"_L1);
    if (maxTokens.isUndefined())
        return Failure{u"max_tokens"_s, u"Field required"_s};
    const double tokens = maxTokens.toDouble(-1);
    if (!maxTokens.isDouble() || tokens < 1 || std::floor(tokens) != tokens)
        return Failure{u"max_tokens"_s, u"must be a positive integer"_s};
    const QJsonValue stream = client.value("stream"_L1);
    if (!stream.isUndefined() && !stream.isBool())
        return Failure{u"stream"_s, u"must be a boolean"_s};
    return std::nullopt;
}

} // namespace

InboundRequest inboundRequest(const QJsonObject &client)
{
    InboundRequest inbound;
    QJsonArray messages;
    QJsonObject openAi;
    std::optional<Failure> failure = validateTop(client);
    if (!failure)
        failure = convertMessages(client, &messages);
    if (!failure)
        failure = convertTools(client, &openAi);
    if (failure) {
        inbound.error = failure->param + u": "_s + failure->message;
        inbound.errorParam = failure->param;
        return inbound;
    }
    inbound.model = client.value("model"_L1).toString();
    inbound.stream = client.value("stream"_L1).toBool();
    openAi.insert(u"model"_s, inbound.model);
    openAi.insert(u"messages"_s, messages);
    openAi.insert(u"max_tokens"_s, client.value("max_tokens"_L1));
    if (inbound.stream) {
        openAi.insert(u"stream"_s, true);
        // The encoder needs the usage chunk for message_delta's output_tokens.
        openAi.insert(u"stream_options"_s, QJsonObject{{u"include_usage"_s, true}});
    }
    const QJsonArray stops = client.value("stop_sequences"_L1).toArray();
    if (!stops.isEmpty())
        openAi.insert(u"stop"_s, stops);
    for (const auto key : {"temperature"_L1, "top_p"_L1}) {
        if (client.value(key).isDouble())
            openAi.insert(key, client.value(key));
    }
    const QJsonValue user = client.value("metadata"_L1).toObject().value("user_id"_L1);
    if (user.isString())
        openAi.insert(u"user"_s, user);
    inbound.openAi = openAi;
    return inbound;
}

} // namespace aisbf::translate::anthropic
