// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "UpstreamConnection.h"
#include "UpstreamTypes.h"

#include <QBasicTimer>
#include <QObject>

#include <chrono>

namespace aisbf::upstream {

class UpstreamClient;

/**
 * One request/response exchange with an upstream. Enforces the connect, first-byte and
 * between-reads timeouts, retries once on a fresh connection when a reused keep-alive
 * connection turns out to be closed before any byte came back, and reports to its Listener.
 * Destroying the call cancels it (the upstream connection is closed, not reused).
 */
class UpstreamCall final : public QObject, private ConnectionUser
{
    Q_OBJECT

public:
    UpstreamCall(UpstreamClient *client, Request request, Listener *listener);
    ~UpstreamCall() override;

    void begin();
    /** Stops the exchange now; no further listener calls. */
    void cancel();
    bool isActive() const { return m_listener != nullptr; }
    /** Backpressure: stop/restart reading the response (the idle timeout does not run). */
    void pause();
    void resume();

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    enum class Phase
    {
        Connecting,
        AwaitingHead,
        Body,
        Done
    };

    void connectionReady() override;
    void connectionHead(int status, const HeaderList &headers) override;
    void connectionBody(const QByteArray &bytes) override;
    void connectionComplete() override;
    void connectionLost(Failure::Kind kind, const QString &detail, bool beforeAnyByte) override;

    void attachConnection();
    void sendRequest();
    void arm(Phase phase, int timeoutMs);
    void fail(Failure::Kind kind, const QString &detail);
    void dropConnection();
    QByteArray serialize() const;

    UpstreamClient *m_client;
    Request m_request;
    Listener *m_listener;
    UpstreamConnection *m_connection = nullptr;
    bool m_reused = false;
    bool m_retried = false;
    bool m_paused = false;
    Phase m_phase = Phase::Connecting;
    QBasicTimer m_timer;
    std::chrono::steady_clock::time_point m_lastActivity;
};

} // namespace aisbf::upstream
