// SPDX-License-Identifier: GPL-3.0-or-later
#include "AdminController.h"

#include "Request.h"

#include "../Gateway.h"
#include "control/ControlPlane.h"

#include <auth/ApiToken.h>
#include <auth/PasswordHash.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

namespace aisbf::http {

namespace {

protocol::OpenAiError badRequest(const QString &message, const QString &param = {})
{
    return {400, message, {}, QByteArrayLiteral("invalid_request"), param};
}

protocol::OpenAiError fromStore(const store::StoreError &error)
{
    using Kind = store::StoreError::Kind;
    switch (error.kind) {
    case Kind::NotFound:
        return {404, error.message, {}, QByteArrayLiteral("not_found"), {}};
    case Kind::Conflict:
        return {409, error.message, {}, QByteArrayLiteral("conflict"), {}};
    case Kind::Constraint:
        return {422, error.message, {}, QByteArrayLiteral("constraint"), {}};
    default:
        return {500, error.toString(), {}, QByteArrayLiteral("store_error"), {}};
    }
}

QJsonValue timeOrNull(std::optional<qint64> ms)
{
    if (!ms)
        return QJsonValue::Null;
    return QDateTime::fromMSecsSinceEpoch(*ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QJsonValue numberOrNull(std::optional<qint64> value)
{
    return value ? QJsonValue(double(*value)) : QJsonValue(QJsonValue::Null);
}

QJsonObject userJson(const store::User &user)
{
    return {{QStringLiteral("id"), double(user.id)},
            {QStringLiteral("username"), user.username},
            {QStringLiteral("role"), store::toString(user.role)},
            {QStringLiteral("tier_id"), numberOrNull(user.tierId)},
            {QStringLiteral("disabled"), user.disabled},
            {QStringLiteral("created_at"), timeOrNull(user.createdAt)}};
}

QJsonObject tierJson(const store::Tier &tier)
{
    return {{QStringLiteral("id"), double(tier.id)},
            {QStringLiteral("name"), tier.name},
            {QStringLiteral("requests_per_minute"), numberOrNull(tier.requestsPerMinute)},
            {QStringLiteral("requests_per_day"), numberOrNull(tier.requestsPerDay)},
            {QStringLiteral("requests_per_month"), numberOrNull(tier.requestsPerMonth)},
            {QStringLiteral("tokens_per_minute"), numberOrNull(tier.tokensPerMinute)},
            {QStringLiteral("max_routes"), numberOrNull(tier.maxRoutes)}};
}

QJsonObject tokenJson(const store::ApiToken &token)
{
    return {{QStringLiteral("id"), double(token.id)},
            {QStringLiteral("name"), token.name},
            {QStringLiteral("scope"), store::toString(token.scope)},
            {QStringLiteral("token"), auth::ApiToken::maskFromLast4(token.last4)},
            {QStringLiteral("created_at"), timeOrNull(token.createdAt)},
            {QStringLiteral("expires_at"), timeOrNull(token.expiresAt)},
            {QStringLiteral("revoked_at"), timeOrNull(token.revokedAt)},
            {QStringLiteral("last_used_at"), timeOrNull(token.lastUsedAt)},
            {QStringLiteral("requests_per_minute"), numberOrNull(token.requestsPerMinute)}};
}

void sendObject(ClientResponse &response, int status, const QJsonObject &object)
{
    response.sendJson(status, QJsonDocument(object).toJson(QJsonDocument::Compact));
}

template <typename T, typename ToJson>
void sendList(ClientResponse &response, const QList<T> &items, ToJson toJson)
{
    QJsonArray data;
    for (const T &item : items)
        data.append(toJson(item));
    sendObject(response, 200, {{QStringLiteral("data"), data}});
}

/** The request body as an object, or a 400 sent. */
std::optional<QJsonObject> bodyOf(const Request &request, ClientResponse &response)
{
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(request.body(), &error);
    if (!document.isObject()) {
        response.sendError(badRequest(QStringLiteral("the request body must be a JSON object")));
        return std::nullopt;
    }
    return document.object();
}

/** An optional non-negative integer field; "null" clears it. False (400 sent) when mistyped. */
bool readLimit(const QJsonObject &body, const char *key, std::optional<qint64> *into,
               ClientResponse &response)
{
    const QJsonValue value = body.value(QLatin1String(key));
    if (value.isUndefined())
        return true;
    if (value.isNull()) {
        into->reset();
        return true;
    }
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number < 0 || number != double(qint64(number))) {
        response.sendError(badRequest(
            QStringLiteral("'%1' must be a non-negative integer or null").arg(QLatin1String(key)),
            QLatin1String(key)));
        return false;
    }
    *into = qint64(number);
    return true;
}

bool readTierFields(const QJsonObject &body, store::Tier *tier, ClientResponse &response)
{
    if (body.contains(QLatin1String("name"))) {
        tier->name = body.value(QLatin1String("name")).toString().trimmed();
        if (tier->name.isEmpty()) {
            response.sendError(badRequest(QStringLiteral("'name' must be a non-empty string"),
                                          QStringLiteral("name")));
            return false;
        }
    }
    return readLimit(body, "requests_per_minute", &tier->requestsPerMinute, response) &&
           readLimit(body, "requests_per_day", &tier->requestsPerDay, response) &&
           readLimit(body, "requests_per_month", &tier->requestsPerMonth, response) &&
           readLimit(body, "tokens_per_minute", &tier->tokensPerMinute, response) &&
           readLimit(body, "max_routes", &tier->maxRoutes, response);
}

/** "expires_at": an ISO 8601 time or seconds since the epoch. */
std::optional<qint64> readTime(const QJsonValue &value, bool *ok)
{
    *ok = true;
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    if (value.isDouble())
        return qint64(value.toDouble() * 1000);
    const QDateTime time = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    *ok = time.isValid();
    return time.toMSecsSinceEpoch();
}

} // namespace

control::ControlPlane &AdminController::plane()
{
    return *m_gateway.controlPlane(); // the router only calls here when it exists
}

void AdminController::login(const Request &request, ClientResponse &&response)
{
    const std::optional<QJsonObject> body = bodyOf(request, response);
    if (!body)
        return;
    const QString username = body->value(QLatin1String("username")).toString();
    const QString password = body->value(QLatin1String("password")).toString();
    const auto session = plane().login(username, password);
    if (!session) {
        response.sendError({401,
                            QStringLiteral("wrong username or password"),
                            {},
                            QByteArrayLiteral("invalid_credentials"),
                            {}});
        return;
    }
    sendObject(response, 200,
               {{QStringLiteral("token"), session->token},
                {QStringLiteral("expires_at"), timeOrNull(session->expiresAt)}});
}

void AdminController::listUsers(ClientResponse &&response)
{
    const auto users = plane().users().list();
    if (!users)
        return response.sendError(fromStore(users.error()));
    sendList(response, *users, userJson);
}

void AdminController::createUser(const Request &request, ClientResponse &&response)
{
    const std::optional<QJsonObject> body = bodyOf(request, response);
    if (!body)
        return;
    store::User user;
    user.username = body->value(QLatin1String("username")).toString().trimmed();
    const QString password = body->value(QLatin1String("password")).toString();
    if (user.username.isEmpty() || user.username.contains(u'/'))
        return response.sendError(
            badRequest(QStringLiteral("'username' must be a non-empty string without '/'"),
                       QStringLiteral("username")));
    if (password.size() < 8)
        return response.sendError(
            badRequest(QStringLiteral("'password' must have at least 8 characters"),
                       QStringLiteral("password")));
    const QString role = body->value(QLatin1String("role")).toString(QStringLiteral("user"));
    const auto parsedRole = store::userRoleFromString(role);
    if (!parsedRole)
        return response.sendError(badRequest(QStringLiteral("'role' must be \"admin\" or \"user\""),
                                             QStringLiteral("role")));
    user.role = *parsedRole;
    if (!readLimit(*body, "tier_id", &user.tierId, response))
        return;
    const auth::Result<QString> hash = auth::PasswordHash::hash(password);
    if (!hash.ok())
        return response.sendError({500, QStringLiteral("cannot hash the password"), {}, {}, {}});
    user.passwordHash = hash.value();
    const auto created = plane().users().create(user);
    if (!created)
        return response.sendError(fromStore(created.error()));
    plane().record(response.record().principal, QStringLiteral("user.create"),
                   QStringLiteral("user:") + user.username, role);
    sendObject(response, 201, userJson(*created));
}

void AdminController::getUser(const QString &username, ClientResponse &&response)
{
    const auto user = plane().users().findByUsername(username);
    if (!user)
        return response.sendError(fromStore(user.error()));
    sendObject(response, 200, userJson(*user));
}

void AdminController::updateUser(const QString &username, const Request &request,
                                 ClientResponse &&response)
{
    const std::optional<QJsonObject> body = bodyOf(request, response);
    if (!body)
        return;
    auto user = plane().users().findByUsername(username);
    if (!user)
        return response.sendError(fromStore(user.error()));
    QStringList changed;
    if (body->contains(QLatin1String("password"))) {
        const QString password = body->value(QLatin1String("password")).toString();
        if (password.size() < 8)
            return response.sendError(
                badRequest(QStringLiteral("'password' must have at least 8 characters"),
                           QStringLiteral("password")));
        const auth::Result<QString> hash = auth::PasswordHash::hash(password);
        if (!hash.ok())
            return response.sendError(
                {500, QStringLiteral("cannot hash the password"), {}, {}, {}});
        user->passwordHash = hash.value();
        changed.append(QStringLiteral("password"));
    }
    if (body->contains(QLatin1String("role"))) {
        const auto role = store::userRoleFromString(body->value(QLatin1String("role")).toString());
        if (!role)
            return response.sendError(badRequest(
                QStringLiteral("'role' must be \"admin\" or \"user\""), QStringLiteral("role")));
        user->role = *role;
        changed.append(QStringLiteral("role"));
    }
    if (body->contains(QLatin1String("disabled"))) {
        if (!body->value(QLatin1String("disabled")).isBool())
            return response.sendError(badRequest(QStringLiteral("'disabled' must be true or false"),
                                                 QStringLiteral("disabled")));
        user->disabled = body->value(QLatin1String("disabled")).toBool();
        changed.append(QStringLiteral("disabled"));
    }
    if (body->contains(QLatin1String("tier_id"))) {
        if (!readLimit(*body, "tier_id", &user->tierId, response))
            return;
        changed.append(QStringLiteral("tier_id"));
    }
    if (const store::Status updated = plane().users().update(*user); !updated)
        return response.sendError(fromStore(updated.error()));
    plane().invalidateCache(); // a disabled user or a new tier applies now
    plane().record(response.record().principal, QStringLiteral("user.update"),
                   QStringLiteral("user:") + username, changed.join(u','));
    sendObject(response, 200, userJson(*user));
}

void AdminController::deleteUser(const QString &username, ClientResponse &&response)
{
    const auto user = plane().users().findByUsername(username);
    if (!user)
        return response.sendError(fromStore(user.error()));
    if (const store::Status removed = plane().users().remove(user->id); !removed)
        return response.sendError(fromStore(removed.error()));
    plane().invalidateCache();
    plane().record(response.record().principal, QStringLiteral("user.delete"),
                   QStringLiteral("user:") + username);
    sendObject(response, 200, {{QStringLiteral("deleted"), username}});
}

void AdminController::createToken(const QString &username, const Request &request,
                                  ClientResponse &&response)
{
    const std::optional<QJsonObject> body = bodyOf(request, response);
    if (!body)
        return;
    const auto user = plane().users().findByUsername(username);
    if (!user)
        return response.sendError(fromStore(user.error()));
    store::NewToken token;
    token.userId = user->id;
    token.name = body->value(QLatin1String("name")).toString().trimmed();
    if (token.name.isEmpty())
        return response.sendError(badRequest(QStringLiteral("'name' must be a non-empty string"),
                                             QStringLiteral("name")));
    const auto scope = store::tokenScopeFromString(
        body->value(QLatin1String("scope")).toString(QStringLiteral("api")));
    if (!scope)
        return response.sendError(badRequest(QStringLiteral("'scope' must be \"api\" or \"admin\""),
                                             QStringLiteral("scope")));
    if (*scope == store::TokenScope::Admin && user->role != store::UserRole::Admin)
        return response.sendError(
            badRequest(QStringLiteral("only admin users can have admin-scope tokens"),
                       QStringLiteral("scope")));
    token.scope = *scope;
    bool timeOk = true;
    token.expiresAt = readTime(body->value(QLatin1String("expires_at")), &timeOk);
    if (!timeOk)
        return response.sendError(badRequest(
            QStringLiteral("'expires_at' must be an ISO 8601 time or seconds since the epoch"),
            QStringLiteral("expires_at")));
    if (!readLimit(*body, "requests_per_minute", &token.requestsPerMinute, response))
        return;
    const auth::Result<QString> secret = auth::ApiToken::generate();
    if (!secret.ok())
        return response.sendError({500, QStringLiteral("cannot generate a token"), {}, {}, {}});
    token.tokenHash = auth::ApiToken::storageHash(secret.value());
    token.last4 = auth::ApiToken::last4(secret.value());
    const auto created = plane().tokens().create(token);
    if (!created)
        return response.sendError(fromStore(created.error()));
    plane().record(response.record().principal, QStringLiteral("token.create"),
                   QStringLiteral("token:") + QString::number(created->id),
                   username + u' ' + store::toString(token.scope));
    QJsonObject shown = tokenJson(*created);
    shown.insert(QStringLiteral("token"), secret.value()); // shown this once, never again
    sendObject(response, 201, shown);
}

void AdminController::listTokens(const QString &username, ClientResponse &&response)
{
    const auto user = plane().users().findByUsername(username);
    if (!user)
        return response.sendError(fromStore(user.error()));
    const auto tokens = plane().tokens().listByUser(user->id);
    if (!tokens)
        return response.sendError(fromStore(tokens.error()));
    sendList(response, *tokens, tokenJson);
}

void AdminController::revokeToken(const QString &username, const QString &id,
                                  ClientResponse &&response)
{
    const auto user = plane().users().findByUsername(username);
    if (!user)
        return response.sendError(fromStore(user.error()));
    bool ok = false;
    const auto token = plane().tokens().get(id.toLongLong(&ok));
    // A token of another user is "not found" here: the path names the owner.
    if (!ok || !token || token->userId != user->id)
        return response.sendError({404,
                                   QStringLiteral("user '%1' has no token %2").arg(username, id),
                                   {},
                                   QByteArrayLiteral("not_found"),
                                   {}});
    if (const store::Status revoked = plane().tokens().revoke(token->id); !revoked)
        return response.sendError(fromStore(revoked.error()));
    plane().invalidateCache(); // effective now on this node, within 1 s on the others
    plane().record(response.record().principal, QStringLiteral("token.revoke"),
                   QStringLiteral("token:") + id, username);
    sendObject(response, 200,
               {{QStringLiteral("id"), double(token->id)}, {QStringLiteral("revoked"), true}});
}

void AdminController::listTiers(ClientResponse &&response)
{
    const auto tiers = plane().tiers().list();
    if (!tiers)
        return response.sendError(fromStore(tiers.error()));
    sendList(response, *tiers, tierJson);
}

void AdminController::createTier(const Request &request, ClientResponse &&response)
{
    const std::optional<QJsonObject> body = bodyOf(request, response);
    if (!body)
        return;
    store::Tier tier;
    if (!body->value(QLatin1String("name")).isString())
        return response.sendError(badRequest(QStringLiteral("'name' must be a non-empty string"),
                                             QStringLiteral("name")));
    if (!readTierFields(*body, &tier, response))
        return;
    const auto created = plane().tiers().create(tier);
    if (!created)
        return response.sendError(fromStore(created.error()));
    plane().record(response.record().principal, QStringLiteral("tier.create"),
                   QStringLiteral("tier:") + tier.name);
    sendObject(response, 201, tierJson(*created));
}

void AdminController::updateTier(const QString &id, const Request &request,
                                 ClientResponse &&response)
{
    const std::optional<QJsonObject> body = bodyOf(request, response);
    if (!body)
        return;
    auto tier = plane().tiers().get(id.toLongLong());
    if (!tier)
        return response.sendError(fromStore(tier.error()));
    if (!readTierFields(*body, &*tier, response))
        return;
    if (const store::Status updated = plane().tiers().update(*tier); !updated)
        return response.sendError(fromStore(updated.error()));
    plane().invalidateCache(); // new limits apply now
    plane().record(response.record().principal, QStringLiteral("tier.update"),
                   QStringLiteral("tier:") + id);
    sendObject(response, 200, tierJson(*tier));
}

void AdminController::deleteTier(const QString &id, ClientResponse &&response)
{
    if (const store::Status removed = plane().tiers().remove(id.toLongLong()); !removed)
        return response.sendError(fromStore(removed.error()));
    plane().invalidateCache();
    plane().record(response.record().principal, QStringLiteral("tier.delete"),
                   QStringLiteral("tier:") + id);
    sendObject(response, 200, {{QStringLiteral("deleted"), id}});
}

void AdminController::audit(const Request &request, ClientResponse &&response)
{
    const int limit =
        std::clamp(request.query().queryItemValue(QStringLiteral("limit")).toInt(), 0, 1000);
    const auto entries = plane().audit().list(limit > 0 ? limit : 100);
    if (!entries)
        return response.sendError(fromStore(entries.error()));
    sendList(response, *entries, [](const store::AuditEntry &entry) {
        return QJsonObject{
            {QStringLiteral("id"), double(entry.id)}, {QStringLiteral("ts"), timeOrNull(entry.ts)},
            {QStringLiteral("actor"), entry.actor},   {QStringLiteral("action"), entry.action},
            {QStringLiteral("target"), entry.target}, {QStringLiteral("detail"), entry.detail}};
    });
}

} // namespace aisbf::http
