// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "MockFault.h"
#include "MockRoutes.h"
#include "RecordedRequest.h"

#include <QObject>

class QTcpSocket;

namespace aisbf::test {

class MockUpstream;

/**
 * One accepted socket of MockUpstream: parses requests one after another (keep-alive,
 * pipelined bytes wait their turn) and plays each answer, fault included, to its end.
 */
class MockConnection : public QObject
{
    Q_OBJECT

public:
    MockConnection(MockUpstream *server, QTcpSocket *socket, quint64 id);
    ~MockConnection() override;

    /** Called by the server's shared timer; @p token tells a current wake from a stale one. */
    void wake(quint64 token);

private:
    enum class State
    {
        Idle,      //!< waiting for (the rest of) a request
        Delaying,  //!< SlowFirstByte: nothing sent yet
        Streaming, //!< stream events going out on the shared timer
        Silent,    //!< Hang / StallMidStream: socket open, nothing more will be sent
        Closing,   //!< we are closing or resetting the socket ourselves
    };

    void onReadyRead();
    void onDisconnected();
    void processBuffer();
    void handle(const RecordedRequest &request);
    void respond();
    void respondPartially(const QByteArray &response);
    void startStream(const StreamPlan &plan);
    void streamStep();
    void send(const QByteArray &bytes);
    void finish();
    void reset();
    void scheduleWake(qint64 dueUs);

    MockUpstream *m_server;
    QTcpSocket *m_socket;
    quint64 m_id;
    QByteArray m_in;
    State m_state = State::Idle;
    bool m_keepAlive = true;
    bool m_continueSent = false;
    FaultSpec m_fault;
    RecordedRequest m_request;
    quint64 m_sequence = 0;
    StreamPlan m_plan;
    int m_count = 0; //!< m_plan.count()
    int m_sent = 0;
    qint64 m_nextDueUs = 0;
    quint64 m_token = 0;
};

} // namespace aisbf::test
