// SPDX-License-Identifier: GPL-3.0-or-later
#include "Google.h"
#include "OpenAiShapes.h"

#include <protocol/SseParser.h>

#include <QJsonArray>
#include <QJsonDocument>

namespace aisbf::translate::google {

namespace {

// streamGenerateContent?alt=sse: every event is a whole GenerateContentResponse holding the next
// piece of candidate 0. There is no terminator event: the body ending after a finishReason is
// what completes the stream.
class GoogleStreamDecoder final : public StreamDecoder
{
public:
    explicit GoogleStreamDecoder(const QString &model)
        : m_id(openai::newCompletionId()), m_created(openai::nowSeconds()), m_model(model)
    {}

    Output feed(const QByteArray &bytes) override
    {
        Output out;
        if (!m_error.isEmpty()) {
            out.error = m_error;
            return out;
        }
        handleEvents(m_parser.feed(bytes), &out);
        return out;
    }

    Output finish() override
    {
        // A last event may lack its blank line; terminating it here lets the parser yield it.
        Output out = feed("\n\n");
        if (!out.error.isEmpty())
            return out;
        if (!m_finishSeen) {
            out.error = m_error =
                QStringLiteral("the google stream ended before a finishReason (cut off)");
            return out;
        }
        if (!m_usage.isEmpty())
            out.chunks.append(openai::usageChunk(m_id, m_created, m_model, usageOf(m_usage)));
        out.finished = true;
        return out;
    }

private:
    void handleEvents(const QList<protocol::SseParser::Event> &events, Output *out)
    {
        for (const protocol::SseParser::Event &event : events) {
            handleEvent(event.data, out);
            if (!m_error.isEmpty()) {
                out->error = m_error;
                return;
            }
        }
    }

    QJsonObject chunk(const QJsonObject &delta, const QJsonValue &finishReason = QJsonValue::Null)
    {
        if (m_template.isNull())
            m_template = openai::ChunkTemplate(m_id, m_created, m_model);
        return m_template.make(delta, finishReason);
    }

    void handleEvent(const QByteArray &data, Output *out)
    {
        QJsonParseError parseError{};
        const QJsonDocument document = QJsonDocument::fromJson(data, &parseError);
        if (!document.isObject()) {
            m_error = QStringLiteral("malformed google stream event (not a JSON object: %1)")
                          .arg(parseError.errorString());
            return;
        }
        const QJsonObject response = document.object();
        if (const QString error = errorOf(response); !error.isEmpty()) {
            m_error = QStringLiteral("google reported an error mid-stream: ") + error;
            return;
        }
        if (!m_started) {
            m_started = true;
            out->chunks.append(chunk({{QStringLiteral("role"), QStringLiteral("assistant")},
                                      {QStringLiteral("content"), QString()}}));
        }
        const QJsonValue usage = response.value(QLatin1String("usageMetadata"));
        if (usage.isObject())
            m_usage = usage.toObject();

        const QJsonArray candidates = response.value(QLatin1String("candidates")).toArray();
        if (candidates.isEmpty()) {
            // A blocked prompt: no candidate, only promptFeedback.blockReason.
            if (response.value(QLatin1String("promptFeedback"))
                    .toObject()
                    .contains(QLatin1String("blockReason")))
                addFinish(QStringLiteral("content_filter"), out);
            return;
        }
        const QJsonObject candidate = candidates.first().toObject();
        addParts(candidate.value(QLatin1String("content"))
                     .toObject()
                     .value(QLatin1String("parts"))
                     .toArray(),
                 out);
        const QString reason = candidate.value(QLatin1String("finishReason")).toString();
        if (!reason.isEmpty())
            addFinish(finishReason(reason, m_toolCalls > 0), out);
    }

    // Adjacent text parts of one kind go out as one delta; a function call is always complete
    // in Gemini's stream, so it goes out whole with its own index.
    void addParts(const QJsonArray &parts, Output *out)
    {
        QString text;
        bool thought = false;
        const auto flush = [&] {
            if (!text.isEmpty())
                out->chunks.append(chunk(
                    {{thought ? QStringLiteral("reasoning_content") : QStringLiteral("content"),
                      text}}));
            text.clear();
        };
        for (const QJsonValue &value : parts) {
            const QJsonObject part = value.toObject();
            const QJsonValue call = part.value(QLatin1String("functionCall"));
            if (call.isObject()) {
                flush();
                QJsonObject toolCall = toolCallOf(call.toObject(), m_toolCalls);
                toolCall.insert(QStringLiteral("index"), m_toolCalls++);
                out->chunks.append(chunk({{QStringLiteral("tool_calls"), QJsonArray{toolCall}}}));
                continue;
            }
            const bool isThought = part.value(QLatin1String("thought")).toBool();
            if (isThought != thought)
                flush();
            thought = isThought;
            text += part.value(QLatin1String("text")).toString();
        }
        flush();
    }

    void addFinish(const QString &reason, Output *out)
    {
        if (m_finishSeen)
            return;
        m_finishSeen = true;
        out->chunks.append(chunk({}, reason));
    }

    protocol::SseParser m_parser;
    const QString m_id;
    const qint64 m_created;
    const QString m_model;
    openai::ChunkTemplate m_template; // this stream's chunk shape (id, created, model)
    QJsonObject m_usage; // the last usageMetadata seen: Gemini repeats it with growing counts
    QString m_error;
    int m_toolCalls = 0;
    bool m_started = false;
    bool m_finishSeen = false;
};

} // namespace

std::unique_ptr<StreamDecoder> newStreamDecoder(const QString &model)
{
    return std::make_unique<GoogleStreamDecoder>(model);
}

} // namespace aisbf::translate::google
