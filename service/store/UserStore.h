// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Records.h"
#include "Result.h"

#include <QList>

namespace aisbf::store {

class Database;

/** The users table. Deleting a user deletes their tokens, sessions and routes (FK cascade). */
class UserStore
{
public:
    explicit UserStore(Database &db) : m_db(db) {}

    /** Inserts @p user (its id is ignored; createdAt 0 means now); returns it as stored. */
    Result<User> create(const User &user);
    Result<User> get(qint64 id);
    Result<User> findByUsername(const QString &username);
    /** All users, by id. */
    Result<QList<User>> list();
    /** Writes every field of @p user but id and createdAt to the row with its id. */
    Status update(const User &user);
    Status remove(qint64 id);

private:
    Result<User> one(const QString &where, const QVariant &value, const QString &what);

    Database &m_db;
};

} // namespace aisbf::store
