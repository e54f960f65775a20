// SPDX-License-Identifier: GPL-3.0-or-later
#include "UsersModel.h"

#include <api/AdminClient.h>

#include <QJsonArray>
#include <QUrl>

namespace aisbf::app {

UsersModel::UsersModel(api::AdminClient *client, QObject *parent) : ApiListModel(client, parent) {}

QVariant UsersModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const api::User &u = m_users.at(index.row());
    switch (role) {
    case UserIdRole:
        return u.id;
    case UsernameRole:
        return u.username;
    case RoleRole:
        return u.role;
    case TierIdRole:
        return u.tierId ? int(*u.tierId) : -1;
    case DisabledRole:
        return u.disabled;
    case CreatedAtRole:
        return u.createdAt;
    default:
        return {};
    }
}

QHash<int, QByteArray> UsersModel::roleNames() const
{
    return {{UserIdRole, "userId"}, {UsernameRole, "username"}, {RoleRole, "role"},
            {TierIdRole, "tierId"}, {DisabledRole, "disabled"}, {CreatedAtRole, "createdAt"}};
}

void UsersModel::refresh()
{
    if (!client())
        return;
    setLoading(true);
    client()->call("GET", QStringLiteral("/api/admin/users"), {}, this,
                   [this](const api::ApiResponse &r) {
                       if (r.ok())
                           applyUsers(r.object());
                       takeResponse(r);
                   });
}

void UsersModel::applyUsers(const QJsonObject &body)
{
    QList<api::User> users;
    const QJsonArray array = body.value(QLatin1String("data")).toArray();
    for (const QJsonValue &v : array)
        users.append(api::User::fromJson(v.toObject()));
    resetRows([&] { m_users = users; });
}

int UsersModel::indexOf(const QString &username) const
{
    for (int i = 0; i < m_users.size(); ++i) {
        if (m_users.at(i).username == username)
            return i;
    }
    return -1;
}

void UsersModel::createUser(const QString &username, const QString &password, const QString &role,
                            int tierId)
{
    QJsonObject body{{QStringLiteral("username"), username},
                     {QStringLiteral("password"), password},
                     {QStringLiteral("role"), role.isEmpty() ? QStringLiteral("user") : role}};
    if (tierId >= 0)
        body.insert(QStringLiteral("tier_id"), tierId);
    change("POST", QStringLiteral("/api/admin/users"), body,
           QStringLiteral("User %1 created").arg(username));
}

void UsersModel::setDisabled(const QString &username, bool disabled)
{
    change("PATCH",
           QStringLiteral("/api/admin/users/") +
               QString::fromUtf8(QUrl::toPercentEncoding(username)),
           QJsonObject{{QStringLiteral("disabled"), disabled}},
           disabled ? QStringLiteral("%1 disabled").arg(username)
                    : QStringLiteral("%1 enabled").arg(username));
}

void UsersModel::setTier(const QString &username, int tierId)
{
    change(
        "PATCH",
        QStringLiteral("/api/admin/users/") + QString::fromUtf8(QUrl::toPercentEncoding(username)),
        QJsonObject{{QStringLiteral("tier_id"), tierId >= 0 ? QJsonValue(tierId) : QJsonValue()}},
        QStringLiteral("Tier of %1 changed").arg(username));
}

void UsersModel::removeUser(const QString &username)
{
    change("DELETE",
           QStringLiteral("/api/admin/users/") +
               QString::fromUtf8(QUrl::toPercentEncoding(username)),
           {}, QStringLiteral("User %1 deleted").arg(username));
}

void UsersModel::change(const QByteArray &method, const QString &path, const QJsonValue &body,
                        const QString &doneMessage)
{
    if (!client())
        return;
    client()->call(method, path, body, this, [this, doneMessage](const api::ApiResponse &r) {
        Q_EMIT actionFinished(r.ok(), r.ok() ? doneMessage : r.error.message);
        if (r.ok())
            refresh();
    });
}

} // namespace aisbf::app
