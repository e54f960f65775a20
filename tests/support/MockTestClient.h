// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Test-side helpers of tst_mock_upstream: a bare HTTP/1.1 client and response slicing.

#include <QByteArray>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QTcpSocket>
#include <QTest>

namespace aisbf::test {

// A bare HTTP/1.1 client: the mock's framing (chunks, resets, garbage) is what is under test,
// so nothing may smooth it over. Waits spin the event loop, because the mock lives on it too.
class RawClient
{
public:
    explicit RawClient(quint16 port)
    {
        QObject::connect(&m_socket, &QTcpSocket::readyRead,
                         [this] { m_data += m_socket.readAll(); });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        if (!QTest::qWaitFor([this] { return connected(); }))
            qWarning("RawClient: cannot connect to port %u", unsigned(port));
    }

    void send(const QByteArray &bytes) { m_socket.write(bytes); }
    /** Reads until @p marker has arrived (true) or the socket closed / timed out (false). */
    bool readUntil(const QByteArray &marker, int timeoutMs = 5000)
    {
        return QTest::qWaitFor([&] { return m_data.contains(marker) || !connected(); },
                               timeoutMs) &&
               m_data.contains(marker);
    }
    /** True when the peer closed within @p timeoutMs. */
    bool waitClosed(int timeoutMs = 5000)
    {
        return QTest::qWaitFor([this] { return !connected(); }, timeoutMs);
    }
    void close() { m_socket.abort(); }
    QByteArray &data() { return m_data; }
    bool connected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }

private:
    QTcpSocket m_socket;
    QByteArray m_data;
};

/** A raw request; @p headers are full "Name: value\r\n" lines. */
inline QByteArray httpRequest(const QByteArray &method, const QByteArray &target,
                              const QByteArray &body = {}, const QByteArray &headers = {})
{
    QByteArray out = method + ' ' + target + " HTTP/1.1\r\nHost: x\r\n" + headers;
    if (!body.isEmpty())
        out +=
            "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
            "\r\n";
    return out + "\r\n" + body;
}

/** The HTTP chunks of a chunked body (headers skipped); stops at the 0-chunk or the end. */
inline QList<QByteArray> httpChunks(const QByteArray &response)
{
    QList<QByteArray> chunks;
    qsizetype pos = response.indexOf("\r\n\r\n") + 4;
    for (;;) {
        const qsizetype eol = response.indexOf("\r\n", pos);
        if (eol < 0)
            break;
        bool ok = false;
        const qsizetype size = response.mid(pos, eol - pos).toLongLong(&ok, 16);
        if (!ok || size == 0 || response.size() < eol + 2 + size)
            break;
        chunks.append(response.mid(eol + 2, size));
        pos = eol + 2 + size + 2;
    }
    return chunks;
}

/** The value of header @p name (case-insensitive) in a raw response's head. */
inline QByteArray responseHeader(const QByteArray &response, const QByteArray &name)
{
    const QList<QByteArray> lines = response.left(response.indexOf("\r\n\r\n")).split('\n');
    for (const QByteArray &line : lines) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == name.toLower())
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

inline QJsonObject eventJson(const QByteArray &event)
{
    return QJsonDocument::fromJson(event.mid(6)).object(); // drop "data: "
}

} // namespace aisbf::test
