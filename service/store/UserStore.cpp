// SPDX-License-Identifier: GPL-3.0-or-later
#include "UserStore.h"

#include "Database.h"
#include "StoreSupport.h"

#include <QSqlQuery>

namespace aisbf::store {

using namespace detail;

namespace {

const QLatin1String kColumns("id, username, role, password_hash, tier_id, disabled, created_at");

User fromRow(const QSqlQuery &q)
{
    User u;
    u.id = q.value(0).toLongLong();
    u.username = q.value(1).toString();
    u.role = userRoleFromString(q.value(2).toString()).value_or(UserRole::User);
    u.passwordHash = q.value(3).toString();
    u.tierId = optionalInt(q.value(4));
    u.disabled = q.value(5).toInt() != 0;
    u.createdAt = q.value(6).toLongLong();
    return u;
}

QString taken(const QString &username)
{
    return QLatin1String("username ") % quoted(username) %
           QLatin1String(" is taken; choose another");
}

} // namespace

QString toString(UserRole role)
{
    return role == UserRole::Admin ? QStringLiteral("admin") : QStringLiteral("user");
}

std::optional<UserRole> userRoleFromString(const QString &text)
{
    if (text == QLatin1String("admin"))
        return UserRole::Admin;
    if (text == QLatin1String("user"))
        return UserRole::User;
    return std::nullopt;
}

Result<User> UserStore::create(const User &user)
{
    User stored = user;
    stored.createdAt = user.createdAt != 0 ? user.createdAt : m_db.nowMs();
    auto id =
        m_db.insert(QStringLiteral("INSERT INTO users (username, role, password_hash, "
                                   "tier_id, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?)"),
                    {stored.username, toString(stored.role), text(stored.passwordHash),
                     nullableInt(stored.tierId), stored.disabled ? 1 : 0, stored.createdAt});
    if (!id)
        return conflictAs(
            taken(user.username),
            context(QLatin1String("creating user ") % quoted(user.username), id.error()));
    stored.id = *id;
    return stored;
}

Result<User> UserStore::one(const QString &where, const QVariant &value, const QString &what)
{
    auto q = m_db.query(
        QLatin1String("SELECT ") % kColumns % QLatin1String(" FROM users WHERE ") % where, {value});
    if (!q)
        return context(QLatin1String("reading ") % what, q.error());
    if (!q->next())
        return notFound(QLatin1String("no ") % what);
    return fromRow(*q);
}

Result<User> UserStore::get(qint64 id)
{
    return one(QStringLiteral("id = ?"), id, QStringLiteral("user with id %1").arg(id));
}

Result<User> UserStore::findByUsername(const QString &username)
{
    return one(QStringLiteral("username = ?"), username,
               QLatin1String("user named ") % quoted(username));
}

Result<QList<User>> UserStore::list()
{
    auto q =
        m_db.query(QLatin1String("SELECT ") % kColumns % QLatin1String(" FROM users ORDER BY id"));
    if (!q)
        return context(QStringLiteral("listing users"), q.error());
    QList<User> users;
    while (q->next())
        users.append(fromRow(*q));
    return users;
}

Status UserStore::update(const User &user)
{
    auto changed = m_db.exec(QStringLiteral("UPDATE users SET username = ?, role = ?, "
                                            "password_hash = ?, tier_id = ?, disabled = ? "
                                            "WHERE id = ?"),
                             {user.username, toString(user.role), text(user.passwordHash),
                              nullableInt(user.tierId), user.disabled ? 1 : 0, user.id});
    if (!changed)
        return conflictAs(
            taken(user.username),
            context(QStringLiteral("updating user %1").arg(user.id), changed.error()));
    if (*changed == 0)
        return notFound(QStringLiteral("no user with id %1").arg(user.id));
    return {};
}

Status UserStore::remove(qint64 id)
{
    auto removed = m_db.exec(QStringLiteral("DELETE FROM users WHERE id = ?"), {id});
    if (!removed)
        return context(QStringLiteral("deleting user %1").arg(id), removed.error());
    if (*removed == 0)
        return notFound(QStringLiteral("no user with id %1").arg(id));
    return {};
}

} // namespace aisbf::store
