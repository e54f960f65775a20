// SPDX-License-Identifier: GPL-3.0-or-later
// ChatSession's streaming half: events forwarded (or translated) as they arrive, backpressure
// against a slow client, and the two ways a stream ends (cleanly, or with an in-band error).
#include "ChatSession.h"

#include "http/GatewaySocket.h"
#include "upstream/UpstreamCall.h"

namespace aisbf::dispatch {

void ChatSession::forwardStreamBytes(const QByteArray &bytes)
{
    if (!m_translation.isPassThrough()) {
        forwardTranslatedStream(m_translation.feed(bytes));
        return;
    }
    const QList<protocol::SseParser::Event> events = m_sse.feed(bytes);
    QByteArray good;
    for (const protocol::SseParser::Event &event : events) {
        if (!protocol::looksLikeJsonObject(event.data)) {
            if (!good.isEmpty() || m_response.isStreaming()) {
                beginClientStream();
                m_response.streamChunk(good);
                endStreamWithError(QStringLiteral("upstream sent a malformed stream event"));
            } else {
                attemptFailed(QStringLiteral("malformed stream event"),
                              std::chrono::seconds(current().cooldownSec));
            }
            return;
        }
        if (event.data == "[DONE]")
            m_sawDone = true;
        good += "data: " + event.data + "\n\n";
    }
    if (events.isEmpty())
        return; // nothing complete yet: keep the client uncommitted so failover stays possible
    protocol::scanTokenCounts(good, &m_response.record().reported);
    beginClientStream();
    m_response.streamChunk(good);
    holdBackIfClientIsBehind();
}

void ChatSession::forwardTranslatedStream(const AnswerTranslation::Step &step)
{
    if (!step.error.isEmpty() && step.bytes.isEmpty() && !m_response.isStreaming()) {
        // Nothing reached the client yet: another entry may still answer.
        attemptFailed(step.error, std::chrono::seconds(current().cooldownSec));
        return;
    }
    if (!step.bytes.isEmpty()) {
        protocol::scanTokenCounts(step.bytes, &m_response.record().reported);
        beginClientStream();
        m_response.streamChunk(step.bytes);
    }
    if (!step.error.isEmpty()) {
        endStreamWithError(step.error);
        return;
    }
    holdBackIfClientIsBehind();
}

void ChatSession::beginClientStream()
{
    if (m_response.isStreaming())
        return;
    commitHeaders();
    m_response.beginStream(200, m_translation.clientStreamContentType());
}

void ChatSession::holdBackIfClientIsBehind()
{
    // A client reading slower than the upstream writes would otherwise have the whole answer
    // queued in our memory. Above the high mark the upstream is not read (its TCP window
    // closes); below the low mark reading resumes.
    constexpr qint64 kHighMark = 1024 * 1024;
    constexpr qint64 kLowMark = 256 * 1024;
    http::GatewaySocket *socket = m_response.socket();
    if (m_heldBack || !m_call || !socket || socket->bytesToWrite() < kHighMark)
        return;
    m_heldBack = true;
    m_call->pause();
    m_drained = connect(socket, &QIODevice::bytesWritten, this, [this] {
        http::GatewaySocket *client = m_response.socket();
        if (client && client->bytesToWrite() > kLowMark)
            return;
        disconnect(m_drained);
        m_heldBack = false;
        if (m_call)
            m_call->resume(); // may deliver more at once, and hold back again
    });
}

void ChatSession::endStreamWithError(const QString &message)
{
    const Candidate &candidate = current();
    m_services.cooldowns->coolDown(candidate.key, std::chrono::seconds(candidate.cooldownSec),
                                   message);
    protocol::OpenAiError error{502,
                                message + QStringLiteral(" (") + candidate.key +
                                    QStringLiteral("); the response is incomplete."),
                                {},
                                QByteArrayLiteral("upstream_stream_error"),
                                {}};
    m_response.streamChunk(m_translation.isPassThrough()
                               ? error.toSseEvent()
                               : m_translation.streamError(error.message));
    m_response.record().status = 502;
    m_response.endStream();
    done();
}

void ChatSession::finishStream()
{
    const AnswerTranslation::Step step = m_translation.finish();
    if (!step.error.isEmpty()) {
        forwardTranslatedStream(step);
        return;
    }
    protocol::scanTokenCounts(step.bytes, &m_response.record().reported);
    beginClientStream(); // (a stream with nothing but its end is still a complete answer)
    m_response.streamChunk(step.bytes);
    m_response.endStream();
    done();
}

} // namespace aisbf::dispatch
