// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <api/AdminData.h>

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

namespace aisbf::app {

/** Routes by request rate, busiest first ("top_routes", refreshed by `stats` events). */
class RouteRateModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by OverviewModel")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    enum Role
    {
        RouteRole = Qt::UserRole + 1,
        RequestsPerSecRole,
        ShareRole, ///< rate / the busiest route's rate, 0..1 (bar length)
    };
    Q_ENUM(Role)

    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    /** Replaces the rows; sorted by rate, at most @p limit kept. */
    void setRates(QList<api::RouteRate> rates, int limit = 8);
    /** From an object {"route": rate, …} (the `stats` event's "routes"). */
    void setRatesFromObject(const QJsonObject &routes, int limit = 8);
    /** From an array [{"route","requests_per_s"}] ("top_routes"). */
    void setRatesFromArray(const QJsonArray &routes, int limit = 8);

Q_SIGNALS:
    void countChanged();

private:
    QList<api::RouteRate> m_rates;
    double m_max = 0;
};

} // namespace aisbf::app
