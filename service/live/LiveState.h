// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "RateCounter.h"

#include <config/Config.h>

#include <QBasicTimer>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QObject>

#include <chrono>
#include <functional>
#include <vector>

namespace aisbf::http {
struct AccessRecord;
}

namespace aisbf::live {

class EventHub;

/**
 * What this node is doing now, for /api/admin/state, /api/admin/cluster and the SSE feed:
 * requests per second per route, provider and provider/model, errors in the last minute,
 * cooldowns as they start and end, recent errors, and latency percentiles over the last
 * minute. Fed by the finished-request sink and the cooldown book; all on the gateway thread.
 */
class LiveState : public QObject
{
    Q_OBJECT

public:
    using Clock = std::chrono::steady_clock;

    struct NodeInfo
    {
        QString id; ///< "host:port"
        QString host;
        int port = 0;
        QString version;
        QDateTime startedAt;
    };

    LiveState(EventHub *events, QObject *parent = nullptr);

    void setNode(NodeInfo node) { m_node = std::move(node); }
    const NodeInfo &node() const { return m_node; }

    /** A chat request finished (answered, refused or abandoned). */
    void requestFinished(const http::AccessRecord &record);
    /** An attempt on provider/model @p key failed; @p until is its cooldown's end (if any). */
    void attemptFailed(const QString &key, Clock::time_point until, const QString &reason);

    /** Requests and client streams in flight, as the gateway counts them. */
    struct Load
    {
        int requests = 0;
        int streams = 0;
    };
    void setLoadSource(std::function<Load()> source) { m_load = std::move(source); }

    /** The "node" object of /api/admin/state (also a /api/admin/cluster entry). */
    QJsonObject nodeJson() const;
    /** GET /api/admin/state for @p config. */
    QJsonObject stateJson(const config::ConfigSet &config) const;
    /** The 1 s "stats" event. */
    QJsonObject statsJson() const;
    /** Current cooldown of provider/model @p key in whole seconds left (0 when none). */
    qint64 cooldownLeftSec(const QString &key) const;

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    struct Recent
    {
        qint64 tsMs = 0;
        QString route;
        QString provider;
        QString model;
        int status = 0;
        QString reason;
    };
    struct LatencySample
    {
        qint64 second = 0;
        quint32 latencyUs = 0; ///< microseconds: a loopback answer takes well under 1 ms
    };

    static qint64 nowSec();
    RateCounter &counter(QHash<QString, RateCounter> &table, const QString &key);
    void addRecent(Recent recent);
    QString stateOf(const QString &modelKey, qint64 now) const;
    void announceEndedCooldowns();
    Load load() const { return m_load ? m_load() : Load{}; }

    EventHub *m_events;
    NodeInfo m_node;
    RateCounter m_requests;
    RateCounter m_errors;
    QHash<QString, RateCounter> m_byRoute;
    QHash<QString, RateCounter> m_byModel; ///< "provider/model"
    QHash<QString, RateCounter> m_byProvider;
    QHash<QString, RateCounter> m_failuresByModel; ///< failed attempts
    QHash<QString, Clock::time_point> m_cooling;   ///< cooldowns announced, not yet ended
    std::vector<Recent> m_recent;                  ///< ring, newest at m_recentNext - 1
    std::size_t m_recentNext = 0;
    std::vector<LatencySample> m_latency; ///< ring of the last requests' latencies
    std::size_t m_latencyNext = 0;
    std::function<Load()> m_load;
    QBasicTimer m_tick;
};

} // namespace aisbf::live
