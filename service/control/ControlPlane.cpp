// SPDX-License-Identifier: GPL-3.0-or-later
#include "ControlPlane.h"

#include <auth/ApiToken.h>
#include <auth/PasswordHash.h>

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
    return std::unique_ptr<ControlPlane>(new ControlPlane(std::move(db), std::move(config)));
}

ControlPlane::ControlPlane(std::unique_ptr<store::Database> db, config::ConfigSnapshot config)
    : m_db(std::move(db)), m_config(std::move(config)), m_users(*m_db), m_tokens(*m_db),
      m_tiers(*m_db), m_audit(*m_db), m_usage(std::make_unique<store::UsageWriter>(*m_db))
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

} // namespace aisbf::control
