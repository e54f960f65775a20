// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Principal.h"
#include "UserRoutes.h"

#include <auth/RateLimiter.h>
#include <config/Config.h>
#include <protocol/OpenAiError.h>
#include <store/AuditStore.h>
#include <store/Database.h>
#include <store/TierStore.h>
#include <store/TokenStore.h>
#include <store/UsageWriter.h>
#include <store/UserStore.h>

#include <QHash>

#include <chrono>
#include <memory>

namespace aisbf::control {

/**
 * Users, tokens, tiers, sessions, rate limits and usage: the gateway's control plane over one
 * database (SQLite or MySQL/MariaDB). Lives on the gateway's thread; the usage writer has a
 * thread of its own.
 *
 * Token checks cost a database read only on a cache miss: a token's principal is cached for
 * one second, so a revoked or expired token stops working within a second on this node.
 */
class ControlPlane
{
public:
    /** Opens the database and applies pending migrations; null with @p error when it cannot. */
    static std::unique_ptr<ControlPlane> open(const store::DatabaseConfig &database,
                                              config::ConfigSnapshot config, QString *error);
    ~ControlPlane();

    /** The principal of @p bearer, a token that is not one of auth.tokens. */
    Principal authenticate(const QByteArray &bearer);
    /** Forgets cached principals (after a token is revoked or a user changed). */
    void invalidateCache() { m_cache.clear(); }

    struct Session
    {
        QString token;
        qint64 expiresAt = 0; ///< ms since the epoch
    };
    /**
     * Checks @p username / @p password: a user of the users table, or the bootstrap admin of
     * aisbf.json's "dashboard" (SHA-256 of the password), who gets a users row on first login.
     * nullopt when they do not match (the caller answers 401 without saying which part).
     */
    std::optional<Session> login(const QString &username, const QString &password);

    auth::RateLimiter &rateLimiter() { return m_limiter; }
    /** A config applied without restart (the dashboard login may have changed). */
    void setConfig(config::ConfigSnapshot config) { m_config = std::move(config); }

    store::Database &database() { return *m_db; }
    store::UserStore &users() { return m_users; }
    store::TokenStore &tokens() { return m_tokens; }
    store::TierStore &tiers() { return m_tiers; }
    store::AuditStore &audit() { return m_audit; }
    UserRoutes &userRoutes() { return *m_userRoutes; }
    /**
     * Whose user routes a request may use: @p username of /api/u/{username}/… (a user's token
     * must be that user's: 403 otherwise; admins — the operator's token, admin sessions, admin
     * tokens — may act for anyone; no token may act for nobody), else the token's own user.
     * nullopt with @p error (403/404) when there is none.
     */
    std::optional<qint64> actingUser(const Principal &principal, const QString &username,
                                     protocol::OpenAiError *error);
    store::UsageWriter &usage() { return *m_usage; }
    /** Appends to the audit log; a failure is logged, never fails the change itself. */
    void record(const Principal &actor, const QString &action, const QString &target,
                const QString &detail = {});

private:
    ControlPlane(std::unique_ptr<store::Database> db, config::ConfigSnapshot config);
    std::optional<Principal> sessionPrincipal(const QString &tokenHash, qint64 nowMs);
    std::optional<Principal> tokenPrincipal(const QString &tokenHash, qint64 nowMs);
    std::optional<qint64> bootstrapAdmin(const QString &username);
    auth::RateLimits tierLimits(std::optional<qint64> tierId);
    /** Day and month request counts per user from usage_rollups, so a restart does not hand
     *  everyone a fresh daily quota. */
    void restoreRateCounts();

    struct Cached
    {
        Principal principal;
        std::chrono::steady_clock::time_point until;
    };

    std::unique_ptr<store::Database> m_db;
    config::ConfigSnapshot m_config;
    store::UserStore m_users;
    store::TokenStore m_tokens;
    store::TierStore m_tiers;
    store::AuditStore m_audit;
    std::unique_ptr<store::UsageWriter> m_usage;
    std::unique_ptr<UserRoutes> m_userRoutes;
    auth::RateLimiter m_limiter;
    QHash<QString, Cached> m_cache; ///< by token hash
};

} // namespace aisbf::control
