// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "UpstreamTypes.h"

#include <protocol/HeaderAssembler.h>

#include <QObject>
#include <QPointer>

#include <http_parser.h>

class QAbstractSocket;
class QNetworkProxy;
class QSslConfiguration;

namespace aisbf::upstream {

/** What a connection reports to the call using it. */
class ConnectionUser
{
public:
    virtual ~ConnectionUser() = default;
    virtual void connectionReady() = 0;
    virtual void connectionHead(int status, const HeaderList &headers) = 0;
    virtual void connectionBody(const QByteArray &bytes) = 0;
    virtual void connectionComplete() = 0;
    /** The socket closed or failed; @p beforeAnyByte: nothing of a response was read. */
    virtual void connectionLost(Failure::Kind kind, const QString &detail, bool beforeAnyByte) = 0;
};

/**
 * One keep-alive HTTP/1.1 connection to an upstream origin, on the thread's event loop.
 * Parses responses with http_parser (chunked, content-length and read-until-close bodies);
 * carries one request at a time.
 */
class UpstreamConnection : public QObject
{
    Q_OBJECT

public:
    UpstreamConnection(const Origin &origin, QObject *parent = nullptr);
    ~UpstreamConnection() override;

    const Origin &origin() const { return m_origin; }
    bool isOpen() const;
    /** True once a response has been read on it: a later failure may be a stale keep-alive. */
    bool hasBeenReused() const { return m_responses > 0; }
    bool keepAlive() const { return m_keepAlive; }

    void open(const QNetworkProxy &proxy, const QSslConfiguration *tls);
    void setUser(ConnectionUser *user) { m_user = user; }
    /**
     * Stops taking bytes from the socket (the kernel's window closes and the upstream slows
     * down to the client's pace) until resumeReading().
     */
    void pauseReading() { m_paused = true; }
    void resumeReading();
    void send(const QByteArray &requestBytes);
    void abort();

Q_SIGNALS:
    /** Closed while idle in the pool. */
    void closedWhileIdle(aisbf::upstream::UpstreamConnection *connection);

private:
    void onReadyRead();
    /** Everything readable now; @p failed set when the socket's read failed (reset). */
    QByteArray readAvailable(bool *failed);
    void parse(const QByteArray &data);
    void onClosed(Failure::Kind kind, const QString &detail);
    void resetParser();
    void deliverBody();

    static int onStatus(http_parser *parser, const char *at, size_t length);
    static int onHeaderField(http_parser *parser, const char *at, size_t length);
    static int onHeaderValue(http_parser *parser, const char *at, size_t length);
    static int onHeadersComplete(http_parser *parser);
    static int onBody(http_parser *parser, const char *at, size_t length);
    static int onMessageComplete(http_parser *parser);

    Origin m_origin;
    QAbstractSocket *m_socket = nullptr;
    ConnectionUser *m_user = nullptr;
    http_parser m_parser{};
    HeaderList m_headers;
    QByteArray m_body; ///< body bytes parsed from the current read, not yet delivered
    protocol::HeaderAssembler m_headerPieces;
    bool m_anyByte = false;
    bool m_headSeen = false;
    bool m_messageDone = false;
    bool m_keepAlive = true;
    bool m_closing = false;
    bool m_paused = false;
    bool m_readPending = false; ///< bytes became readable while paused
    int m_responses = 0;
};

} // namespace aisbf::upstream
