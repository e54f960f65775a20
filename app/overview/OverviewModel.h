// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "RecentErrorsModel.h"
#include "RouteRateModel.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

#include <api/AdminClient.h>

namespace aisbf::app {

/**
 * The Overview page: health, traffic and latency of the connected gateway from
 * GET /health + GET /api/admin/state, kept live between polls by the feed's `stats` events.
 */
class OverviewModel : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Session")
    Q_PROPERTY(bool loading READ isLoading NOTIFY loadingChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY changed)
    Q_PROPERTY(QString health READ health NOTIFY changed)
    Q_PROPERTY(QString version READ version NOTIFY changed)
    Q_PROPERTY(QString nodeId READ nodeId NOTIFY changed)
    Q_PROPERTY(double uptimeSec READ uptimeSec NOTIFY changed)
    Q_PROPERTY(double requestsPerSec READ requestsPerSec NOTIFY changed)
    Q_PROPERTY(double errorRate READ errorRate NOTIFY changed)
    Q_PROPERTY(double latencyP50Ms READ latencyP50Ms NOTIFY changed)
    Q_PROPERTY(double latencyP99Ms READ latencyP99Ms NOTIFY changed)
    Q_PROPERTY(int activeStreams READ activeStreams NOTIFY changed)
    Q_PROPERTY(int activeRequests READ activeRequests NOTIFY changed)
    Q_PROPERTY(int providerCount READ providerCount NOTIFY changed)
    Q_PROPERTY(int coolingCount READ coolingCount NOTIFY changed)
    Q_PROPERTY(int failingCount READ failingCount NOTIFY changed)
    Q_PROPERTY(QVariantList rateHistory READ rateHistory NOTIFY historyChanged)
    Q_PROPERTY(RouteRateModel *topRoutes READ topRoutes CONSTANT)
    Q_PROPERTY(RecentErrorsModel *recentErrors READ recentErrors CONSTANT)

public:
    explicit OverviewModel(api::AdminClient *client, QObject *parent = nullptr);

    bool isLoading() const { return m_loading; }
    QString errorString() const { return m_errorString; }
    QString health() const { return m_health; }
    QString version() const { return m_node.version; }
    QString nodeId() const { return m_node.id; }
    double uptimeSec() const { return m_node.uptimeSec; }
    double requestsPerSec() const { return m_node.requestsPerSec; }
    double errorRate() const { return m_node.errorRate; }
    double latencyP50Ms() const { return m_node.latencyP50Ms; }
    double latencyP99Ms() const { return m_node.latencyP99Ms; }
    int activeStreams() const { return m_node.activeStreams; }
    int activeRequests() const { return m_node.activeRequests; }
    int providerCount() const { return m_providerCount; }
    int coolingCount() const { return m_coolingCount; }
    int failingCount() const { return m_failingCount; }
    QVariantList rateHistory() const;
    RouteRateModel *topRoutes() const { return m_topRoutes; }
    RecentErrorsModel *recentErrors() const { return m_recentErrors; }

    /** Fetches /health and /api/admin/state; loading stays true until both answered. */
    Q_INVOKABLE void refresh();

    void applyHealth(const QJsonObject &health);
    /** A GET /api/admin/state body. */
    void applyState(const QJsonObject &state);
    /** A `stats` event {"requests_per_s","active_requests","routes":{…}}. */
    void applyStats(const QJsonObject &stats);

    /** Samples kept for the requests/s sparkline. */
    static constexpr int HistoryLength = 60;

Q_SIGNALS:
    void loadingChanged();
    void changed();
    void historyChanged();
    /** Every state body fetched, for the graph. */
    void stateReceived(const QJsonObject &state);

private:
    void pushHistory(double rate);
    void finishOne();

    QPointer<api::AdminClient> m_client;
    RouteRateModel *m_topRoutes;
    RecentErrorsModel *m_recentErrors;
    api::NodeStats m_node;
    QString m_health;
    QString m_errorString;
    QList<double> m_history;
    QElapsedTimer m_statsClock;
    bool m_historySeeded = false; ///< the first state's requests_per_s_history was taken
    int m_providerCount = 0;
    int m_coolingCount = 0;
    int m_failingCount = 0;
    int m_pending = 0;
    bool m_loading = false;
    bool m_haveState = false;
};

} // namespace aisbf::app
