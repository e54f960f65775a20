// SPDX-License-Identifier: GPL-3.0-or-later
#include "NdjsonSplitter.h"
#include "Ollama.h"
#include "OpenAiShapes.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace aisbf::translate::ollama {

namespace {

// /api/chat with "stream": true answers one JSON object per line; the last has "done": true
// and carries the counts. Each line holds the next piece of the message.
class OllamaStreamDecoder final : public StreamDecoder
{
public:
    explicit OllamaStreamDecoder(const QString &model)
        : m_id(openai::newCompletionId()), m_created(openai::nowSeconds()), m_model(model)
    {}

    Output feed(const QByteArray &bytes) override
    {
        Output out;
        if (m_error.isEmpty()) {
            const QList<QByteArray> lines = m_lines.feed(bytes);
            for (const QByteArray &line : lines) {
                handleLine(line, &out);
                if (!m_error.isEmpty())
                    break;
            }
        }
        out.error = m_error;
        out.finished = m_done && m_error.isEmpty();
        return out;
    }

    Output finish() override
    {
        Output out;
        if (m_error.isEmpty()) {
            // The last line may lack its newline.
            const QByteArray line = m_lines.finish();
            if (!line.isNull())
                handleLine(line, &out);
        }
        if (m_error.isEmpty() && !m_done)
            m_error = QStringLiteral("the ollama stream ended before \"done\": true (cut off)");
        out.error = m_error;
        out.finished = m_done && m_error.isEmpty();
        return out;
    }

private:
    QJsonObject chunk(const QJsonObject &delta, const QJsonValue &finishReason = QJsonValue::Null)
    {
        if (m_template.isNull())
            m_template = openai::ChunkTemplate(m_id, m_created, m_model);
        return m_template.make(delta, finishReason);
    }

    void handleLine(const QByteArray &line, Output *out)
    {
        if (m_done)
            return; // nothing follows "done" in a well-formed stream
        QJsonParseError parseError{};
        const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
        if (!document.isObject()) {
            m_error = QStringLiteral("malformed ollama stream line (not a JSON object: %1)")
                          .arg(parseError.errorString());
            return;
        }
        const QJsonObject answer = document.object();
        const QJsonValue error = answer.value(QLatin1String("error"));
        if (!error.isUndefined()) {
            m_error = QStringLiteral("ollama reported an error mid-stream: ") +
                      (error.isString()
                           ? error.toString()
                           : QString::fromUtf8(
                                 QJsonDocument(error.toObject()).toJson(QJsonDocument::Compact)));
            return;
        }
        if (!m_started) {
            m_started = true;
            out->chunks.append(chunk({{QStringLiteral("role"), QStringLiteral("assistant")},
                                      {QStringLiteral("content"), QString()}}));
        }
        const QJsonObject message = answer.value(QLatin1String("message")).toObject();
        const QString thinking = message.value(QLatin1String("thinking")).toString();
        if (!thinking.isEmpty())
            out->chunks.append(chunk({{QStringLiteral("reasoning_content"), thinking}}));
        const QString content = message.value(QLatin1String("content")).toString();
        if (!content.isEmpty())
            out->chunks.append(chunk({{QStringLiteral("content"), content}}));
        // Ollama sends each tool call whole, so each becomes one complete delta.
        for (const QJsonValue &value : message.value(QLatin1String("tool_calls")).toArray()) {
            QJsonObject call = toolCallOf(value.toObject(), m_toolCalls);
            call.insert(QStringLiteral("index"), m_toolCalls++);
            out->chunks.append(chunk({{QStringLiteral("tool_calls"), QJsonArray{call}}}));
        }
        if (answer.value(QLatin1String("done")).toBool()) {
            m_done = true;
            out->chunks.append(
                chunk({}, finishReason(answer.value(QLatin1String("done_reason")).toString(),
                                       m_toolCalls > 0)));
            out->chunks.append(openai::usageChunk(m_id, m_created, m_model, usageOf(answer)));
        }
    }

    NdjsonSplitter m_lines;
    const QString m_id;
    const qint64 m_created;
    const QString m_model;
    openai::ChunkTemplate m_template; // this stream's chunk shape (id, created, model)
    QString m_error;
    int m_toolCalls = 0;
    bool m_started = false;
    bool m_done = false;
};

} // namespace

std::unique_ptr<StreamDecoder> newStreamDecoder(const QString &model)
{
    return std::make_unique<OllamaStreamDecoder>(model);
}

} // namespace aisbf::translate::ollama
