// SPDX-License-Identifier: GPL-3.0-or-later
#include "RouteRateModel.h"

#include <QJsonArray>

#include <algorithm>

namespace aisbf::app {

int RouteRateModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rates.size());
}

QVariant RouteRateModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const api::RouteRate &r = m_rates.at(index.row());
    switch (role) {
    case RouteRole:
        return r.route;
    case RequestsPerSecRole:
        return r.requestsPerSec;
    case ShareRole:
        return m_max > 0 ? r.requestsPerSec / m_max : 0.0;
    default:
        return {};
    }
}

QHash<int, QByteArray> RouteRateModel::roleNames() const
{
    return {{RouteRole, "route"}, {RequestsPerSecRole, "requestsPerSec"}, {ShareRole, "share"}};
}

void RouteRateModel::setRates(QList<api::RouteRate> rates, int limit)
{
    std::stable_sort(rates.begin(), rates.end(), [](const auto &a, const auto &b) {
        return a.requestsPerSec != b.requestsPerSec ? a.requestsPerSec > b.requestsPerSec
                                                    : a.route < b.route;
    });
    if (rates.size() > limit)
        rates.resize(limit);
    const bool sameShape =
        rates.size() == m_rates.size() &&
        std::equal(rates.begin(), rates.end(), m_rates.begin(),
                   [](const auto &a, const auto &b) { return a.route == b.route; });
    const int before = int(m_rates.size());
    if (sameShape) {
        // Same routes in the same order: update in place so the view keeps its delegates.
        m_rates = rates;
        m_max = rates.isEmpty() ? 0 : rates.first().requestsPerSec;
        if (!rates.isEmpty())
            Q_EMIT dataChanged(index(0), index(int(rates.size()) - 1),
                               {RequestsPerSecRole, ShareRole});
        return;
    }
    beginResetModel();
    m_rates = rates;
    m_max = rates.isEmpty() ? 0 : rates.first().requestsPerSec;
    endResetModel();
    if (before != m_rates.size())
        Q_EMIT countChanged();
}

void RouteRateModel::setRatesFromObject(const QJsonObject &routes, int limit)
{
    QList<api::RouteRate> rates;
    for (auto it = routes.begin(); it != routes.end(); ++it)
        rates.append({it.key(), it.value().toDouble()});
    setRates(rates, limit);
}

void RouteRateModel::setRatesFromArray(const QJsonArray &routes, int limit)
{
    QList<api::RouteRate> rates;
    for (const QJsonValue &v : routes) {
        const QJsonObject o = v.toObject();
        rates.append({o.value(QLatin1String("route")).toString(),
                      o.value(QLatin1String("requests_per_s")).toDouble()});
    }
    setRates(rates, limit);
}

} // namespace aisbf::app
