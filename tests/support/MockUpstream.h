// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "MockConfig.h"
#include "MockFault.h"
#include "RecordedRequest.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QUrl>

#include <deque>
#include <queue>
#include <unordered_map>
#include <vector>

class QTcpServer;
class QTimer;

namespace aisbf::test {

class MockConnection;

/**
 * An LLM upstream on a real socket: HTTP/1.1 keep-alive, scriptable faults, and a record of every
 * request. Streams are paced by one shared timer, so thousands of them stay cheap. It speaks, in
 * each provider's own wire format, routed by path:
 *
 * - OpenAI: GET /v1/models, POST /v1/chat/completions (JSON, or SSE chunks and [DONE]).
 * - Anthropic: POST /v1/messages or /messages (JSON, or `event:`/`data:` SSE);
 *   GET /v1/models or /models when the request has an `anthropic-version` header.
 * - Gemini: POST /v1beta/models/M:generateContent, .../M:streamGenerateContent (`?alt=sse`: SSE,
 *   else a streamed JSON array); GET /v1beta/models (or /v1/models with `x-goog-api-key`).
 * - Ollama: POST /api/chat (NDJSON unless `"stream": false`), GET /api/tags, GET /api/version.
 *
 * Every dialect answers text (MockConfig::completionText; streams say "tok0 ", "tok1 "...), or,
 * when the request offers tools, a call of the first one with {"city":"Paris","days":3}, or,
 * when the conversation ends with a tool result, "Sunny in Paris". Faults hit every dialect;
 * error bodies and malformed events take the request's dialect shape.
 *
 * Per-request headers: `X-Mock-Chunks: N` (stream length), `X-Mock-Interval-Ms: M` (pacing),
 * `X-Mock-Thinking: 1` (Anthropic thinking block, Gemini thought part, Ollama message.thinking).
 */
class MockUpstream : public QObject
{
    Q_OBJECT

public:
    explicit MockUpstream(QObject *parent = nullptr);
    ~MockUpstream() override;

    /** Binds and listens; port 0 picks a free port. */
    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    /** Stops listening and drops every open connection. */
    void close();
    quint16 port() const;
    /** "http://127.0.0.1:PORT/v1": what an OpenAI or Anthropic provider's `endpoint` should be. */
    QUrl baseUrl() const { return baseUrl(QStringLiteral("/v1")); }
    /** "http://127.0.0.1:PORT" + @p path: e.g. "/v1beta" for Gemini, "" for Ollama. */
    QUrl baseUrl(const QString &path) const;

    void setModels(const QStringList &models) { m_config.models = models; }
    void setCompletionText(const QString &text) { m_config.completionText = text; }
    void setStreamChunks(int chunks) { m_config.streamChunks = qMax(1, chunks); }
    void setStreamIntervalMs(int ms) { m_config.streamIntervalMs = qMax(0, ms); }
    /** The bytes of a stream's final [DONE] event (default "data: [DONE]\n\n"). */
    void setDoneEvent(const QByteArray &event) { m_config.doneEvent = event; }
    /** How many requests requests() keeps (oldest dropped first); -1 = all, 0 = none. */
    void setRecordLimit(int limit) { m_config.recordLimit = limit; }
    const MockConfig &config() const { return m_config; }

    /** Fault for every following request (after the queued one-shot faults run out). */
    void setFault(Fault fault, const FaultParams &params = {});
    /**
     * One-shot fault; queued faults are used first, one per request, in order. A queued fault
     * whose FaultParams::onlyPath does not match the request waits for one that does.
     */
    void queueFault(Fault fault, const FaultParams &params = {});
    /** Back to normal answers: persistent fault None, queue emptied. */
    void clearFaults();

    int requestCount() const { return m_requestCount; }
    RecordedRequest lastRequest() const { return m_last; }
    QList<RecordedRequest> requests() const { return m_requests; }
    void clearRequests();

    /** Connections accepted so far (to tell keep-alive reuse from reconnects). */
    int acceptedConnections() const { return m_accepted; }
    int openConnections() const { return int(m_connections.size()); }
    /** Clients that went away while their response was still in progress. */
    int abortCount() const { return m_abortCount; }
    /** nowMs() of the latest client abort, -1 before the first one. */
    qint64 lastAbortAtMs() const { return m_lastAbortAtMs; }
    /** Milliseconds since this mock was constructed (the clock of atMs and lastAbortAtMs). */
    qint64 nowMs() const { return m_clock.elapsed(); }

Q_SIGNALS:
    void requestReceived();
    /** A client closed or reset its connection while a response was in progress. */
    void clientAborted();

private:
    friend class MockConnection;

    struct Wake
    {
        qint64 dueUs;
        quint64 connection;
        quint64 token;
        bool operator>(const Wake &o) const { return dueUs > o.dueUs; }
    };

    void onNewConnection();
    void onWakeTimer();
    void armWakeTimer();

    // Used by MockConnection.
    qint64 nowUs() const { return m_clock.nsecsElapsed() / 1000; }
    FaultSpec takeFault(const QByteArray &path);
    quint64 record(const RecordedRequest &request);
    void noteRequestHandled() { Q_EMIT requestReceived(); }
    void noteClientAbort();
    void scheduleWake(quint64 connection, quint64 token, qint64 dueUs);
    void connectionClosed(quint64 id);

    QTcpServer *m_server;
    MockConfig m_config;
    FaultSpec m_persistentFault;
    std::deque<FaultSpec> m_queuedFaults;
    QList<RecordedRequest> m_requests;
    RecordedRequest m_last;
    int m_requestCount = 0;
    int m_accepted = 0;
    int m_abortCount = 0;
    qint64 m_lastAbortAtMs = -1;
    quint64 m_nextConnectionId = 1;
    std::unordered_map<quint64, MockConnection *> m_connections;
    QElapsedTimer m_clock;
    QTimer *m_wakeTimer;
    qint64 m_armedForUs = -1;
    std::priority_queue<Wake, std::vector<Wake>, std::greater<>> m_wakes;
};

} // namespace aisbf::test
