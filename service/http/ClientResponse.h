// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "GatewaySocket.h"
#include "HttpResponse.h"

#include "control/Principal.h"

#include <protocol/TokenCounts.h>

#include <translate/ClientCodec.h>

#include <QPointer>
#include <QString>

#include <chrono>
#include <functional>

namespace aisbf::protocol {
struct OpenAiError;
}

namespace aisbf::http {

class AccessLog;

/** What the access log records of one request. Never a key, a token or a prompt. */
struct AccessRecord
{
    QByteArray method;
    QByteArray path;
    QByteArray requestId;
    QString route;    ///< e.g. "rotation/coding", "provider/model"
    QString via;      ///< the route an autoselect chose ("rotation/coding"), else empty
    QString provider; ///< the provider that served (or last tried)
    QString model;
    int status = 0;
    int failovers = 0;
    std::chrono::steady_clock::time_point start;
    std::chrono::steady_clock::time_point firstByte{};
    control::Principal principal;   ///< who asked (Kind::None when no known token came)
    qint64 promptTokens = 0;        ///< estimated, for chat requests
    protocol::TokenCounts reported; ///< what the answer said it used (its "usage")
    bool isChat = false;            ///< a chat completion: recorded as usage
};

/**
 * The answer to one client request. Holds the client socket weakly: QtHttpServer 6.4 deletes
 * the socket when the client goes away, and every write checks it first. Writes the complete
 * response in one go, or a chunked stream; either way it finishes exactly once, writing the
 * access log line then.
 */
class ClientResponse
{
public:
    /** Receives a captured answer: its status and complete body. */
    using Capture = std::function<void(int status, const QByteArray &body)>;

    ClientResponse(GatewaySocket *socket, AccessLog *log, AccessRecord record, bool closeAfter);
    /**
     * An answer for the gateway itself (an autoselect's selection call): no socket; a complete
     * answer goes to @p capture, and the access log gets its line as for any request. Streams
     * and abandoned answers are not captured.
     */
    ClientResponse(Capture capture, AccessLog *log, AccessRecord record);
    ClientResponse(ClientResponse &&other) noexcept;
    ClientResponse &operator=(ClientResponse &&) = delete;
    ~ClientResponse();

    AccessRecord &record() { return m_record; }
    GatewaySocket *socket() const { return m_socket.data(); }
    bool clientGone() const { return m_socket.isNull(); }
    bool isFinished() const { return m_finished; }
    bool isStreaming() const { return m_streaming; }

    /** The API the client called: errors are sent in its shape (OpenAI's by default). */
    void setDialect(translate::ClientDialect dialect) { m_dialect = dialect; }
    translate::ClientDialect dialect() const { return m_dialect; }

    /** Headers added to whatever is sent (X-Request-Id is always added). */
    void addHeader(const QByteArray &name, const QByteArray &value);

    void send(int status, const QByteArray &contentType, const QByteArray &body);
    void sendJson(int status, const QByteArray &json) { send(status, "application/json", json); }
    void sendError(const protocol::OpenAiError &error);

    void beginStream(int status, const QByteArray &contentType);
    void streamChunk(const QByteArray &data);
    void endStream();
    /** The client is gone or the request was abandoned: log it and release the connection. */
    void abandon(int status);

private:
    void write(const QByteArray &bytes);
    void markFirstByte();
    void finish();

    QPointer<GatewaySocket> m_socket;
    AccessLog *m_log;
    AccessRecord m_record;
    ResponseHeaders m_headers;
    bool m_closeAfter;
    translate::ClientDialect m_dialect = translate::ClientDialect::OpenAi;
    bool m_streaming = false;
    bool m_finished = false;
    Capture m_capture;
};

} // namespace aisbf::http
