// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Records.h"
#include "Result.h"

#include <QList>

#include <optional>

namespace aisbf::store {

class Database;

/** The audit_log table: who changed what, append-only. */
class AuditStore
{
public:
    explicit AuditStore(Database &db) : m_db(db) {}

    /** Appends @p entry (its id is ignored; ts 0 means now); returns it as stored. */
    Result<AuditEntry> append(const AuditEntry &entry);
    /** Up to @p limit entries, newest first; with @p beforeId, those older than that entry. */
    Result<QList<AuditEntry>> list(int limit = 100, std::optional<qint64> beforeId = {});

private:
    Database &m_db;
};

} // namespace aisbf::store
