// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <optional>

// The rows of the control-plane tables as plain values. Timestamps are ms since the epoch;
// an empty optional limit means "unlimited".
namespace aisbf::store {

enum class UserRole
{
    Admin,
    User
};

/** "admin" / "user", as stored. */
QString toString(UserRole role);
std::optional<UserRole> userRoleFromString(const QString &text);

struct User
{
    qint64 id = 0;
    QString username;
    UserRole role = UserRole::User;
    QString passwordHash; ///< as produced by the auth layer; never the password itself
    std::optional<qint64> tierId;
    bool disabled = false;
    qint64 createdAt = 0;
};

/** Limits a user gets through their tier. */
struct Tier
{
    qint64 id = 0;
    QString name;
    std::optional<qint64> requestsPerMinute;
    std::optional<qint64> requestsPerDay;
    std::optional<qint64> requestsPerMonth;
    std::optional<qint64> tokensPerMinute;
    std::optional<qint64> maxRoutes;
};

enum class TokenScope
{
    Api,  ///< chat and model listing, on the user's routes
    Admin ///< the admin API
};

/** "api" / "admin", as stored. */
QString toString(TokenScope scope);
std::optional<TokenScope> tokenScopeFromString(const QString &text);

/** An API token. The secret is not stored: only its SHA-256 (hex) and its last 4 characters. */
struct ApiToken
{
    qint64 id = 0;
    qint64 userId = 0;
    QString name;
    QString tokenHash;
    QString last4;
    TokenScope scope = TokenScope::Api;
    std::optional<qint64> expiresAt;
    std::optional<qint64> revokedAt;
    qint64 createdAt = 0;
    std::optional<qint64> lastUsedAt;
    std::optional<qint64> requestsPerMinute; ///< this token's own limit, under the tier's

    /** Neither revoked nor expired at @p nowMs. */
    bool isUsable(qint64 nowMs) const { return !revokedAt && (!expiresAt || *expiresAt > nowMs); }
};

/** What is needed to create a token (id and createdAt are stamped). */
struct NewToken
{
    qint64 userId = 0;
    QString name;
    QString tokenHash; ///< lower-case SHA-256 hex of the token (auth::ApiToken::storageHash)
    QString last4;     ///< its last 4 characters, for display
    TokenScope scope = TokenScope::Api;
    std::optional<qint64> expiresAt;
    std::optional<qint64> requestsPerMinute;
};

struct AuditEntry
{
    qint64 id = 0;
    qint64 ts = 0;
    QString actor;  ///< who: a username, "token:<id>", "config-file"
    QString action; ///< what: "user.create", "token.revoke", "config.save"
    QString target; ///< on what: "user:12", "rotations.json"
    QString detail; ///< free text or JSON; never a secret
};

} // namespace aisbf::store
