// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPair>
#include <QTcpSocket>

#include <functional>

namespace aisbf::test {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

/** One server-sent event as the client saw it. */
struct SseEvent
{
    QByteArray data; ///< the joined "data:" lines, without the prefix
    qint64 atMs = 0; ///< ms since the request was sent

    QJsonObject json() const;
};

/** What came back for one request, filled in as the bytes arrive. */
struct HttpReply
{
    int status = 0;     ///< 0 until a status line arrived
    HeaderList headers; ///< names lower-cased, in arrival order
    QByteArray body;    ///< de-chunked
    bool chunked = false;
    bool complete = false;  ///< Content-Length reached, or the terminating chunk seen
    bool closed = false;    ///< the connection ended (before or after completion)
    QList<SseEvent> events; ///< the body read as SSE (only for text/event-stream)
    qint64 headAtMs = -1;

    QByteArray header(QByteArrayView lowerName) const;
    bool hasHeader(QByteArrayView lowerName) const;
    QJsonObject json() const;
    /** json()["error"]: the OpenAI error object. */
    QJsonObject error() const;
};

/**
 * A raw HTTP/1.1 client on one QTcpSocket: exact bytes out, every byte in, nothing smoothed
 * over. It never blocks: the wait functions run a nested event loop that wakes on the socket's
 * signals, because the gateway and the mock upstream under test live on the same thread.
 * (QTest::qWaitFor would do, but it sleeps 10 ms between passes, which adds that much per hop
 * and hides timing.) One request at a time per connection
 * (keep-alive reuse works: start the next request after the previous one completed).
 */
class TestClient : public QObject
{
    Q_OBJECT

public:
    explicit TestClient(quint16 port, QObject *parent = nullptr);
    ~TestClient() override;

    /** False when the connection was refused or did not open within @p timeoutMs. */
    bool connectToServer(int timeoutMs = 5000);
    QAbstractSocket::SocketError socketError() const { return m_socket.error(); }
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }

    /** Sends a request (connecting first if needed) with Host and Content-Length added. */
    void startRequest(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                      const HeaderList &headers = {});
    /** Sends bytes as they are; the reply is parsed as for startRequest(). */
    void sendRaw(const QByteArray &bytes);

    /** Until the reply is complete or the connection closed; true only when complete. */
    bool waitForComplete(int timeoutMs = 10000);
    bool waitForEvents(int count, int timeoutMs = 10000);
    bool waitForClosed(int timeoutMs = 10000);

    /** Aborts the connection as soon as @p count SSE events have arrived. */
    void abortAfterEvents(int count) { m_abortAfter = count; }
    void abort();

    const HttpReply &reply() const { return m_reply; }
    /** Every byte received since the last request was sent, as it came. */
    const QByteArray &received() const { return m_received; }
    /** Until received() contains @p needle; false at the timeout or when the connection ends. */
    bool waitForReceived(const QByteArray &needle, int timeoutMs = 5000);
    /**
     * After a complete reply: starts parsing the next one from the bytes that followed it (the
     * answer to a pipelined request); wait for it with waitForComplete().
     */
    void nextReply();
    /** Milliseconds since the current request was sent. */
    qint64 elapsedMs() const { return m_clock.elapsed(); }

    /** startRequest() + waitForComplete(); the reply as far as it got. */
    HttpReply request(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                      const HeaderList &headers = {}, int timeoutMs = 10000);
    HttpReply post(const QByteArray &path, const QByteArray &body, const HeaderList &headers = {})
    {
        return request("POST", path, body, headers);
    }
    HttpReply get(const QByteArray &path, const HeaderList &headers = {})
    {
        return request("GET", path, {}, headers);
    }

Q_SIGNALS:
    /** Bytes arrived, the connection opened or ended: anything a wait may be waiting for. */
    void progressed();
    void eventReceived();
    void replyComplete();
    /** abortAfterEvents() fired. */
    void aborted();

private:
    enum class Stage
    {
        Head,
        Body,
        ChunkSize,
        ChunkData,
        ChunkEnd,
        Trailer,
        Done
    };

    void onReadyRead();
    /** Runs an event loop (no sleeping) until @p done or @p timeoutMs; returns done(). */
    bool waitUntil(const std::function<bool()> &done, int timeoutMs);
    void parse();
    bool parseHead();
    void appendBody(const QByteArray &bytes);
    /** Takes up to m_remaining body bytes; true when that part (or chunk) is complete. */
    bool consumeBody();
    void markComplete();

    quint16 m_port;
    QTcpSocket m_socket;
    QByteArray m_in;
    QByteArray m_received;
    HttpReply m_reply;
    Stage m_stage = Stage::Done;
    qint64 m_remaining = 0;
    QByteArray m_sseBuffer;
    int m_abortAfter = -1;
    QElapsedTimer m_clock;
};

/** One request on a fresh connection (Connection: close is not sent; the socket is dropped). */
HttpReply httpRequest(quint16 port, const QByteArray &method, const QByteArray &path,
                      const QByteArray &body = {}, const HeaderList &headers = {},
                      int timeoutMs = 10000);

/** A chat completion body: one user message, optional stream flag and extra keys. */
QByteArray chatBody(const QString &model, bool stream = false, const QString &content = {},
                    const QJsonObject &extra = {});

} // namespace aisbf::test
