// SPDX-License-Identifier: GPL-3.0-or-later
#include "TlsTestServer.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSslSocket>

#include <memory>

namespace aisbf::test {

namespace {

// Explicit extensions, so the result does not depend on the system's openssl.cnf.
constexpr char kOpensslConfig[] = R"([req]
distinguished_name = dn
prompt = no
[dn]
CN = AISBF Test
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,DNS:upstream.test,IP:127.0.0.1
authorityKeyIdentifier = keyid
)";

bool openssl(const QDir &dir, const QStringList &arguments, QString *error)
{
    QProcess process;
    process.setWorkingDirectory(dir.path());
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral("openssl"), arguments);
    if (!process.waitForFinished(30'000) || process.exitStatus() != QProcess::NormalExit ||
        process.exitCode() != 0) {
        *error = QStringLiteral("openssl ") % arguments.join(u' ') % QStringLiteral(" failed: ") %
                 process.errorString() % u' ' % QString::fromLocal8Bit(process.readAll());
        return false;
    }
    return true;
}

QStringList words(const char *text)
{
    return QString::fromLatin1(text).split(u' ', Qt::SkipEmptyParts);
}

} // namespace

std::optional<TestPki> makeTestPki(const QString &path, QString *error)
{
    const QDir dir(path);
    QFile config(dir.filePath(QStringLiteral("pki.cnf")));
    if (!config.open(QIODevice::WriteOnly) || config.write(kOpensslConfig) < 0) {
        *error = QStringLiteral("cannot write ") % config.fileName();
        return std::nullopt;
    }
    config.close();
    const char *ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    if (!openssl(dir,
                 words("req -x509 -config pki.cnf -extensions ca_ext -days 2 -keyout ca.key "
                       "-out ca.pem") +
                     words(ec) +
                     QStringList{QStringLiteral("-subj"), QStringLiteral("/CN=AISBF Test CA")},
                 error) ||
        !openssl(dir,
                 words("req -new -config pki.cnf -keyout server.key -out server.csr") + words(ec) +
                     QStringList{QStringLiteral("-subj"), QStringLiteral("/CN=localhost")},
                 error) ||
        !openssl(dir,
                 words("x509 -req -in server.csr -CA ca.pem -CAkey ca.key -set_serial 2 -days 2 "
                       "-extfile pki.cnf -extensions server_ext -out server.pem"),
                 error))
        return std::nullopt;

    TestPki pki;
    pki.caFile = dir.filePath(QStringLiteral("ca.pem"));
    const QList<QSslCertificate> certificates =
        QSslCertificate::fromPath(dir.filePath(QStringLiteral("server.pem")));
    QFile key(dir.filePath(QStringLiteral("server.key")));
    if (certificates.size() != 1 || !key.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the server certificate or key in ") % path;
        return std::nullopt;
    }
    pki.serverCertificate = certificates.first();
    pki.serverKey = QSslKey(&key, QSsl::Ec);
    if (pki.serverKey.isNull()) {
        *error = QStringLiteral("cannot parse ") % key.fileName();
        return std::nullopt;
    }
    return pki;
}

TlsTestServer::TlsTestServer(const TestPki &pki, QObject *parent) : QTcpServer(parent), m_pki(pki)
{
    listen(QHostAddress::LocalHost, 0);
}

QByteArray TlsTestServer::completionBody()
{
    return R"({"id":"chatcmpl-tls","object":"chat.completion","created":1,"model":"m1",)"
           R"("choices":[{"index":0,"message":{"role":"assistant","content":"over tls"},)"
           R"("finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2,)"
           R"("total_tokens":3}})";
}

void TlsTestServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new QSslSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    socket->setLocalCertificate(m_pki.serverCertificate);
    socket->setPrivateKey(m_pki.serverKey);
    auto buffer = std::make_shared<QByteArray>();
    connect(socket, &QSslSocket::readyRead, this, [this, socket, buffer] {
        *buffer += socket->readAll();
        serve(socket, *buffer);
    });
    connect(socket, &QAbstractSocket::errorOccurred, this, [this, socket] {
        if (!socket->isEncrypted() && !socket->property("failed").toBool()) {
            socket->setProperty("failed", true);
            ++m_failedHandshakes;
            Q_EMIT handshakeFailed();
        }
    });
    connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
    socket->startServerEncryption();
}

void TlsTestServer::serve(QSslSocket *socket, QByteArray &buffer)
{
    while (true) {
        const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return;
        qint64 length = 0;
        const QList<QByteArray> lines = buffer.left(headEnd).split('\n');
        for (const QByteArray &line : lines) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().toLower() == "content-length")
                length = line.mid(colon + 1).trimmed().toLongLong();
        }
        if (buffer.size() < headEnd + 4 + length)
            return;
        m_lastRequestLine = lines.first().trimmed();
        buffer.remove(0, headEnd + 4 + length);
        const QByteArray body = completionBody();
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                      QByteArray::number(body.size()) + "\r\n\r\n" + body);
        ++m_requests;
        Q_EMIT requestServed();
    }
}

} // namespace aisbf::test
