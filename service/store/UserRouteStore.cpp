// SPDX-License-Identifier: GPL-3.0-or-later
#include "UserRouteStore.h"

#include "Database.h"
#include "StoreSupport.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QSqlQuery>

namespace aisbf::store {

using namespace detail;

Result<QList<UserRoute>> UserRouteStore::list(qint64 userId, const QString &kind)
{
    QString sql = QStringLiteral("SELECT kind, route_id, document, updated_at FROM user_routes "
                                 "WHERE user_id = ?");
    QVariantList values{userId};
    if (!kind.isEmpty()) {
        sql += QLatin1String(" AND kind = ?");
        values.append(kind);
    }
    sql += QLatin1String(" ORDER BY kind, route_id");
    auto q = m_db.query(sql, values);
    if (!q)
        return context(QStringLiteral("reading the routes of user %1").arg(userId), q.error());
    QList<UserRoute> routes;
    while (q->next()) {
        UserRoute route;
        route.kind = q->value(0).toString();
        route.routeId = q->value(1).toString();
        route.document = QJsonDocument::fromJson(q->value(2).toString().toUtf8()).object();
        route.updatedAt = q->value(3).toLongLong();
        routes.append(std::move(route));
    }
    return routes;
}

Status UserRouteStore::replace(qint64 userId, const QString &kind, const QList<UserRoute> &routes)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    return m_db.transaction([&]() -> Status {
        auto removed =
            m_db.exec(QStringLiteral("DELETE FROM user_routes WHERE user_id = ? AND kind = ?"),
                      {userId, kind});
        if (!removed)
            return context(
                QStringLiteral("replacing the %1 routes of user %2").arg(kind).arg(userId),
                removed.error());
        QList<QVariantList> rows;
        for (const UserRoute &route : routes) {
            rows.append(
                {userId, kind, route.routeId,
                 QString::fromUtf8(QJsonDocument(route.document).toJson(QJsonDocument::Compact)),
                 now});
        }
        if (rows.isEmpty())
            return {};
        auto inserted = m_db.execEach(
            QStringLiteral("INSERT INTO user_routes (user_id, kind, route_id, document, "
                           "updated_at) VALUES (?, ?, ?, ?, ?)"),
            rows);
        if (!inserted)
            return context(QStringLiteral("writing the %1 routes of user %2").arg(kind).arg(userId),
                           inserted.error());
        return {};
    });
}

Result<qint64> UserRouteStore::countOtherKinds(qint64 userId, const QString &exceptKind)
{
    auto q = m_db.query(
        QStringLiteral("SELECT COUNT(*) FROM user_routes WHERE user_id = ? AND kind <> ?"),
        {userId, exceptKind});
    if (!q)
        return context(QStringLiteral("counting the routes of user %1").arg(userId), q.error());
    return q->next() ? q->value(0).toLongLong() : 0;
}

} // namespace aisbf::store
