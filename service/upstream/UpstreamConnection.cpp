// SPDX-License-Identifier: GPL-3.0-or-later
#include "UpstreamConnection.h"

#include <QNetworkProxy>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>

namespace aisbf::upstream {

namespace {

UpstreamConnection *self(http_parser *parser)
{
    return static_cast<UpstreamConnection *>(parser->data);
}

} // namespace

UpstreamConnection::UpstreamConnection(const Origin &origin, QObject *parent)
    : QObject(parent), m_origin(origin)
{
    resetParser();
}

UpstreamConnection::~UpstreamConnection()
{
    m_user = nullptr;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

bool UpstreamConnection::isOpen() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState && !m_closing;
}

void UpstreamConnection::open(const QNetworkProxy &proxy, const QSslConfiguration *tls)
{
    QSslSocket *sslSocket = nullptr;
    if (m_origin.isTls()) {
        sslSocket = new QSslSocket(this);
        if (tls)
            sslSocket->setSslConfiguration(*tls);
        // TLS sockets are buffered; a bounded buffer makes a paused read hold back the upstream.
        sslSocket->setReadBufferSize(256 * 1024);
        m_socket = sslSocket;
    } else {
        m_socket = new QTcpSocket(this);
    }
    m_socket->setProxy(proxy);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);

    connect(m_socket, &QAbstractSocket::readyRead, this, &UpstreamConnection::onReadyRead);
    connect(m_socket, &QAbstractSocket::disconnected, this, [this] {
        onClosed(Failure::Kind::ResetBeforeHead, QStringLiteral("closed by upstream"));
    });
    connect(m_socket, &QAbstractSocket::errorOccurred, this,
            [this, sslSocket](QAbstractSocket::SocketError error) {
                // A TLS connection is up only once the handshake is done: a rejected
                // certificate is a failure to connect, not the upstream closing on us.
                const bool up = m_socket->state() == QAbstractSocket::ConnectedState &&
                                (!sslSocket || sslSocket->isEncrypted());
                QString detail = m_socket->errorString();
                if (error == QAbstractSocket::SslHandshakeFailedError)
                    detail = QStringLiteral("TLS handshake failed: ") + detail;
                onClosed(!up && !m_anyByte ? Failure::Kind::Connect
                                           : Failure::Kind::ResetBeforeHead,
                         detail);
            });
    if (sslSocket) {
        connect(sslSocket, &QSslSocket::encrypted, this, [this] {
            if (m_user)
                m_user->connectionReady();
        });
        sslSocket->connectToHostEncrypted(m_origin.host, m_origin.port);
    } else {
        connect(m_socket, &QAbstractSocket::connected, this, [this] {
            if (m_user)
                m_user->connectionReady();
        });
        // Unbuffered: reads go straight from the kernel into the QByteArray we parse and
        // writes straight to the kernel, so an idle pooled connection holds no 16-32 KiB
        // ring-buffer chunks (they were most of the RSS at 1,000 streams).
        m_socket->connectToHost(m_origin.host, m_origin.port,
                                QIODevice::ReadWrite | QIODevice::Unbuffered);
    }
}

void UpstreamConnection::send(const QByteArray &requestBytes)
{
    resetParser();
    m_socket->write(requestBytes);
    if (m_socket->state() == QAbstractSocket::ConnectedState)
        m_socket->flush(); // now, not on the next event-loop pass
}

void UpstreamConnection::abort()
{
    m_closing = true;
    m_user = nullptr;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

void UpstreamConnection::resetParser()
{
    http_parser_init(&m_parser, HTTP_RESPONSE);
    m_parser.data = this;
    m_headers.clear();
    m_body.clear();
    m_paused = false;
    m_readPending = false;
    m_headerPieces.reset();
    m_anyByte = false;
    m_headSeen = false;
    m_messageDone = false;
}

void UpstreamConnection::resumeReading()
{
    m_paused = false;
    if (std::exchange(m_readPending, false))
        onReadyRead();
}

void UpstreamConnection::onReadyRead()
{
    if (m_paused && m_user) {
        // Unbuffered, Qt leaves its read notifier off until we read: nothing more arrives.
        m_readPending = true;
        return;
    }
    bool failed = false;
    const QByteArray data = readAvailable(&failed);
    if (failed) {
        // An unbuffered QAbstractSocket whose read fails (a TCP reset) drops to unconnected
        // without emitting disconnected() or errorOccurred(): this is the only notice we get.
        // What arrived before the reset is still delivered first.
        QPointer<UpstreamConnection> guard(this);
        if (!data.isEmpty())
            parse(data);
        if (guard)
            onClosed(Failure::Kind::ResetBeforeHead,
                     QStringLiteral("connection reset by upstream (") + m_socket->errorString() +
                         u')');
        return;
    }
    if (data.isEmpty())
        return;
    parse(data);
}

void UpstreamConnection::parse(const QByteArray &data)
{
    if (!m_user) {
        // Bytes on an idle keep-alive connection: the upstream broke protocol; drop it.
        m_closing = true;
        m_socket->abort();
        return;
    }
    m_anyByte = true;
    static const http_parser_settings settings = [] {
        http_parser_settings s{};
        s.on_status = &UpstreamConnection::onStatus;
        s.on_header_field = &UpstreamConnection::onHeaderField;
        s.on_header_value = &UpstreamConnection::onHeaderValue;
        s.on_headers_complete = &UpstreamConnection::onHeadersComplete;
        s.on_body = &UpstreamConnection::onBody;
        s.on_message_complete = &UpstreamConnection::onMessageComplete;
        return s;
    }();
    QPointer<UpstreamConnection> guard(this);
    http_parser_execute(&m_parser, &settings, data.constData(), size_t(data.size()));
    if (guard)
        deliverBody();
    if (!guard || !m_user)
        return;
    if (m_parser.http_errno != HPE_OK && m_parser.http_errno != HPE_PAUSED) {
        ConnectionUser *user = m_user;
        m_user = nullptr;
        m_closing = true;
        m_socket->abort();
        user->connectionLost(Failure::Kind::Protocol,
                             QString::fromLatin1(http_errno_description(
                                 static_cast<http_errno>(m_parser.http_errno))),
                             false);
        return;
    }
}

QByteArray UpstreamConnection::readAvailable(bool *failed)
{
    // readAll() on an unbuffered socket reads until the kernel says EAGAIN: a second read(2)
    // for every streamed chunk. A read that does not fill the buffer already drained it.
    // The buffer is one per thread: a 16 KiB allocation per read made glibc consolidate its
    // free lists every time, and a buffer per connection would cost memory while idle.
    constexpr qint64 kChunk = 16 * 1024;
    thread_local char scratch[kChunk];
    QByteArray data;
    for (;;) {
        const qint64 got = m_socket->read(scratch, kChunk);
        if (got > 0)
            data.append(scratch, qsizetype(got));
        if (got < 0)
            *failed = true;
        if (got < kChunk)
            return data;
    }
}

void UpstreamConnection::onClosed(Failure::Kind kind, const QString &detail)
{
    if (m_closing && !m_user)
        return;
    m_closing = true;
    if (!m_user) {
        Q_EMIT closedWhileIdle(this);
        return;
    }
    deliverBody();
    if (!m_user)
        return;
    // A body delimited by the connection's end is complete only now.
    if (m_anyByte && !m_messageDone) {
        QPointer<UpstreamConnection> guard(this);
        static const http_parser_settings eofSettings = [] {
            http_parser_settings s{};
            s.on_message_complete = &UpstreamConnection::onMessageComplete;
            return s;
        }();
        http_parser_execute(&m_parser, &eofSettings, nullptr, 0);
        if (!guard || !m_user)
            return;
    }
    if (m_messageDone)
        return;
    ConnectionUser *user = m_user;
    m_user = nullptr;
    user->connectionLost(m_headSeen ? Failure::Kind::ResetMidBody : kind, detail, !m_anyByte);
}

int UpstreamConnection::onStatus(http_parser *, const char *, size_t)
{
    return 0;
}

int UpstreamConnection::onHeaderField(http_parser *parser, const char *at, size_t length)
{
    UpstreamConnection *c = self(parser);
    c->m_headerPieces.addName(c->m_headers, at, length);
    return 0;
}

int UpstreamConnection::onHeaderValue(http_parser *parser, const char *at, size_t length)
{
    UpstreamConnection *c = self(parser);
    c->m_headerPieces.addValue(c->m_headers, at, length);
    return 0;
}

int UpstreamConnection::onHeadersComplete(http_parser *parser)
{
    UpstreamConnection *c = self(parser);
    c->m_headSeen = true;
    c->m_keepAlive = http_should_keep_alive(parser) != 0;
    if (c->m_user)
        c->m_user->connectionHead(parser->status_code, c->m_headers);
    return 0;
}

int UpstreamConnection::onBody(http_parser *parser, const char *at, size_t length)
{
    // Collected and handed over once per socket read: several HTTP chunks that arrived
    // together become one delivery (and one client write) instead of one each.
    self(parser)->m_body.append(at, qsizetype(length));
    return 0;
}

void UpstreamConnection::deliverBody()
{
    if (m_body.isEmpty())
        return;
    const QByteArray body = std::exchange(m_body, QByteArray());
    if (m_user)
        m_user->connectionBody(body);
}

int UpstreamConnection::onMessageComplete(http_parser *parser)
{
    UpstreamConnection *c = self(parser);
    QPointer<UpstreamConnection> guard(c);
    c->deliverBody();
    if (!guard)
        return 0;
    c->m_messageDone = true;
    ++c->m_responses;
    c->m_keepAlive = c->m_keepAlive && http_should_keep_alive(parser) != 0;
    // Stop parsing: anything after the message on this connection is not ours. Paused before
    // the user hears of it: the user may hand this connection, now idle, straight to the next
    // request (a failover to another model on the same upstream), whose send() resets the
    // parser; pausing afterwards froze that request's response.
    http_parser_pause(parser, 1);
    ConnectionUser *user = c->m_user;
    c->m_user = nullptr;
    if (user)
        user->connectionComplete();
    return 0;
}

} // namespace aisbf::upstream
