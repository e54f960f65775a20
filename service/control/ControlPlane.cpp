// SPDX-License-Identifier: GPL-3.0-or-later
#include "ControlPlane.h"

#include <auth/ApiToken.h>
#include <auth/PasswordHash.h>
#include <auth/SecretKeyFile.h>

#include <QDateTime>
#include <QLoggingCategory>
#include <QSqlQuery>
#include <QVariant>

Q_LOGGING_CATEGORY(lcControl, "aisbf.control")

namespace aisbf::control {

namespace {

using namespace std::chrono_literals;

constexpr auto kCacheFor = 1s;               // revocation takes effect within this
constexpr qint64 kSessionMs = 12 * 3600'000; // an admin login lasts 12 hours

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

QString Principal::actor() const
{
    switch (kind) {
    case Kind::GlobalToken:
        return QStringLiteral("global-token");
    case Kind::AdminSession:
        return username;
    case Kind::UserToken:
        return username + QStringLiteral(" (token ") + QString::number(tokenId.value_or(0)) + u')';
    case Kind::None:
        break;
    }
    return QStringLiteral("anonymous");
}

std::unique_ptr<ControlPlane> ControlPlane::open(const store::DatabaseConfig &database,
                                                 config::ConfigSnapshot config, QString *error)
{
    auto db = std::make_unique<store::Database>(database);
    const store::Result<int> applied = db->open();
    if (!applied) {
        *error = QStringLiteral("database ") + database.describe() + QStringLiteral(": ") +
                 applied.error().toString();
        return nullptr;
    }
    if (*applied > 0)
        qCInfo(lcControl, "database %s: %d migration(s) applied",
               qUtf8Printable(database.describe()), *applied);
    auto plane = std::unique_ptr<ControlPlane>(new ControlPlane(std::move(db), std::move(config)));
    plane->restoreRateCounts();
    return plane;
}

void ControlPlane::restoreRateCounts()
{
    // The first start on schema 4 converts the old usage_events rows to rollups first.
    if (!m_usage->flush())
        qCWarning(lcControl) << "rate limits: usage from before schema 4 is still being converted;"
                                " counts may start low";
    const auth::TimePoint now = m_limiter.now();
    const QDateTime utcNow =
        QDateTime::fromMSecsSinceEpoch(now.time_since_epoch().count(), Qt::UTC);
    const qint64 dayStart = QDateTime(utcNow.date(), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
    const qint64 monthStart =
        QDateTime(QDate(utcNow.date().year(), utcNow.date().month(), 1), QTime(0, 0), Qt::UTC)
            .toMSecsSinceEpoch();
    // 429s were refused before the limiter counted them; everything else was counted. Days and
    // months start on a minute, so the per-minute rollups count them exactly.
    auto q = m_db->query(
        QStringLiteral("SELECT user_id, "
                       "SUM(CASE WHEN minute >= ? THEN requests - status_429 ELSE 0 END), "
                       "SUM(requests - status_429) "
                       "FROM usage_rollups WHERE minute >= ? AND user_id IS NOT NULL "
                       "GROUP BY user_id"),
        {dayStart, monthStart});
    if (!q) {
        qCWarning(lcControl) << "rate limits start from zero: reading usage failed:"
                             << q.error().toString();
        return;
    }
    int users = 0;
    while (q->next()) {
        // MySQL hands SUM() over as a DECIMAL string: toLongLong() reads it.
        m_limiter.restoreUsage(QStringLiteral("user:") + q->value(0).toString(),
                               q->value(1).toLongLong(), q->value(2).toLongLong(), now);
        ++users;
    }
    if (users > 0)
        qCInfo(lcControl, "rate limits: day/month counts of %d user(s) restored from usage", users);
}

ControlPlane::ControlPlane(std::unique_ptr<store::Database> db, config::ConfigSnapshot config)
    : m_db(std::move(db)), m_config(std::move(config)), m_users(*m_db), m_tokens(*m_db),
      m_tiers(*m_db), m_audit(*m_db), m_usage(std::make_unique<store::UsageWriter>(*m_db)),
      m_userRoutes(std::make_unique<UserRoutes>(
          store::UserRouteStore(*m_db),
          m_config->directory.isEmpty() ? QString()
                                        : auth::SecretKeyFile::defaultPath(m_config->directory)))
{}

ControlPlane::~ControlPlane()
{
    m_usage->stop(); // everything queued is written before the database closes
}

Principal ControlPlane::authenticate(const QByteArray &bearer)
{
    if (bearer.isEmpty())
        return {};
    const QString hash = auth::ApiToken::storageHash(QString::fromUtf8(bearer));
    const auto now = std::chrono::steady_clock::now();
    if (const auto cached = m_cache.constFind(hash);
        cached != m_cache.cend() && cached->until > now)
        return cached->principal;
    const qint64 ms = nowMs();
    std::optional<Principal> found = tokenPrincipal(hash, ms);
    if (!found)
        found = sessionPrincipal(hash, ms);
    // Unknown tokens are cached too: a client hammering with a bad token costs one read a second.
    if (m_cache.size() > 100'000)
        m_cache.clear();
    m_cache.insert(hash, {found.value_or(Principal{}), now + kCacheFor});
    return found.value_or(Principal{});
}

std::optional<Principal> ControlPlane::tokenPrincipal(const QString &tokenHash, qint64 nowMs)
{
    const store::Result<store::ApiToken> token = m_tokens.findByHash(tokenHash);
    if (!token || !token->isUsable(nowMs))
        return std::nullopt;
    const store::Result<store::User> user = m_users.get(token->userId);
    if (!user || user->disabled)
        return std::nullopt;
    Principal principal;
    principal.kind = Principal::Kind::UserToken;
    principal.userId = user->id;
    principal.username = user->username;
    principal.tokenId = token->id;
    const bool adminScope = token->scope == store::TokenScope::Admin;
    principal.isAdmin = adminScope && user->role == store::UserRole::Admin;
    principal.mayChat = !adminScope;
    principal.limits = tierLimits(user->tierId);
    principal.tokenRequestsPerMinute = token->requestsPerMinute;
    m_tokens.touch(token->id, nowMs).ok(); // best effort: "last used" is informational
    return principal;
}

std::optional<Principal> ControlPlane::sessionPrincipal(const QString &tokenHash, qint64 nowMs)
{
    store::Result<QSqlQuery> query =
        m_db->query(QStringLiteral("SELECT user_id FROM admin_sessions WHERE token_hash = ? AND "
                                   "expires_at > ?"),
                    {tokenHash, nowMs});
    if (!query || !query->next())
        return std::nullopt;
    const store::Result<store::User> user = m_users.get(query->value(0).toLongLong());
    if (!user || user->disabled || user->role != store::UserRole::Admin)
        return std::nullopt;
    Principal principal;
    principal.kind = Principal::Kind::AdminSession;
    principal.userId = user->id;
    principal.username = user->username;
    principal.isAdmin = true;
    principal.mayChat = true;
    return principal;
}

auth::RateLimits ControlPlane::tierLimits(std::optional<qint64> tierId)
{
    auth::RateLimits limits;
    if (!tierId)
        return limits;
    const store::Result<store::Tier> tier = m_tiers.get(*tierId);
    if (!tier)
        return limits;
    limits.requestsPerMinute = tier->requestsPerMinute.value_or(0);
    limits.requestsPerDay = tier->requestsPerDay.value_or(0);
    limits.requestsPerMonth = tier->requestsPerMonth.value_or(0);
    limits.tokensPerMinute = tier->tokensPerMinute.value_or(0);
    return limits;
}

std::optional<qint64> ControlPlane::bootstrapAdmin(const QString &username)
{
    if (const store::Result<store::User> existing = m_users.findByUsername(username))
        return existing->role == store::UserRole::Admin && !existing->disabled
                   ? std::optional<qint64>(existing->id)
                   : std::nullopt;
    store::User admin;
    admin.username = username;
    admin.role = store::UserRole::Admin;
    // No usable password hash: this user logs in through the dashboard entry of aisbf.json.
    admin.passwordHash = QStringLiteral("dashboard");
    const store::Result<store::User> created = m_users.create(admin);
    if (!created)
        return std::nullopt;
    record({}, QStringLiteral("user.bootstrap"), QStringLiteral("user:") + username,
           QStringLiteral("the dashboard admin of aisbf.json logged in for the first time"));
    return created->id;
}

std::optional<ControlPlane::Session> ControlPlane::login(const QString &username,
                                                         const QString &password)
{
    std::optional<qint64> userId;
    const QJsonObject dashboard =
        m_config->serverDocument.value(QLatin1String("dashboard")).toObject();
    const QString dashboardUser = dashboard.value(QLatin1String("username")).toString();
    const QString dashboardHash = dashboard.value(QLatin1String("password")).toString();
    if (!dashboardUser.isEmpty() && username == dashboardUser &&
        auth::verifyDashboardSha256(password, dashboardHash)) {
        userId = bootstrapAdmin(username);
    } else if (const store::Result<store::User> user = m_users.findByUsername(username);
               user && !user->disabled && user->role == store::UserRole::Admin &&
               auth::PasswordHash::verify(password, user->passwordHash)) {
        userId = user->id;
    }
    if (!userId)
        return std::nullopt;
    const auth::Result<QString> token = auth::ApiToken::generate();
    if (!token.ok())
        return std::nullopt;
    Session session{token.value(), nowMs() + kSessionMs};
    const store::Result<qint64> stored = m_db->exec(
        QStringLiteral(
            "INSERT INTO admin_sessions (token_hash, user_id, expires_at) VALUES (?, ?, ?)"),
        {auth::ApiToken::storageHash(session.token), *userId, session.expiresAt});
    if (!stored) {
        qCWarning(lcControl, "cannot store an admin session: %s",
                  qUtf8Printable(stored.error().toString()));
        return std::nullopt;
    }
    // Expired sessions go when someone logs in; nothing else needs them gone sooner.
    m_db->exec(QStringLiteral("DELETE FROM admin_sessions WHERE expires_at <= ?"), {nowMs()}).ok();
    return session;
}

void ControlPlane::record(const Principal &actor, const QString &action, const QString &target,
                          const QString &detail)
{
    store::AuditEntry entry;
    entry.actor = actor.actor();
    entry.action = action;
    entry.target = target;
    entry.detail = detail;
    if (const store::Result<store::AuditEntry> written = m_audit.append(entry); !written)
        qCWarning(lcControl, "audit log: %s", qUtf8Printable(written.error().toString()));
}

std::optional<qint64> ControlPlane::actingUser(const Principal &principal, const QString &username,
                                               protocol::OpenAiError *error)
{
    if (username.isEmpty()) {
        if (!principal.userId)
            *error = {403,
                      QStringLiteral("user routes need a user's token (or /api/u/{username}/… "
                                     "with an admin token)"),
                      {},
                      QByteArrayLiteral("forbidden"),
                      {}};
        return principal.userId;
    }
    // Admins (the operator's token, an admin session, an admin user's admin-scope token) may
    // act for anyone; a user's token only for its user; nobody else for anyone, not even with
    // auth off (that would hand out users' own API keys to anonymous callers).
    if (!principal.isAdmin) {
        if (principal.kind == Principal::Kind::UserToken && principal.username == username)
            return principal.userId;
        *error = {403,
                  principal.kind == Principal::Kind::UserToken
                      ? QStringLiteral("this token belongs to another user; use "
                                       "/api/u/<your username>/… or /api/user/…")
                      : QStringLiteral("a user's routes need that user's token (or an admin "
                                       "token)"),
                  {},
                  QByteArrayLiteral("forbidden"),
                  {}};
        return std::nullopt;
    }
    const store::Result<store::User> user = m_users.findByUsername(username);
    if (!user) {
        *error = {404,
                  QStringLiteral("no user named ") + username,
                  {},
                  QByteArrayLiteral("user_not_found"),
                  {}};
        return std::nullopt;
    }
    return user.value().id;
}

} // namespace aisbf::control
