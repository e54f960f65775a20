// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QSslCertificate>
#include <QSslKey>
#include <QTcpServer>

#include <optional>

class QSslSocket;

namespace aisbf::test {

/** A throwaway CA and a server certificate it signed, made with the openssl CLI. */
struct TestPki
{
    QString caFile; ///< the CA certificate (PEM): what "upstream.ca_file" names
    QSslCertificate serverCertificate;
    QSslKey serverKey;
};

/**
 * Writes a CA and a server certificate for localhost, 127.0.0.1 and upstream.test into @p dir.
 * nullopt, with @p error saying which step failed, when openssl is missing or fails.
 */
std::optional<TestPki> makeTestPki(const QString &dir, QString *error);

/**
 * An HTTPS upstream on 127.0.0.1 that speaks just enough HTTP/1.1 (keep-alive, Content-Length
 * bodies): every request is answered 200 with completionBody().
 */
class TlsTestServer : public QTcpServer
{
    Q_OBJECT

public:
    explicit TlsTestServer(const TestPki &pki, QObject *parent = nullptr);

    /** Requests answered, i.e. that arrived over a completed handshake. */
    int requestCount() const { return m_requests; }
    QByteArray lastRequestLine() const { return m_lastRequestLine; }
    /** Connections whose handshake failed (the client rejected the certificate, say). */
    int failedHandshakes() const { return m_failedHandshakes; }

    /** A chat.completion whose message content is "over tls". */
    static QByteArray completionBody();

Q_SIGNALS:
    void requestServed();
    void handshakeFailed();

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void serve(QSslSocket *socket, QByteArray &buffer);

    TestPki m_pki;
    int m_requests = 0;
    int m_failedHandshakes = 0;
    QByteArray m_lastRequestLine;
};

} // namespace aisbf::test
