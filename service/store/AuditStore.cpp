// SPDX-License-Identifier: GPL-3.0-or-later
#include "AuditStore.h"

#include "Database.h"
#include "StoreSupport.h"

#include <QSqlQuery>

namespace aisbf::store {

using namespace detail;

Result<AuditEntry> AuditStore::append(const AuditEntry &entry)
{
    AuditEntry stored = entry;
    stored.ts = entry.ts != 0 ? entry.ts : m_db.nowMs();
    auto id = m_db.insert(
        QStringLiteral("INSERT INTO audit_log (ts, actor, action, target, "
                       "detail) VALUES (?, ?, ?, ?, ?)"),
        {stored.ts, text(stored.actor), text(stored.action), text(stored.target), stored.detail});
    if (!id)
        return context(QLatin1String("appending ") % quoted(entry.action) %
                           QLatin1String(" to the audit log"),
                       id.error());
    stored.id = *id;
    return stored;
}

Result<QList<AuditEntry>> AuditStore::list(int limit, std::optional<qint64> beforeId)
{
    // Ordered by id, not ts: ids follow insertion order even when two entries share a ms.
    const QString sql = QLatin1String("SELECT id, ts, actor, action, target, detail "
                                      "FROM audit_log") %
                        (beforeId ? QLatin1String(" WHERE id < ?") : QLatin1String("")) %
                        QLatin1String(" ORDER BY id DESC LIMIT ?");
    QVariantList values;
    if (beforeId)
        values.append(*beforeId);
    values.append(qMax(limit, 0));
    auto q = m_db.query(sql, values);
    if (!q)
        return context(QStringLiteral("reading the audit log"), q.error());
    QList<AuditEntry> entries;
    while (q->next())
        entries.append({q->value(0).toLongLong(), q->value(1).toLongLong(), q->value(2).toString(),
                        q->value(3).toString(), q->value(4).toString(), q->value(5).toString()});
    return entries;
}

} // namespace aisbf::store
