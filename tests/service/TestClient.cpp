// SPDX-License-Identifier: GPL-3.0-or-later
#include "TestClient.h"

#include <QEventLoop>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

namespace aisbf::test {

QJsonObject SseEvent::json() const
{
    return QJsonDocument::fromJson(data).object();
}

QByteArray HttpReply::header(QByteArrayView lowerName) const
{
    for (const auto &[name, value] : headers) {
        if (name == lowerName)
            return value;
    }
    return {};
}

bool HttpReply::hasHeader(QByteArrayView lowerName) const
{
    return std::any_of(headers.cbegin(), headers.cend(),
                       [lowerName](const auto &header) { return header.first == lowerName; });
}

QJsonObject HttpReply::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QJsonObject HttpReply::error() const
{
    return json().value(QLatin1String("error")).toObject();
}

TestClient::TestClient(quint16 port, QObject *parent) : QObject(parent), m_port(port)
{
    connect(&m_socket, &QTcpSocket::readyRead, this, &TestClient::onReadyRead);
    connect(&m_socket, &QTcpSocket::connected, this, &TestClient::progressed);
    connect(&m_socket, &QTcpSocket::disconnected, this, [this] {
        onReadyRead();
        m_reply.closed = true;
        Q_EMIT progressed();
    });
    connect(&m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        if (m_socket.state() != QAbstractSocket::ConnectedState)
            m_reply.closed = true;
        Q_EMIT progressed();
    });
}

TestClient::~TestClient()
{
    m_socket.disconnect(this);
    m_socket.abort();
}

bool TestClient::connectToServer(int timeoutMs)
{
    if (isConnected())
        return true;
    m_reply = {};
    m_socket.connectToHost(QHostAddress::LocalHost, m_port);
    return waitUntil(
               [this] {
                   return isConnected() || m_socket.state() == QAbstractSocket::UnconnectedState;
               },
               timeoutMs) &&
           isConnected();
}

void TestClient::startRequest(const QByteArray &method, const QByteArray &path,
                              const QByteArray &body, const HeaderList &headers)
{
    QByteArray bytes =
        method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(m_port) + "\r\n";
    bool hasLength = false;
    for (const auto &[name, value] : headers) {
        bytes += name + ": " + value + "\r\n";
        hasLength |= name.compare("content-length", Qt::CaseInsensitive) == 0 ||
                     name.compare("transfer-encoding", Qt::CaseInsensitive) == 0;
    }
    if (!hasLength && (!body.isEmpty() || method == "POST"))
        bytes += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    bytes += "\r\n" + body;
    sendRaw(bytes);
}

void TestClient::sendRaw(const QByteArray &bytes)
{
    if (!isConnected())
        connectToServer();
    m_reply = {};
    m_in.clear();
    m_received.clear();
    m_sseBuffer.clear();
    m_stage = Stage::Head;
    m_clock.start();
    m_socket.write(bytes);
    m_socket.flush();
}

bool TestClient::waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    if (done())
        return true;
    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    connect(this, &TestClient::progressed, &loop, [&] {
        if (done())
            loop.quit();
    });
    timeout.start(timeoutMs);
    loop.exec();
    return done();
}

bool TestClient::waitForComplete(int timeoutMs)
{
    waitUntil([this] { return m_reply.complete || m_reply.closed; }, timeoutMs);
    return m_reply.complete;
}

bool TestClient::waitForReceived(const QByteArray &needle, int timeoutMs)
{
    return waitUntil([&] { return m_received.contains(needle) || m_reply.closed; }, timeoutMs) &&
           m_received.contains(needle);
}

void TestClient::nextReply()
{
    const bool closed = m_reply.closed;
    m_reply = {};
    m_reply.closed = closed;
    m_sseBuffer.clear();
    m_stage = Stage::Head;
    parse();
}

bool TestClient::waitForEvents(int count, int timeoutMs)
{
    waitUntil([this, count] { return m_reply.events.size() >= count || m_reply.closed; },
              timeoutMs);
    return m_reply.events.size() >= count;
}

bool TestClient::waitForClosed(int timeoutMs)
{
    return waitUntil([this] { return m_reply.closed; }, timeoutMs);
}

void TestClient::abort()
{
    m_socket.abort();
    m_reply.closed = true;
    Q_EMIT progressed();
}

HttpReply TestClient::request(const QByteArray &method, const QByteArray &path,
                              const QByteArray &body, const HeaderList &headers, int timeoutMs)
{
    startRequest(method, path, body, headers);
    waitForComplete(timeoutMs);
    return m_reply;
}

void TestClient::onReadyRead()
{
    if (m_socket.isOpen()) {
        const QByteArray bytes = m_socket.readAll();
        m_in += bytes;
        m_received += bytes;
    }
    parse();
    Q_EMIT progressed();
}

void TestClient::parse()
{
    while (m_stage != Stage::Done) {
        switch (m_stage) {
        case Stage::Head:
            if (!parseHead())
                return;
            break;
        case Stage::Body: {
            if (!consumeBody())
                return;
            markComplete();
            break;
        }
        case Stage::ChunkSize: {
            const qsizetype eol = m_in.indexOf("\r\n");
            if (eol < 0)
                return;
            bool ok = false;
            m_remaining = m_in.left(eol).split(';').first().trimmed().toLongLong(&ok, 16);
            m_in.remove(0, eol + 2);
            if (!ok) {
                qWarning("TestClient: bad chunk size line");
                m_stage = Stage::Done;
                return;
            }
            m_stage = m_remaining == 0 ? Stage::Trailer : Stage::ChunkData;
            break;
        }
        case Stage::ChunkData: {
            if (!consumeBody())
                return;
            m_stage = Stage::ChunkEnd;
            break;
        }
        case Stage::ChunkEnd:
            if (m_in.size() < 2)
                return;
            if (!m_in.startsWith("\r\n"))
                qWarning("TestClient: chunk not followed by CRLF");
            m_in.remove(0, 2);
            m_stage = Stage::ChunkSize;
            break;
        case Stage::Trailer: {
            const qsizetype eol = m_in.indexOf("\r\n");
            if (eol < 0)
                return;
            m_in.remove(0, eol + 2);
            if (eol == 0)
                markComplete();
            break;
        }
        case Stage::Done:
            return;
        }
    }
}

bool TestClient::parseHead()
{
    const qsizetype end = m_in.indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    const QList<QByteArray> lines = m_in.left(end).split('\n');
    m_in.remove(0, end + 4);
    const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
    m_reply.status = statusLine.value(1).toInt();
    m_reply.headAtMs = m_clock.elapsed();
    qint64 length = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = lines[i].left(colon).trimmed().toLower();
        const QByteArray value = lines[i].mid(colon + 1).trimmed();
        m_reply.headers.append({name, value});
        if (name == "content-length")
            length = value.toLongLong();
        else if (name == "transfer-encoding" && value.contains("chunked"))
            m_reply.chunked = true;
    }
    if (m_reply.chunked) {
        m_stage = Stage::ChunkSize;
    } else if (length > 0) {
        m_remaining = length;
        m_stage = Stage::Body;
    } else {
        markComplete();
    }
    return true;
}

bool TestClient::consumeBody()
{
    const QByteArray part = m_in.left(m_remaining);
    m_in.remove(0, part.size());
    m_remaining -= part.size();
    appendBody(part);
    return m_stage != Stage::Done && m_remaining == 0;
}

void TestClient::appendBody(const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return;
    m_reply.body += bytes;
    if (!m_reply.header("content-type").startsWith("text/event-stream"))
        return;
    m_sseBuffer += bytes;
    qsizetype end;
    while ((end = m_sseBuffer.indexOf("\n\n")) >= 0) {
        SseEvent event;
        event.atMs = m_clock.elapsed();
        const QList<QByteArray> lines = m_sseBuffer.left(end).split('\n');
        m_sseBuffer.remove(0, end + 2);
        QByteArrayList data;
        for (const QByteArray &line : lines) {
            if (line.startsWith("data:"))
                data.append(line.mid(5).startsWith(' ') ? line.mid(6) : line.mid(5));
        }
        if (data.isEmpty())
            continue;
        event.data = data.join('\n');
        m_reply.events.append(event);
        Q_EMIT eventReceived();
        if (m_abortAfter >= 0 && m_reply.events.size() >= m_abortAfter) {
            m_abortAfter = -1;
            m_stage = Stage::Done;
            abort();
            Q_EMIT aborted();
            return;
        }
    }
}

void TestClient::markComplete()
{
    m_stage = Stage::Done;
    m_reply.complete = true;
    Q_EMIT replyComplete();
}

HttpReply httpRequest(quint16 port, const QByteArray &method, const QByteArray &path,
                      const QByteArray &body, const HeaderList &headers, int timeoutMs)
{
    TestClient client(port);
    if (!client.connectToServer())
        return {};
    return client.request(method, path, body, headers, timeoutMs);
}

QByteArray chatBody(const QString &model, bool stream, const QString &content,
                    const QJsonObject &extra)
{
    QJsonObject body = extra;
    body.insert(QStringLiteral("model"), model);
    body.insert(
        QStringLiteral("messages"),
        QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                               {QStringLiteral("content"),
                                content.isEmpty() ? QStringLiteral("say pong") : content}}});
    if (stream)
        body.insert(QStringLiteral("stream"), true);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

} // namespace aisbf::test
