// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <api/AdminData.h>

#include <QAbstractListModel>
#include <QJsonArray>
#include <QtQml/qqmlregistration.h>

namespace aisbf::app {

/** The gateway's latest failed attempts, newest first ("recent_errors" of /api/admin/state). */
class RecentErrorsModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by OverviewModel")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    enum Role
    {
        TimeRole = Qt::UserRole + 1,
        RouteRole,
        ProviderRole,
        ModelRole,
        StatusRole,
        ReasonRole,
    };
    Q_ENUM(Role)

    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setErrors(const QJsonArray &errors, int limit = 20);

Q_SIGNALS:
    void countChanged();

private:
    QList<api::RecentError> m_errors;
};

} // namespace aisbf::app
