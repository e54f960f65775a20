// SPDX-License-Identifier: GPL-3.0-or-later
#include "RedisClient.h"

#include "ClusterLog.h"
#include "QtRedisAdapter.h"

#include <QHostAddress>
#include <QHostInfo>
#include <QPointer>
#include <QVarLengthArray>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <memory>

namespace aisbf::cluster {

struct RedisClient::Pending
{
    enum class Kind
    {
        User,
        Handshake,    ///< AUTH
        HandshakeLast ///< SELECT: the connection is ready once it succeeds
    };

    Kind kind = Kind::User;
    ReplyCallback done;
    QPointer<QObject> context;
    bool hasContext = false;
    quint64 generation = 0;
};

namespace {

RedisReply copyReply(const redisReply *reply)
{
    switch (reply->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
        return RedisReply::string(QByteArray(reply->str, qsizetype(reply->len)));
    case REDIS_REPLY_INTEGER:
        return RedisReply::integer(reply->integer);
    case REDIS_REPLY_ERROR:
        return RedisReply::error(QByteArray(reply->str, qsizetype(reply->len)));
    case REDIS_REPLY_ARRAY: {
        QList<RedisReply> elements;
        elements.reserve(qsizetype(reply->elements));
        for (size_t i = 0; i < reply->elements; ++i)
            elements.append(copyReply(reply->element[i]));
        return RedisReply::array(std::move(elements));
    }
    default:
        return {};
    }
}

// hiredis calls these commands' callbacks once per message, not once: our one-shot callbacks
// would be freed after the first.
bool isMultiReply(const QByteArray &name)
{
    static const char *const names[] = {"subscribe",  "psubscribe",   "unsubscribe", "punsubscribe",
                                        "ssubscribe", "sunsubscribe", "monitor"};
    const QByteArray lower = name.toLower();
    for (const char *n : names) {
        if (lower == n)
            return true;
    }
    return false;
}

} // namespace

RedisClient::RedisClient(RedisConfig config, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_backoffMs(m_config.reconnectMinMs)
{
    m_connectTimer.setSingleShot(true);
    m_retryTimer.setSingleShot(true);
    m_watchdog.setInterval(std::max(100, m_config.replyTimeoutMs / 4));
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        if (m_state != State::Connecting)
            return;
        dropConnection();
        lost(QStringLiteral("no connection within %1 ms").arg(m_config.connectTimeoutMs));
    });
    connect(&m_retryTimer, &QTimer::timeout, this, [this] {
        if (m_state == State::Waiting)
            connectNow();
    });
    connect(&m_watchdog, &QTimer::timeout, this, &RedisClient::checkProgress);
}

RedisClient::~RedisClient()
{
    // From here on, callbacks hiredis still runs (now, or later when this is destroyed from
    // inside one of them) find no client and are dropped.
    for (detail::QtRedisAdapter *adapter : std::as_const(m_adapters))
        adapter->client = nullptr;
    m_adapters.clear();
    if (m_lookupId >= 0)
        QHostInfo::abortHostLookup(m_lookupId);
    freeContext();
}

void RedisClient::start()
{
    if (m_state != State::Stopped)
        return;
    m_backoffMs = m_config.reconnectMinMs;
    m_outageLogged = false;
    connectNow();
}

void RedisClient::stop()
{
    if (m_state == State::Stopped)
        return;
    const bool wasReady = m_state == State::Ready;
    m_state = State::Stopped;
    m_connectTimer.stop();
    m_retryTimer.stop();
    m_watchdog.stop();
    dropConnection();
    if (wasReady) {
        qCInfo(lcCluster).noquote() << "disconnected from" << m_config.describe();
        QMetaObject::invokeMethod(
            this, [this] { Q_EMIT disconnected(QStringLiteral("stopped")); }, Qt::QueuedConnection);
    }
}

void RedisClient::command(const QList<QByteArray> &args, ReplyCallback done)
{
    command(args, nullptr, std::move(done));
}

void RedisClient::command(const QList<QByteArray> &args, QObject *context, ReplyCallback done)
{
    auto *pending = new Pending;
    pending->done = std::move(done);
    pending->context = context;
    pending->hasContext = context != nullptr;
    if (args.isEmpty()) {
        failLater(pending, RedisReply::error(QByteArrayLiteral("ERR empty command")));
    } else if (isMultiReply(args.first())) {
        failLater(pending, RedisReply::error("ERR " + args.first() +
                                             " is not supported: it has more than one reply"));
    } else if (!m_context || (m_state != State::Connecting && m_state != State::Ready)) {
        failLater(pending, RedisReply::connectionError(QByteArrayLiteral("not connected")));
    } else {
        issue(args, pending);
    }
}

void RedisClient::issue(const QList<QByteArray> &args, Pending *pending)
{
    QVarLengthArray<const char *, 16> argv;
    QVarLengthArray<size_t, 16> lengths;
    for (const QByteArray &arg : args) {
        argv.append(arg.constData());
        lengths.append(size_t(arg.size()));
    }
    // hiredis copies the arguments into its output buffer; the write notifier goes on.
    if (redisAsyncCommandArgv(m_context, &RedisClient::onReply, pending, int(args.size()),
                              argv.data(), lengths.data()) != REDIS_OK) {
        failLater(pending, RedisReply::connectionError(QByteArrayLiteral("connection closing")));
        return;
    }
    if (m_inFlight++ == 0)
        m_lastProgress.restart();
}

void RedisClient::failLater(Pending *pending, RedisReply reply)
{
    std::shared_ptr<Pending> owned(pending);
    if (owned->kind != Pending::Kind::User || !owned->done)
        return;
    // Never from inside command() or hiredis: the caller may hold state it is changing.
    QMetaObject::invokeMethod(
        this,
        [owned, reply = std::move(reply)] {
            if (!owned->hasContext || owned->context)
                owned->done(reply);
        },
        Qt::QueuedConnection);
}

void RedisClient::onReply(redisAsyncContext *context, void *reply, void *privdata)
{
    std::unique_ptr<Pending> pending(static_cast<Pending *>(privdata));
    detail::QtRedisAdapter *adapter = detail::QtRedisAdapter::of(context);
    RedisClient *self = adapter ? adapter->client : nullptr;
    if (!self)
        return; // the client is being or has been destroyed
    if (self->m_inFlight > 0)
        --self->m_inFlight;
    self->m_lastProgress.restart();

    const auto *r = static_cast<const redisReply *>(reply);
    if (pending->kind != Pending::Kind::User) {
        if (r) // no reply: the context is going away, and its cleanup reports that
            self->handshakeReply(pending->generation, copyReply(r),
                                 pending->kind == Pending::Kind::HandshakeLast);
        return;
    }
    if (!r) { // hiredis frees the context (a dropped connection, or stop())
        self->failLater(pending.release(),
                        RedisReply::connectionError(QByteArrayLiteral("connection lost")));
        return;
    }
    if ((pending->hasContext && !pending->context) || !pending->done)
        return;
    const RedisReply value = copyReply(r);
    const ReplyCallback done = std::move(pending->done);
    pending.reset();
    done(value); // last: it may stop or destroy the client
}

void RedisClient::connectNow()
{
    ++m_generation;
    m_state = State::Connecting;
    m_connectTimer.start(m_config.connectTimeoutMs);
    if (QHostAddress address; address.setAddress(m_config.host)) {
        openContext(address.toString().toLatin1());
        return;
    }
    // hiredis would resolve the name with a blocking getaddrinfo() on this thread.
    const quint64 generation = m_generation;
    m_lookupId =
        QHostInfo::lookupHost(m_config.host, this, [this, generation](const QHostInfo &info) {
            if (generation != m_generation || m_state != State::Connecting)
                return;
            m_lookupId = -1;
            const QList<QHostAddress> addresses = info.addresses();
            if (info.error() != QHostInfo::NoError || addresses.isEmpty()) {
                lost(QLatin1String("cannot resolve ") % m_config.host % QLatin1String(": ") %
                     info.errorString());
                return;
            }
            QHostAddress chosen = addresses.first();
            for (const QHostAddress &address : addresses) {
                if (address.protocol() == QAbstractSocket::IPv4Protocol) {
                    chosen = address;
                    break;
                }
            }
            openContext(chosen.toString().toLatin1());
        });
}

void RedisClient::openContext(const QByteArray &address)
{
    redisAsyncContext *context = redisAsyncConnect(address.constData(), m_config.port);
    if (!context || context->err) {
        const QString why =
            context ? QString::fromLocal8Bit(context->errstr) : QStringLiteral("out of memory");
        if (context)
            redisAsyncFree(context);
        lost(why);
        return;
    }
    m_context = context;
    m_adapter = new detail::QtRedisAdapter(context, this);
    m_adapters.insert(m_adapter);

    // Pipelined behind the connect; commands given meanwhile queue up behind these.
    const quint64 generation = m_generation;
    const auto handshake = [generation](Pending::Kind kind) {
        auto *pending = new Pending;
        pending->kind = kind;
        pending->generation = generation;
        return pending;
    };
    if (!m_config.password.isEmpty())
        issue({QByteArrayLiteral("AUTH"), m_config.password.toUtf8()},
              handshake(Pending::Kind::Handshake));
    issue({QByteArrayLiteral("SELECT"), QByteArray::number(m_config.db)},
          handshake(Pending::Kind::HandshakeLast));
}

void RedisClient::handshakeReply(quint64 generation, const RedisReply &reply, bool last)
{
    if (generation != m_generation || m_state != State::Connecting)
        return;
    if (reply.isError()) {
        const QString why = (last ? QLatin1String("SELECT ") % QString::number(m_config.db)
                                  : QStringLiteral("AUTH")) %
                            QLatin1String(" failed: ") % QString::fromUtf8(reply.errorMessage());
        // Inside hiredis' reply callback: free the context from the event loop instead.
        QMetaObject::invokeMethod(
            this,
            [this, generation, why] {
                if (generation != m_generation || m_state != State::Connecting)
                    return;
                dropConnection();
                lost(why);
            },
            Qt::QueuedConnection);
        return;
    }
    if (!last)
        return;
    m_state = State::Ready;
    m_connectTimer.stop();
    m_backoffMs = m_config.reconnectMinMs;
    if (m_outageLogged)
        qCInfo(lcCluster).noquote()
            << m_config.describe() << "is reachable again; cluster state is shared again";
    else
        qCInfo(lcCluster).noquote() << "connected to" << m_config.describe();
    m_outageLogged = false;
    m_watchdog.start();
    Q_EMIT connected(); // last: a slot may destroy the client
}

void RedisClient::freeContext()
{
    redisAsyncContext *context = std::exchange(m_context, nullptr);
    detail::QtRedisAdapter *adapter = std::exchange(m_adapter, nullptr);
    if (!context)
        return;
    adapter->setOwnerDeletes(true);
    // Runs the pending callbacks (their errors are queued), then the adapter's cleanup. Inside
    // a reply callback hiredis defers all of that until the callback returns.
    redisAsyncFree(context);
    if (adapter->isClosed())
        delete adapter;
    else
        adapter->setOwnerDeletes(false);
}

void RedisClient::dropConnection()
{
    if (m_lookupId >= 0) {
        QHostInfo::abortHostLookup(m_lookupId);
        m_lookupId = -1;
    }
    freeContext();
}

void RedisClient::adapterClosed(detail::QtRedisAdapter *adapter)
{
    m_adapters.remove(adapter);
    if (adapter != m_adapter)
        return; // a context this client let go of itself
    // hiredis frees the current context on its own: EOF, a socket error, a failed connect.
    const redisAsyncContext *context = adapter->context();
    const QString why = context->c.err ? QString::fromLocal8Bit(context->c.errstr)
                                       : QStringLiteral("connection closed");
    m_context = nullptr;
    m_adapter = nullptr;
    lost(why);
}

void RedisClient::lost(const QString &reason)
{
    if (m_state == State::Stopped)
        return;
    const bool wasReady = m_state == State::Ready;
    m_connectTimer.stop();
    m_watchdog.stop();
    m_state = State::Waiting;
    if (!m_outageLogged) {
        qCWarning(lcCluster).noquote()
            << m_config.describe() << (wasReady ? "connection lost:" : "unreachable:") << reason
            << "- rate limits and the cluster view are node-local until it is back; reconnecting";
        m_outageLogged = true;
    } else {
        qCDebug(lcCluster).noquote() << m_config.describe() << "still unreachable:" << reason
                                     << "- next attempt in" << m_backoffMs << "ms";
    }
    m_retryTimer.start(m_backoffMs);
    m_backoffMs = std::min(m_backoffMs * 2, m_config.reconnectMaxMs);
    if (wasReady) {
        // Possibly inside hiredis freeing the context: slots run from the event loop.
        QMetaObject::invokeMethod(
            this, [this, reason] { Q_EMIT disconnected(reason); }, Qt::QueuedConnection);
    }
}

void RedisClient::checkProgress()
{
    if (m_state != State::Ready || m_inFlight == 0 ||
        m_lastProgress.elapsed() < m_config.replyTimeoutMs)
        return;
    dropConnection();
    lost(QStringLiteral("no reply for %1 ms").arg(m_config.replyTimeoutMs));
}

} // namespace aisbf::cluster
