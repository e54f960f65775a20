// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "RedisConfig.h"
#include "RedisReply.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>

struct redisAsyncContext;

namespace aisbf::cluster {

namespace detail {
class QtRedisAdapter;
}

/**
 * An asynchronous Redis connection on the Qt event loop (hiredis, non-blocking): commands are
 * pipelined and binary-safe, each answered by a callback on this thread.
 *
 * After start() it connects (AUTH when a password is set, then SELECT db) and stays connected:
 * a failed attempt, a connect timeout, a dropped connection or a server that stops answering
 * leads to a new attempt after a backoff (reconnectMinMs doubling to reconnectMaxMs). Commands
 * given while it connects are sent after the handshake; while it waits to retry (or is
 * stopped) they are not sent and get a connection error. A command whose connection drops
 * before its reply gets a connection error too. Error replies always arrive from the event
 * loop, never from inside command(). A connection that owes replies for longer than
 * replyTimeoutMs counts as dead, so commands that block longer than that (BLPOP 0) do not fit.
 *
 * Destroying the client drops the callbacks of commands in flight without calling them; a
 * callback given a context object is not called once that object is gone. The client may be
 * destroyed or stopped from inside a callback.
 */
class RedisClient : public QObject
{
    Q_OBJECT

public:
    using ReplyCallback = std::function<void(const RedisReply &)>;

    enum class State
    {
        Stopped,    ///< before start(), after stop()
        Connecting, ///< resolving, connecting, AUTH and SELECT
        Ready,      ///< connected() was emitted
        Waiting     ///< down, a new attempt is scheduled
    };

    explicit RedisClient(RedisConfig config, QObject *parent = nullptr);
    ~RedisClient() override;

    /** Connects, and keeps reconnecting until stop(). */
    void start();
    /** Closes the connection; commands in flight get connection errors. */
    void stop();

    State state() const { return m_state; }
    bool isConnected() const { return m_state == State::Ready; }
    const RedisConfig &config() const { return m_config; }
    /** Commands sent and not answered yet. */
    int pendingReplies() const { return m_inFlight; }

    /**
     * Sends @p args (the command name, then its arguments; any bytes) and calls @p done with
     * the reply. SUBSCRIBE-style commands (more than one reply) are refused with an error.
     */
    void command(const QList<QByteArray> &args, ReplyCallback done = {});
    /** command(), but @p done is not called once @p context is destroyed. */
    void command(const QList<QByteArray> &args, QObject *context, ReplyCallback done);

Q_SIGNALS:
    /** The connection is up: AUTH and SELECT succeeded. */
    void connected();
    /** A connection that was up went down (a reconnect is already scheduled unless stopped). */
    void disconnected(const QString &reason);

private:
    struct Pending;
    friend class detail::QtRedisAdapter;

    static void onReply(redisAsyncContext *context, void *reply, void *privdata);

    void connectNow();
    void openContext(const QByteArray &address);
    void handshakeReply(quint64 generation, const RedisReply &reply, bool last);
    void issue(const QList<QByteArray> &args, Pending *pending);
    void failLater(Pending *pending, RedisReply reply);
    void freeContext();
    void dropConnection();
    void adapterClosed(detail::QtRedisAdapter *adapter);
    void lost(const QString &reason);
    void checkProgress();

    RedisConfig m_config;
    State m_state = State::Stopped;
    redisAsyncContext *m_context = nullptr;
    detail::QtRedisAdapter *m_adapter = nullptr; ///< m_context's
    QSet<detail::QtRedisAdapter *> m_adapters;   ///< every context hiredis has not freed
    quint64 m_generation = 0;                    ///< one per connection attempt
    int m_lookupId = -1;
    int m_inFlight = 0;
    int m_backoffMs = 0;
    bool m_outageLogged = false;
    QElapsedTimer m_lastProgress; ///< since the last reply (or the first command owed one)
    QTimer m_connectTimer;
    QTimer m_retryTimer;
    QTimer m_watchdog;
};

} // namespace aisbf::cluster
