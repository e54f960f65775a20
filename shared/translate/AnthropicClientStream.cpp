// SPDX-License-Identifier: GPL-3.0-or-later
// OpenAI chat.completion.chunk objects → the Anthropic Messages SSE stream an Anthropic SDK
// client parses: message_start, content blocks (start, deltas, stop), message_delta,
// message_stop.
#include "Anthropic.h"
#include "OpenAiShapes.h"

#include <QJsonArray>

namespace aisbf::translate::anthropic {

namespace {

using namespace Qt::StringLiterals;

QByteArray sseEvent(QByteArrayView name, const QJsonObject &data)
{
    const QByteArray json = compactJson(data);
    QByteArray event;
    event.reserve(name.size() + json.size() + 16);
    event.append("event: ").append(name).append("\ndata: ").append(json).append("\n\n");
    return event;
}

// A JSON string literal. Deltas are most of a stream, and writing their few fixed keys by hand
// costs a fraction of building and serialising a QJsonObject per delta.
void appendJsonString(QByteArray &out, const QString &text)
{
    static constexpr char hex[] = "0123456789abcdef";
    const QByteArray utf8 = text.toUtf8();
    out.append('"');
    qsizetype run = 0; // start of the bytes that need no escape
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        const auto byte = static_cast<unsigned char>(utf8.at(i));
        if (byte >= 0x20 && byte != '"' && byte != '\\')
            continue;
        out.append(utf8.constData() + run, i - run);
        run = i + 1;
        if (byte == '"' || byte == '\\')
            out.append('\\').append(char(byte));
        else if (byte == '\n')
            out.append("\\n");
        else if (byte == '\r')
            out.append("\\r");
        else if (byte == '\t')
            out.append("\\t");
        else
            out.append("\\u00").append(hex[byte >> 4]).append(hex[byte & 0xf]);
    }
    out.append(utf8.constData() + run, utf8.size() - run);
    out.append('"');
}

class Encoder final : public StreamEncoder
{
public:
    explicit Encoder(const QString &model) : m_model(model) {}

    QByteArray chunk(const QJsonObject &openAiChunk) override
    {
        QByteArray out;
        if (m_ended)
            return out;
        if (!m_started)
            start(openAiChunk.value("id"_L1).toString(), out);
        if (openAiChunk.value("usage"_L1).isObject())
            m_usage = openAiChunk.value("usage"_L1).toObject();
        const QJsonArray choices = openAiChunk.value("choices"_L1).toArray();
        if (choices.isEmpty())
            return out;
        const QJsonObject choice = choices.first().toObject();
        const QJsonObject delta = choice.value("delta"_L1).toObject();

        // Some OpenAI-compatible servers name the reasoning "reasoning".
        QJsonValue reasoning = delta.value("reasoning_content"_L1);
        if (!reasoning.isString())
            reasoning = delta.value("reasoning"_L1);
        if (!reasoning.toString().isEmpty()) {
            open(Kind::Thinking, -1,
                 {{u"type"_s, u"thinking"_s}, {u"thinking"_s, u""_s}, {u"signature"_s, u""_s}},
                 out);
            blockDelta("thinking_delta", "thinking", reasoning, out);
        }
        const QJsonValue content = delta.value("content"_L1);
        if (!content.toString().isEmpty()) {
            open(Kind::Text, -1, {{u"type"_s, u"text"_s}, {u"text"_s, u""_s}}, out);
            blockDelta("text_delta", "text", content, out);
        }
        const QJsonArray calls = delta.value("tool_calls"_L1).toArray();
        for (qsizetype i = 0; i < calls.size(); ++i)
            toolCall(calls.at(i).toObject(), int(i), out);

        const QJsonValue finishReason = choice.value("finish_reason"_L1);
        if (finishReason.isString())
            m_stopReason = stopReasonOf(finishReason.toString());
        return out;
    }

    QByteArray finish() override
    {
        QByteArray out;
        if (m_ended)
            return out;
        if (!m_started)
            start({}, out);
        close(out);
        // Usage here is cumulative; input_tokens too, as message_start could not know it yet.
        QJsonObject usage{{u"output_tokens"_s, 0}};
        if (!m_usage.isEmpty())
            usage = clientUsage(m_usage);
        out += sseEvent("message_delta",
                        {{u"type"_s, u"message_delta"_s},
                         {u"delta"_s, QJsonObject{{u"stop_reason"_s, m_stopReason},
                                                  {u"stop_sequence"_s, QJsonValue::Null}}},
                         {u"usage"_s, usage}});
        out += sseEvent("message_stop", {{u"type"_s, u"message_stop"_s}});
        m_ended = true;
        return out;
    }

    QByteArray error(const QString &message) override
    {
        m_ended = true;
        const QJsonObject detail{{u"type"_s, u"api_error"_s}, {u"message"_s, message}};
        return sseEvent("error", {{u"type"_s, u"error"_s}, {u"error"_s, detail}});
    }

private:
    enum class Kind
    {
        None,
        Thinking,
        Text,
        Tool,
    };

    void start(const QString &completionId, QByteArray &out)
    {
        m_started = true;
        const QJsonObject message{
            {u"id"_s, messageId(completionId)},
            {u"type"_s, u"message"_s},
            {u"role"_s, u"assistant"_s},
            {u"model"_s, m_model},
            {u"content"_s, QJsonArray{}},
            {u"stop_reason"_s, QJsonValue::Null},
            {u"stop_sequence"_s, QJsonValue::Null},
            {u"usage"_s, QJsonObject{{u"input_tokens"_s, 0}, {u"output_tokens"_s, 0}}}};
        out +=
            sseEvent("message_start", {{u"type"_s, u"message_start"_s}, {u"message"_s, message}});
    }

    // Opens a block of @p kind unless one is open already; a change of kind (or of tool call)
    // closes the open block first, as Anthropic blocks never interleave.
    void open(Kind kind, int toolIndex, const QJsonObject &block, QByteArray &out)
    {
        if (m_kind == kind && m_toolIndex == toolIndex)
            return;
        close(out);
        m_kind = kind;
        m_toolIndex = toolIndex;
        out += sseEvent("content_block_start", {{u"type"_s, u"content_block_start"_s},
                                                {u"index"_s, m_blockIndex},
                                                {u"content_block"_s, block}});
    }

    void close(QByteArray &out)
    {
        if (m_kind == Kind::None)
            return;
        out += sseEvent("content_block_stop",
                        {{u"type"_s, u"content_block_stop"_s}, {u"index"_s, m_blockIndex}});
        ++m_blockIndex;
        m_kind = Kind::None;
        m_toolIndex = -1;
    }

    // content_block_delta with {"type": deltaType, field: text}, in the API's key order.
    void blockDelta(const char *deltaType, const char *field, const QJsonValue &text,
                    QByteArray &out)
    {
        out.reserve(out.size() + 96 + text.toString().size() * 3);
        out.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":")
            .append(QByteArray::number(m_blockIndex))
            .append(",\"delta\":{\"type\":\"")
            .append(deltaType)
            .append("\",\"")
            .append(field)
            .append("\":");
        appendJsonString(out, text.toString());
        out.append("}}\n\n");
    }

    // OpenAI streams a tool call as an id and name first, then argument pieces under the same
    // index. Calls whose deltas interleave with another call's cannot be expressed: a call
    // that comes back after another call opened gets a block of its own.
    void toolCall(const QJsonObject &call, int position, QByteArray &out)
    {
        const int index = call.value("index"_L1).toInt(position);
        const QJsonObject function = call.value("function"_L1).toObject();
        if (m_kind != Kind::Tool || m_toolIndex != index) {
            QString id = call.value("id"_L1).toString();
            if (id.isEmpty())
                id = u"toolu_"_s + openai::newCompletionId().sliced(9);
            open(Kind::Tool, index,
                 {{u"type"_s, u"tool_use"_s},
                  {u"id"_s, id},
                  {u"name"_s, function.value("name"_L1).toString()},
                  {u"input"_s, QJsonObject{}}},
                 out);
        }
        const QJsonValue arguments = function.value("arguments"_L1);
        if (!arguments.toString().isEmpty())
            blockDelta("input_json_delta", "partial_json", arguments, out);
    }

    QString m_model;
    QJsonObject m_usage;
    QString m_stopReason = u"end_turn"_s;
    Kind m_kind = Kind::None;
    int m_toolIndex = -1;
    int m_blockIndex = 0;
    bool m_started = false;
    bool m_ended = false;
};

} // namespace

std::unique_ptr<StreamEncoder> newStreamEncoder(const QString &model)
{
    return std::make_unique<Encoder>(model);
}

} // namespace aisbf::translate::anthropic
