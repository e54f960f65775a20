// SPDX-License-Identifier: GPL-3.0-or-later
#include "TokenStore.h"

#include "Database.h"
#include "StoreSupport.h"

#include <QRegularExpression>
#include <QSqlQuery>

namespace aisbf::store {

using namespace detail;

namespace {

const QLatin1String kColumns("id, user_id, name, token_hash, last4, scope, expires_at, "
                             "revoked_at, created_at, last_used_at, requests_per_minute");

ApiToken fromRow(const QSqlQuery &q)
{
    ApiToken t;
    t.id = q.value(0).toLongLong();
    t.userId = q.value(1).toLongLong();
    t.name = q.value(2).toString();
    t.tokenHash = q.value(3).toString();
    t.last4 = q.value(4).toString();
    t.scope = tokenScopeFromString(q.value(5).toString()).value_or(TokenScope::Api);
    t.expiresAt = optionalInt(q.value(6));
    t.revokedAt = optionalInt(q.value(7));
    t.createdAt = q.value(8).toLongLong();
    t.lastUsedAt = optionalInt(q.value(9));
    t.requestsPerMinute = optionalInt(q.value(10));
    return t;
}

} // namespace

QString toString(TokenScope scope)
{
    return scope == TokenScope::Admin ? QStringLiteral("admin") : QStringLiteral("api");
}

std::optional<TokenScope> tokenScopeFromString(const QString &text)
{
    if (text == QLatin1String("api"))
        return TokenScope::Api;
    if (text == QLatin1String("admin"))
        return TokenScope::Admin;
    return std::nullopt;
}

Result<ApiToken> TokenStore::create(const NewToken &token)
{
    static const QRegularExpression sha256Hex(QStringLiteral("^[0-9a-f]{64}$"));
    if (!sha256Hex.match(token.tokenHash).hasMatch())
        return StoreError{StoreError::Kind::Constraint,
                          QStringLiteral("creating a token: tokenHash must be the lower-case "
                                         "SHA-256 hex of the token, not the token itself"),
                          {}};
    ApiToken t;
    t.userId = token.userId;
    t.name = token.name;
    t.tokenHash = token.tokenHash;
    t.last4 = token.last4.right(4);
    t.scope = token.scope;
    t.expiresAt = token.expiresAt;
    t.createdAt = m_db.nowMs();
    t.requestsPerMinute = token.requestsPerMinute;
    auto id =
        m_db.insert(QStringLiteral("INSERT INTO api_tokens (user_id, name, token_hash, "
                                   "last4, scope, expires_at, created_at, "
                                   "requests_per_minute) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                    {t.userId, text(t.name), t.tokenHash, text(t.last4), toString(t.scope),
                     nullableInt(t.expiresAt), t.createdAt, nullableInt(t.requestsPerMinute)});
    if (!id) {
        StoreError e = context(QLatin1String("creating token ") % quoted(token.name) %
                                   QStringLiteral(" for user %1").arg(token.userId),
                               id.error());
        if (e.kind == StoreError::Kind::Constraint)
            e.message += QStringLiteral(" (does user %1 exist?)").arg(token.userId);
        return conflictAs(QStringLiteral("a token with this hash exists already"), e);
    }
    t.id = *id;
    return t;
}

Result<ApiToken> TokenStore::one(const QString &where, const QVariant &value, const QString &what)
{
    auto q = m_db.query(QLatin1String("SELECT ") % kColumns %
                            QLatin1String(" FROM api_tokens WHERE ") % where,
                        {value});
    if (!q)
        return context(QLatin1String("reading ") % what, q.error());
    if (!q->next())
        return notFound(QLatin1String("no ") % what);
    return fromRow(*q);
}

Result<ApiToken> TokenStore::findByHash(const QString &tokenHash)
{
    // The hash is not echoed: it identifies a credential.
    return one(QStringLiteral("token_hash = ?"), tokenHash, QStringLiteral("token with this hash"));
}

Result<ApiToken> TokenStore::get(qint64 id)
{
    return one(QStringLiteral("id = ?"), id, QStringLiteral("token with id %1").arg(id));
}

Result<QList<ApiToken>> TokenStore::listByUser(qint64 userId)
{
    auto q = m_db.query(QLatin1String("SELECT ") % kColumns %
                            QLatin1String(" FROM api_tokens WHERE user_id = ? ORDER BY id"),
                        {userId});
    if (!q)
        return context(QStringLiteral("listing the tokens of user %1").arg(userId), q.error());
    QList<ApiToken> tokens;
    while (q->next())
        tokens.append(fromRow(*q));
    return tokens;
}

Status TokenStore::revoke(qint64 id)
{
    auto changed = m_db.exec(QStringLiteral("UPDATE api_tokens SET revoked_at = "
                                            "COALESCE(revoked_at, ?) WHERE id = ?"),
                             {m_db.nowMs(), id});
    if (!changed)
        return context(QStringLiteral("revoking token %1").arg(id), changed.error());
    if (*changed == 0)
        return notFound(QStringLiteral("no token with id %1").arg(id));
    return {};
}

Status TokenStore::touch(qint64 id, qint64 whenMs)
{
    auto changed = m_db.exec(QStringLiteral("UPDATE api_tokens SET last_used_at = ? WHERE id = ?"),
                             {whenMs, id});
    if (!changed)
        return context(QStringLiteral("updating token %1").arg(id), changed.error());
    if (*changed == 0)
        return notFound(QStringLiteral("no token with id %1").arg(id));
    return {};
}

} // namespace aisbf::store
