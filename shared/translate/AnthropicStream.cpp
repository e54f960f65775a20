// SPDX-License-Identifier: GPL-3.0-or-later
// Anthropic Messages SSE stream → OpenAI chat.completion.chunk objects.
#include "Anthropic.h"
#include "OpenAiShapes.h"

#include <protocol/SseParser.h>

#include <QHash>
#include <QJsonArray>

namespace aisbf::translate::anthropic {

namespace {

using namespace Qt::StringLiterals;

class Decoder final : public StreamDecoder
{
public:
    explicit Decoder(const QString &model) : m_model(model), m_created(openai::nowSeconds()) {}

    Output feed(const QByteArray &bytes) override
    {
        Output output;
        if (m_finished || m_failed)
            return output;
        const QList<protocol::SseParser::Event> events = m_parser.feed(bytes);
        for (const protocol::SseParser::Event &event : events) {
            handle(event.data, output);
            if (m_finished || m_failed)
                break;
        }
        return output;
    }

    Output finish() override
    {
        Output output;
        // A last event without its blank line still counts: terminate it ourselves.
        if (!m_finished && !m_failed && m_parser.pendingBytes() > 0)
            output = feed(QByteArrayLiteral("\n\n"));
        if (!m_finished && !m_failed) {
            output.error = u"the Anthropic stream ended before message_stop"_s;
            m_failed = true;
        }
        output.finished = m_finished;
        return output;
    }

private:
    void fail(Output &output, const QString &error)
    {
        output.error = error;
        m_failed = true;
    }

    void emitDelta(Output &output, const QJsonObject &delta,
                   const QJsonValue &finishReason = QJsonValue::Null)
    {
        if (m_template.isNull()) {
            if (m_id.isEmpty())
                m_id = openai::newCompletionId();
            m_template = openai::ChunkTemplate(m_id, m_created, m_model);
        }
        output.chunks.append(m_template.make(delta, finishReason));
    }

    void emitText(Output &output, const QString &key, const QJsonValue &text)
    {
        // Empty deltas carry nothing and would only cost the client a chunk.
        if (!text.toString().isEmpty())
            emitDelta(output, {{key, text}});
    }

    void emitArguments(Output &output, int toolIndex, const QJsonObject &function)
    {
        const QJsonObject call{{u"index"_s, toolIndex}, {u"function"_s, function}};
        emitDelta(output, {{u"tool_calls"_s, QJsonArray{call}}});
    }

    void handle(const QByteArray &data, Output &output)
    {
        QJsonParseError parseError{};
        const QJsonDocument document = QJsonDocument::fromJson(data, &parseError);
        if (!document.isObject()) {
            fail(output, u"the Anthropic stream sent data that is not a JSON object ("_s +
                             parseError.errorString() + u')');
            return;
        }
        const QJsonObject event = document.object();
        const QString type = event.value("type"_L1).toString();
        if (type == "content_block_delta"_L1)
            blockDelta(event, output);
        else if (type == "content_block_start"_L1)
            blockStart(event, output);
        else if (type == "message_start"_L1)
            messageStart(event.value("message"_L1).toObject(), output);
        else if (type == "message_delta"_L1)
            messageDelta(event, output);
        else if (type == "message_stop"_L1)
            messageStop(output);
        else if (type == "error"_L1)
            streamError(event.value("error"_L1).toObject(), output);
        // ping, content_block_stop and event types a newer API adds need no chunk.
    }

    void messageStart(const QJsonObject &message, Output &output)
    {
        m_id = message.value("id"_L1).toString();
        m_template = {};
        m_usage = message.value("usage"_L1).toObject();
        emitDelta(output, {{u"role"_s, u"assistant"_s}, {u"content"_s, u""_s}});
    }

    void blockStart(const QJsonObject &event, Output &output)
    {
        const QJsonObject block = event.value("content_block"_L1).toObject();
        const QString type = block.value("type"_L1).toString();
        if (type == "text"_L1) {
            emitText(output, u"content"_s, block.value("text"_L1));
        } else if (type == "thinking"_L1) {
            emitText(output, u"reasoning_content"_s, block.value("thinking"_L1));
        } else if (type == "tool_use"_L1) {
            const int toolIndex = m_toolCount++;
            m_toolIndexOfBlock.insert(event.value("index"_L1).toInt(), toolIndex);
            // Anthropic starts with "input": {} and streams the JSON; take a filled one whole.
            const QJsonObject input = block.value("input"_L1).toObject();
            const QString arguments =
                input.isEmpty() ? QString() : QString::fromUtf8(compactJson(input));
            const QJsonObject call{{u"index"_s, toolIndex},
                                   {u"id"_s, block.value("id"_L1)},
                                   {u"type"_s, u"function"_s},
                                   {u"function"_s, QJsonObject{{u"name"_s, block.value("name"_L1)},
                                                               {u"arguments"_s, arguments}}}};
            emitDelta(output, {{u"tool_calls"_s, QJsonArray{call}}});
        }
    }

    void blockDelta(const QJsonObject &event, Output &output)
    {
        const QJsonObject delta = event.value("delta"_L1).toObject();
        const QString type = delta.value("type"_L1).toString();
        if (type == "text_delta"_L1) {
            emitText(output, u"content"_s, delta.value("text"_L1));
        } else if (type == "thinking_delta"_L1) {
            emitText(output, u"reasoning_content"_s, delta.value("thinking"_L1));
        } else if (type == "input_json_delta"_L1) {
            const QJsonValue partial = delta.value("partial_json"_L1);
            if (partial.toString().isEmpty())
                return;
            const int toolIndex =
                m_toolIndexOfBlock.value(event.value("index"_L1).toInt(), m_toolCount - 1);
            if (toolIndex >= 0)
                emitArguments(output, toolIndex, {{u"arguments"_s, partial}});
        }
        // signature_delta and citations_delta have no OpenAI form.
    }

    void messageDelta(const QJsonObject &event, Output &output)
    {
        // Usage here is cumulative: it replaces what message_start said.
        const QJsonObject usage = event.value("usage"_L1).toObject();
        for (auto it = usage.begin(); it != usage.end(); ++it)
            m_usage.insert(it.key(), it.value());
        const QJsonValue stopReason = event.value("delta"_L1).toObject().value("stop_reason"_L1);
        if (stopReason.isString())
            emitDelta(output, {}, finishReasonOf(stopReason.toString()));
    }

    void messageStop(Output &output)
    {
        if (m_id.isEmpty())
            m_id = openai::newCompletionId();
        output.chunks.append(openai::usageChunk(m_id, m_created, m_model, openAiUsage(m_usage)));
        output.finished = true;
        m_finished = true;
    }

    void streamError(const QJsonObject &error, Output &output)
    {
        // {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}
        fail(output,
             error.value("type"_L1).toString() + u": "_s + error.value("message"_L1).toString());
    }

    protocol::SseParser m_parser;
    QString m_model;
    qint64 m_created;
    QString m_id;
    openai::ChunkTemplate m_template; // this stream's chunk shape (id, created, model)
    QJsonObject m_usage;
    QHash<int, int> m_toolIndexOfBlock; // content block index → OpenAI tool call index
    int m_toolCount = 0;
    bool m_finished = false;
    bool m_failed = false;
};

} // namespace

std::unique_ptr<StreamDecoder> newStreamDecoder(const QString &model)
{
    return std::make_unique<Decoder>(model);
}

} // namespace aisbf::translate::anthropic
