// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Records.h"
#include "Result.h"

#include <QList>

namespace aisbf::store {

class Database;

/** The tiers table. Deleting a tier leaves its users without one (tier_id set to NULL). */
class TierStore
{
public:
    explicit TierStore(Database &db) : m_db(db) {}

    /** Inserts @p tier (its id is ignored); returns it as stored. */
    Result<Tier> create(const Tier &tier);
    Result<Tier> get(qint64 id);
    Result<Tier> findByName(const QString &name);
    /** All tiers, by id. */
    Result<QList<Tier>> list();
    /** Writes every field of @p tier but id to the row with its id. */
    Status update(const Tier &tier);
    Status remove(qint64 id);

private:
    Result<Tier> one(const QString &where, const QVariant &value, const QString &what);

    Database &m_db;
};

} // namespace aisbf::store
