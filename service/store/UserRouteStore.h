// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Result.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace aisbf::store {

class Database;

/** One of a user's own routes: a provider, a rotation or an autoselect, as its JSON object. */
struct UserRoute
{
    QString kind;    ///< "provider", "rotation" or "autoselect"
    QString routeId; ///< the key it has in its document ("my-openai", "coding")
    QJsonObject document;
    qint64 updatedAt = 0;
};

/**
 * The user_routes table: each user's providers, rotations and autoselects, one row per route.
 * Secrets inside documents are stored as the caller gives them (the control plane seals API
 * keys before they get here).
 */
class UserRouteStore
{
public:
    explicit UserRouteStore(Database &db) : m_db(db) {}

    /** All routes of @p userId (every kind when @p kind is empty), by kind then id. */
    Result<QList<UserRoute>> list(qint64 userId, const QString &kind = {});
    /** Replaces every route of @p kind of @p userId with @p routes, in one transaction. */
    Status replace(qint64 userId, const QString &kind, const QList<UserRoute> &routes);
    /** How many routes @p userId has of kinds other than @p exceptKind. */
    Result<qint64> countOtherKinds(qint64 userId, const QString &exceptKind);

private:
    Database &m_db;
};

} // namespace aisbf::store
