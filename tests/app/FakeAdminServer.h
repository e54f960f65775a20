// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QUrl>

class QTcpServer;
class QTcpSocket;

namespace aisbf::test {

/**
 * A tiny HTTP/1.1 server on a loopback port answering canned admin-API JSON (contract shapes),
 * so the client and the models are tested over real sockets. Routes are "METHOD /path" (query
 * ignored); an unknown route answers 404 in OpenAI's error shape. A route marked as a stream
 * keeps the connection open as text/event-stream and receives pushEvent() calls.
 */
class FakeAdminServer : public QObject
{
    Q_OBJECT

public:
    struct Reply
    {
        int status = 200;
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
        bool stream = false;     ///< keep open as SSE
        QByteArray streamPrefix; ///< bytes written right after the stream's headers
        int delayMs = 0;
    };
    struct Request
    {
        QByteArray method;
        QByteArray path;
        QByteArray query;
        QHash<QByteArray, QByteArray> headers; ///< lower-case names
        QByteArray body;
    };

    explicit FakeAdminServer(QObject *parent = nullptr);
    ~FakeAdminServer() override;

    bool listen();
    /** Listens on a given loopback port (a gateway coming back where it was). */
    bool listenOn(quint16 port);
    QUrl url() const;
    quint16 port() const;
    void close();

    void on(const QByteArray &methodAndPath, const Reply &reply);
    void onJson(const QByteArray &methodAndPath, const QJsonObject &body, int status = 200);
    /** Writes an SSE event to every open stream. */
    void pushEvent(const QByteArray &name, const QJsonObject &data);
    void pushRaw(const QByteArray &bytes);
    /** Ends every open stream (the client sees the stream end). */
    void closeStreams();
    int openStreams() const;

    QList<Request> requests() const { return m_requests; }
    Request lastRequest() const { return m_requests.isEmpty() ? Request() : m_requests.last(); }
    int count(const QByteArray &methodAndPath) const;

Q_SIGNALS:
    void requestReceived(const QByteArray &methodAndPath);

private:
    void onConnection();
    void onReadable(QTcpSocket *socket);
    void answer(QTcpSocket *socket, const Request &request);

    QTcpServer *m_server;
    QHash<QByteArray, Reply> m_routes;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QList<QPointer<QTcpSocket>> m_streams;
    QList<Request> m_requests;
};

} // namespace aisbf::test
