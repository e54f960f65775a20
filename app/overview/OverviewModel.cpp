// SPDX-License-Identifier: GPL-3.0-or-later
#include "OverviewModel.h"

#include <api/AdminClient.h>

#include <QJsonArray>

namespace aisbf::app {

OverviewModel::OverviewModel(api::AdminClient *client, QObject *parent)
    : QObject(parent), m_client(client), m_topRoutes(new RouteRateModel(this)),
      m_recentErrors(new RecentErrorsModel(this))
{}

QVariantList OverviewModel::rateHistory() const
{
    QVariantList out;
    out.reserve(m_history.size());
    for (double v : m_history)
        out.append(v);
    return out;
}

void OverviewModel::refresh()
{
    if (!m_client || m_pending > 0)
        return;
    // The first load shows a spinner; later polls refresh silently.
    if (!m_haveState && !m_loading) {
        m_loading = true;
        Q_EMIT loadingChanged();
    }
    m_pending = 2;
    m_client->call("GET", QStringLiteral("/health"), {}, this, [this](const api::ApiResponse &r) {
        if (r.status > 0)
            applyHealth(r.object());
        else
            m_health = QStringLiteral("unreachable");
        finishOne();
    });
    m_client->call("GET", QStringLiteral("/api/admin/state"), {}, this,
                   [this](const api::ApiResponse &r) {
                       if (r.ok()) {
                           m_errorString.clear();
                           applyState(r.object());
                           Q_EMIT stateReceived(r.object());
                       } else {
                           m_errorString = r.error.message;
                       }
                       finishOne();
                   });
}

void OverviewModel::finishOne()
{
    if (--m_pending > 0)
        return;
    Q_EMIT changed();
    if (m_loading) {
        m_loading = false;
        Q_EMIT loadingChanged();
    }
}

void OverviewModel::applyHealth(const QJsonObject &health)
{
    const QString status = health.value(QLatin1String("status")).toString();
    m_health = status.isEmpty() ? QStringLiteral("unknown") : status;
    if (m_node.version.isEmpty())
        m_node.version = health.value(QLatin1String("version")).toString();
    Q_EMIT changed();
}

void OverviewModel::applyState(const QJsonObject &state)
{
    m_haveState = true;
    m_node = api::NodeStats::fromJson(state.value(QLatin1String("node")).toObject());
    m_providerCount = m_coolingCount = m_failingCount = 0;
    const QJsonArray providers = state.value(QLatin1String("providers")).toArray();
    for (const QJsonValue &p : providers) {
        const QJsonArray models = p.toObject().value(QLatin1String("models")).toArray();
        ++m_providerCount;
        for (const QJsonValue &m : models) {
            const QString s = m.toObject().value(QLatin1String("state")).toString();
            if (s == QLatin1String("cooling"))
                ++m_coolingCount;
            else if (s == QLatin1String("failing"))
                ++m_failingCount;
        }
    }
    m_topRoutes->setRatesFromArray(state.value(QLatin1String("top_routes")).toArray());
    m_recentErrors->setErrors(state.value(QLatin1String("recent_errors")).toArray());
    if (!m_historySeeded && !m_node.requestsPerSecHistory.isEmpty()) {
        // The first state after connecting carries the last minute (the seconds any early
        // `stats` event brought included): the chart starts full, not empty.
        m_historySeeded = true;
        m_history = m_node.requestsPerSecHistory.mid(
            qMax<qsizetype>(0, m_node.requestsPerSecHistory.size() - HistoryLength));
        Q_EMIT historyChanged();
    } else if (!m_statsClock.isValid() || m_statsClock.elapsed() > 3000) {
        // The feed's `stats` events sample every second; polls only fill in while it is silent.
        pushHistory(m_node.requestsPerSec);
    }
    Q_EMIT changed();
}

void OverviewModel::applyStats(const QJsonObject &stats)
{
    m_statsClock.start();
    m_node.requestsPerSec = stats.value(QLatin1String("requests_per_s")).toDouble();
    m_node.activeRequests = stats.value(QLatin1String("active_requests")).toInt();
    const QJsonValue routes = stats.value(QLatin1String("routes"));
    if (routes.isObject())
        m_topRoutes->setRatesFromObject(routes.toObject());
    pushHistory(m_node.requestsPerSec);
    Q_EMIT changed();
}

void OverviewModel::pushHistory(double rate)
{
    m_history.append(rate);
    while (m_history.size() > HistoryLength)
        m_history.removeFirst();
    Q_EMIT historyChanged();
}

} // namespace aisbf::app
