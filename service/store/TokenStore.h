// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Records.h"
#include "Result.h"

#include <QList>

namespace aisbf::store {

class Database;

/**
 * The api_tokens table. A token's secret is never stored nor seen here: the auth layer
 * (auth::ApiToken) makes the token and gives this store its SHA-256 hex and last 4 characters;
 * a bearer token is then looked up by the hash of what the client sent.
 */
class TokenStore
{
public:
    explicit TokenStore(Database &db) : m_db(db) {}

    /**
     * Inserts a token; createdAt is now. A tokenHash that is not 64 hex digits is refused (a
     * Constraint error), so a plain secret can never land in the table by mistake.
     */
    Result<ApiToken> create(const NewToken &token);

    Result<ApiToken> findByHash(const QString &tokenHash);
    Result<ApiToken> get(qint64 id);
    /** The tokens of @p userId, by id (revoked and expired included). */
    Result<QList<ApiToken>> listByUser(qint64 userId);

    /** Marks the token revoked now; revoking it again keeps the first time. */
    Status revoke(qint64 id);
    /** Sets last_used_at to @p whenMs (the auth layer calls it, batched, off the hot path). */
    Status touch(qint64 id, qint64 whenMs);

private:
    Result<ApiToken> one(const QString &where, const QVariant &value, const QString &what);

    Database &m_db;
};

} // namespace aisbf::store
