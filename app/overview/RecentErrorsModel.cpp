// SPDX-License-Identifier: GPL-3.0-or-later
#include "RecentErrorsModel.h"

#include <algorithm>

namespace aisbf::app {

int RecentErrorsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_errors.size());
}

QVariant RecentErrorsModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const api::RecentError &e = m_errors.at(index.row());
    switch (role) {
    case TimeRole:
        return e.ts.toLocalTime().toString(QStringLiteral("HH:mm:ss"));
    case RouteRole:
        return e.route;
    case ProviderRole:
        return e.provider;
    case ModelRole:
        return e.model;
    case StatusRole:
        return e.status;
    case ReasonRole:
        return e.reason;
    default:
        return {};
    }
}

QHash<int, QByteArray> RecentErrorsModel::roleNames() const
{
    return {{TimeRole, "time"},       {RouteRole, "route"},   {ProviderRole, "provider"},
            {ModelRole, "modelName"}, {StatusRole, "status"}, {ReasonRole, "reason"}};
}

void RecentErrorsModel::setErrors(const QJsonArray &errors, int limit)
{
    QList<api::RecentError> list;
    for (const QJsonValue &v : errors)
        list.append(api::RecentError::fromJson(v.toObject()));
    std::stable_sort(list.begin(), list.end(),
                     [](const auto &a, const auto &b) { return a.ts > b.ts; });
    if (list.size() > limit)
        list.resize(limit);
    const qsizetype before = m_errors.size();
    beginResetModel();
    m_errors = list;
    endResetModel();
    if (before != m_errors.size())
        Q_EMIT countChanged();
}

} // namespace aisbf::app
