// SPDX-License-Identifier: GPL-3.0-or-later
#include "TierStore.h"

#include "Database.h"
#include "StoreSupport.h"

#include <QSqlQuery>

namespace aisbf::store {

using namespace detail;

namespace {

const QLatin1String kColumns("id, name, requests_per_minute, requests_per_day, "
                             "requests_per_month, tokens_per_minute, max_routes");

Tier fromRow(const QSqlQuery &q)
{
    Tier t;
    t.id = q.value(0).toLongLong();
    t.name = q.value(1).toString();
    t.requestsPerMinute = optionalInt(q.value(2));
    t.requestsPerDay = optionalInt(q.value(3));
    t.requestsPerMonth = optionalInt(q.value(4));
    t.tokensPerMinute = optionalInt(q.value(5));
    t.maxRoutes = optionalInt(q.value(6));
    return t;
}

QVariantList limits(const Tier &t)
{
    return {nullableInt(t.requestsPerMinute), nullableInt(t.requestsPerDay),
            nullableInt(t.requestsPerMonth), nullableInt(t.tokensPerMinute),
            nullableInt(t.maxRoutes)};
}

QString taken(const QString &name)
{
    return QLatin1String("tier name ") % quoted(name) % QLatin1String(" is taken; choose another");
}

} // namespace

Result<Tier> TierStore::create(const Tier &tier)
{
    auto id = m_db.insert(QStringLiteral("INSERT INTO tiers (name, requests_per_minute, "
                                         "requests_per_day, requests_per_month, "
                                         "tokens_per_minute, max_routes) "
                                         "VALUES (?, ?, ?, ?, ?, ?)"),
                          QVariantList{tier.name} + limits(tier));
    if (!id)
        return conflictAs(taken(tier.name),
                          context(QLatin1String("creating tier ") % quoted(tier.name), id.error()));
    Tier stored = tier;
    stored.id = *id;
    return stored;
}

Result<Tier> TierStore::one(const QString &where, const QVariant &value, const QString &what)
{
    auto q = m_db.query(
        QLatin1String("SELECT ") % kColumns % QLatin1String(" FROM tiers WHERE ") % where, {value});
    if (!q)
        return context(QLatin1String("reading ") % what, q.error());
    if (!q->next())
        return notFound(QLatin1String("no ") % what);
    return fromRow(*q);
}

Result<Tier> TierStore::get(qint64 id)
{
    return one(QStringLiteral("id = ?"), id, QStringLiteral("tier with id %1").arg(id));
}

Result<Tier> TierStore::findByName(const QString &name)
{
    return one(QStringLiteral("name = ?"), name, QLatin1String("tier named ") % quoted(name));
}

Result<QList<Tier>> TierStore::list()
{
    auto q =
        m_db.query(QLatin1String("SELECT ") % kColumns % QLatin1String(" FROM tiers ORDER BY id"));
    if (!q)
        return context(QStringLiteral("listing tiers"), q.error());
    QList<Tier> tiers;
    while (q->next())
        tiers.append(fromRow(*q));
    return tiers;
}

Status TierStore::update(const Tier &tier)
{
    auto changed = m_db.exec(QStringLiteral("UPDATE tiers SET name = ?, requests_per_minute = ?, "
                                            "requests_per_day = ?, requests_per_month = ?, "
                                            "tokens_per_minute = ?, max_routes = ? WHERE id = ?"),
                             QVariantList{tier.name} + limits(tier) + QVariantList{tier.id});
    if (!changed)
        return conflictAs(taken(tier.name), context(QStringLiteral("updating tier %1").arg(tier.id),
                                                    changed.error()));
    if (*changed == 0)
        return notFound(QStringLiteral("no tier with id %1").arg(tier.id));
    return {};
}

Status TierStore::remove(qint64 id)
{
    auto removed = m_db.exec(QStringLiteral("DELETE FROM tiers WHERE id = ?"), {id});
    if (!removed)
        return context(QStringLiteral("deleting tier %1").arg(id), removed.error());
    if (*removed == 0)
        return notFound(QStringLiteral("no tier with id %1").arg(id));
    return {};
}

} // namespace aisbf::store
