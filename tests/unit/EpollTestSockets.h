// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QSet>
#include <QTcpServer>
#include <QTcpSocket>

#include <functional>
#include <memory>

namespace aisbf::test {

/**
 * Runs the thread's dispatcher until @p done or @p timeoutMs; returns done(). Unlike
 * QTest::qWaitFor it blocks in the dispatcher between events instead of sleeping 10 ms.
 */
bool spin(const std::function<bool()> &done, int timeoutMs = 5000);

/** User plus system CPU time of the whole process, in milliseconds. */
qint64 processCpuMs();

/** A client socket and the server's side of it, connected on loopback. */
struct LoopbackPair
{
    QTcpServer server;
    QTcpSocket client;
    std::unique_ptr<QTcpSocket> peer;

    /** Connects; @p clientReadBuffer limits the client's read buffer (0: unlimited). */
    bool open(qint64 clientReadBuffer = 0);
};

/** Echoes every byte back on every connection it accepts. */
class EchoServer : public QTcpServer
{
public:
    EchoServer();
    int accepted() const { return m_accepted; }

private:
    void acceptAll();

    int m_accepted = 0;
};

/** One connection doing @p trips request/response exchanges with an EchoServer. */
class PingClient : public QObject
{
public:
    PingClient(quint16 port, int id, int trips);
    bool finished() const { return m_done == m_trips || failed(); }
    bool failed() const { return !m_error.isEmpty(); }
    QString error() const { return m_error; }

private:
    QByteArray message() const;
    void send();
    void onReadyRead();

    QTcpSocket m_socket;
    int m_id;
    int m_trips;
    int m_done = 0;
    QByteArray m_in;
    QString m_error;
};

/**
 * Connect, send, read the echo, close: @p cycles times in a row, each next socket made in the
 * readyRead handler right after the previous one closed. Even cycles use connectToHost() (the
 * fd comes a pass later); odd cycles adopt a socket connected on the spot, which takes the fd
 * number just closed within the same dispatcher pass.
 */
class ChurnClient : public QObject
{
public:
    ChurnClient(quint16 port, int cycles);
    bool finished() const { return m_cycles == m_target || !m_error.isEmpty(); }
    int cycles() const { return m_cycles; }
    QString error() const { return m_error; }
    qsizetype distinctFds() const { return m_fds.size(); }
    int reusedWithinPass() const { return m_reused; }

private:
    void next(qintptr closedFd);

    quint16 m_port;
    int m_target;
    int m_cycles = 0;
    int m_reused = 0;
    QSet<qintptr> m_fds;
    QString m_error;
};

} // namespace aisbf::test
