// SPDX-License-Identifier: GPL-3.0-or-later
#include "ChatController.h"

#include "Request.h"

#include "../Gateway.h"
#include "dispatch/AutoselectPolicy.h"
#include "dispatch/Autoselector.h"
#include "dispatch/ChatSession.h"
#include "dispatch/RequestFit.h"

#include "control/ControlPlane.h"

#include <auth/RateLimitHeaders.h>
#include <protocol/TokenEstimate.h>
#include <routing/RouteRef.h>

#include <QJsonArray>
#include <QJsonDocument>

namespace aisbf::http {

namespace {

protocol::OpenAiError error(int status, const QString &message, const char *code)
{
    return {status, message, {}, QByteArray(code), {}};
}

protocol::OpenAiError badRequest(const QString &message, const QString &param = {})
{
    return {400, message, {}, QByteArrayLiteral("invalid_request"), param};
}

bool isUserRoute(const routing::RouteRef &ref)
{
    return ref.kind == routing::RouteRef::Kind::UserProviderModel ||
           ref.kind == routing::RouteRef::Kind::UserRotation ||
           ref.kind == routing::RouteRef::Kind::UserAutoselect;
}

// A user route's name inside its owner's table: "user-rotation/x" is that table's "rotation/x".
QString ownRoute(const routing::RouteRef &ref)
{
    switch (ref.kind) {
    case routing::RouteRef::Kind::UserRotation:
        return QStringLiteral("rotation/") + ref.name;
    case routing::RouteRef::Kind::UserAutoselect:
        return QStringLiteral("autoselect/") + ref.name;
    case routing::RouteRef::Kind::UserProviderModel:
        return ref.provider + u'/' + ref.name;
    default:
        return ref.toString();
    }
}

} // namespace

std::optional<protocol::OpenAiError> ChatController::readJsonObject(const QByteArray &bytes,
                                                                    QJsonObject *object)
{
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return badRequest(bytes.trimmed().isEmpty()
                              ? QStringLiteral("the request body is empty; send a JSON "
                                               "object with 'model' and 'messages'")
                              : QStringLiteral("the request body is not valid JSON: ") +
                                    parseError.errorString() + QStringLiteral(" at byte ") +
                                    QString::number(parseError.offset));
    }
    if (!document.isObject())
        return badRequest(QStringLiteral("the request body must be a JSON object"));
    *object = document.object();
    return std::nullopt;
}

ChatController::Parsed ChatController::parse(const QByteArray &bytes)
{
    Parsed parsed;
    parsed.error = readJsonObject(bytes, &parsed.body);
    if (!parsed.error)
        validate(parsed);
    return parsed;
}

ChatController::Parsed ChatController::parseForeign(const QByteArray &bytes,
                                                    translate::ClientDialect dialect,
                                                    QByteArray *openAiBytes)
{
    Parsed parsed;
    QJsonObject client;
    parsed.error = readJsonObject(bytes, &client);
    if (parsed.error)
        return parsed;
    translate::InboundRequest inbound = translate::clientCodec(dialect).request(client);
    if (!inbound.error.isEmpty()) {
        parsed.error = badRequest(inbound.error, inbound.errorParam);
        return parsed;
    }
    if (inbound.stream) {
        // These clients get usage at the end of a stream; OpenAI upstreams send it only when
        // asked.
        inbound.openAi.insert(QStringLiteral("stream_options"),
                              QJsonObject{{QStringLiteral("include_usage"), true}});
    }
    parsed.body = inbound.openAi;
    *openAiBytes = QJsonDocument(parsed.body).toJson(QJsonDocument::Compact);
    validate(parsed);
    return parsed;
}

void ChatController::validate(Parsed &parsed)
{
    const QJsonValue model = parsed.body.value(QLatin1String("model"));
    if (!model.isString() || model.toString().trimmed().isEmpty()) {
        parsed.error =
            badRequest(model.isUndefined() ? QStringLiteral("'model' is required")
                                           : QStringLiteral("'model' must be a non-empty string"),
                       QStringLiteral("model"));
        return;
    }
    parsed.model = model.toString();
    const QJsonValue messages = parsed.body.value(QLatin1String("messages"));
    if (!messages.isArray() || messages.toArray().isEmpty()) {
        parsed.error = badRequest(QStringLiteral("'messages' must be a non-empty array"),
                                  QStringLiteral("messages"));
        return;
    }
    const QJsonArray list = messages.toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QJsonValue role = list[i].toObject().value(QLatin1String("role"));
        if (!list[i].isObject() || !role.isString()) {
            parsed.error = badRequest(QStringLiteral("messages[%1] must be an object with a "
                                                     "string 'role'")
                                          .arg(i),
                                      QStringLiteral("messages"));
            return;
        }
    }
    const QJsonValue stream = parsed.body.value(QLatin1String("stream"));
    if (!stream.isUndefined() && !stream.isNull() && !stream.isBool()) {
        parsed.error =
            badRequest(QStringLiteral("'stream' must be true or false"), QStringLiteral("stream"));
        return;
    }
    parsed.stream = stream.toBool(false);
    for (const char *key : {"max_tokens", "max_completion_tokens"}) {
        const QJsonValue value = parsed.body.value(QLatin1String(key));
        if (value.isUndefined() || value.isNull())
            continue;
        const double number = value.toDouble(-1);
        if (!value.isDouble() || number < 1 || number != double(qint64(number))) {
            parsed.error = badRequest(
                QStringLiteral("'%1' must be a positive integer").arg(QLatin1String(key)),
                QLatin1String(key));
            return;
        }
        parsed.maxTokens = std::max(parsed.maxTokens, qint64(number));
    }
}

bool ChatController::admitUnderLimits(const Parsed &parsed, ClientResponse &response)
{
    control::ControlPlane *plane = m_gateway.controlPlane();
    AccessRecord &record = response.record();
    if (!plane)
        return true;
    const control::Principal &principal = record.principal;
    const bool limited = principal.kind == control::Principal::Kind::UserToken &&
                         (!principal.limits.isUnlimited() || principal.tokenRequestsPerMinute);
    if (!limited && !principal.userId)
        return true; // nobody to count against; the estimate is not worth its cost
    record.promptTokens =
        protocol::estimatePromptTokens(parsed.body.value(QLatin1String("messages")).toArray());
    if (!limited)
        return true;
    auth::RateLimiter &limiter = plane->rateLimiter();
    const QString userKey = QStringLiteral("user:") + QString::number(*principal.userId);
    const QString tokenKey = QStringLiteral("token:") + QString::number(*principal.tokenId);
    auth::RateLimits tokenLimits;
    tokenLimits.requestsPerMinute = principal.tokenRequestsPerMinute.value_or(0);
    const auth::RateDecision user = limiter.check(userKey, principal.limits, record.promptTokens);
    const auth::RateDecision token = limiter.check(tokenKey, tokenLimits);
    const auth::RateDecision &denied = !user.allowed ? user : token;
    if (!user.allowed || !token.allowed) {
        for (const auto &[name, value] : auth::rateLimitHeaders(denied))
            response.addHeader(name, value);
        response.sendError({429,
                            auth::rateLimitMessage(denied),
                            {},
                            QByteArrayLiteral("rate_limit_exceeded"),
                            {}});
        return false;
    }
    limiter.record(userKey, 1, record.promptTokens);
    limiter.record(tokenKey, 1, 0);
    // The headers say what is left after this request, as OpenAI's do.
    for (const auto &[name, value] :
         auth::rateLimitHeaders(limiter.check(userKey, principal.limits)))
        response.addHeader(name, value);
    return true;
}

std::optional<dispatch::Resolution> ChatController::resolve(dispatch::Scope scope,
                                                            const QString &scopeId,
                                                            const Parsed &parsed,
                                                            ClientResponse &response)
{
    const routing::RouteRef ref = routing::RouteRef::parse(parsed.model);
    const bool userRoute = isUserRoute(ref);
    control::ControlPlane *plane = m_gateway.controlPlane();
    if (scope != dispatch::Scope::User && !userRoute)
        return m_gateway.routes()->resolve(scope, scopeId, parsed.model);

    if (!plane) {
        response.sendError(error(503,
                                 QStringLiteral("user routes need the control plane's database, "
                                                "which is not open"),
                                 "control_plane_unavailable"));
        return std::nullopt;
    }
    const QString username = scope == dispatch::Scope::User ? scopeId : QString();
    protocol::OpenAiError refusal;
    const std::optional<qint64> userId =
        plane->actingUser(response.record().principal, username, &refusal);
    if (!userId) {
        response.sendError(refusal);
        return std::nullopt;
    }
    // An admin acting for a user: the usage is that user's.
    if (!response.record().principal.userId)
        response.record().principal.userId = userId;
    if (!userRoute)
        return m_gateway.routes()->resolve(dispatch::Scope::Any, {}, parsed.model);
    protocol::OpenAiError failure;
    const auto table = plane->userRoutes().table(*userId, m_gateway.routes()->config(), &failure);
    if (!table) {
        response.sendError(failure);
        return std::nullopt;
    }
    dispatch::Resolution resolution = table->resolve(dispatch::Scope::Any, {}, ownRoute(ref));
    resolution.route = parsed.model; // "user-rotation/x", "user-provider/p/m", "user-autoselect/x"
    return resolution;
}

dispatch::Resolution ChatController::resolveAutoselectRoute(const QString &id,
                                                            std::optional<qint64> userId)
{
    const routing::RouteRef ref = routing::RouteRef::parse(id);
    if (!isUserRoute(ref))
        return m_gateway.routes()->resolve(dispatch::Scope::Any, {}, id);
    // A user-… id names the caller's own route when they have one, else the global route of
    // that name: one policy in autoselect.json then serves every user (and the global token).
    if (control::ControlPlane *plane = m_gateway.controlPlane(); plane && userId) {
        protocol::OpenAiError failure;
        if (const auto table =
                plane->userRoutes().table(*userId, m_gateway.routes()->config(), &failure)) {
            dispatch::Resolution own = table->resolve(dispatch::Scope::Any, {}, ownRoute(ref));
            if (!own.error || own.error->status != 404) {
                own.route = id;
                return own;
            }
        }
    }
    return m_gateway.routes()->resolve(dispatch::Scope::Any, {}, ownRoute(ref));
}

void ChatController::startAutoselect(dispatch::Resolution resolution, const Parsed &parsed,
                                     dispatch::ChatSession::Request request,
                                     ClientResponse &&response)
{
    const std::optional<qint64> userId = response.record().principal.userId;
    const config::AutoselectConfig &policy = *resolution.autoselect;
    dispatch::RequestNeeds needs = dispatch::RequestNeeds::of(parsed.body, parsed.maxTokens);
    const dispatch::RouteResolver resolver = [this, userId](const QString &id) {
        return resolveAutoselectRoute(id, userId);
    };
    dispatch::Autoselector::Setup setup;
    setup.services = {m_gateway.upstreamClient(), m_gateway.cooldowns()};
    setup.log = m_gateway.accessLog();
    setup.policy = policy;
    setup.route = resolution.route;
    setup.options = dispatch::autoselectOptions(policy, resolver, parsed.body, needs);
    if (!policy.selectionModel.isEmpty()) {
        setup.selector = resolver(policy.selectionModel);
        if (setup.selector->autoselect)
            setup.selector->error = error(
                503, QStringLiteral("a policy cannot be a selection model"), "autoselect_nested");
        setup.selectorPrivacySafe =
            dispatch::isPrivacySafe(policy.selectionModel, *setup.selector, setup.options);
    }
    auto *autoselector =
        new dispatch::Autoselector(std::move(setup), std::move(response), std::move(request));
    m_gateway.sessionStarted();
    QObject::connect(autoselector, &dispatch::Autoselector::finished, &m_gateway,
                     [gateway = &m_gateway] { gateway->sessionFinished(); });
    autoselector->start();
}

void ChatController::complete(const Request &request, dispatch::Scope scope, const QString &scopeId,
                              ClientResponse &&response, translate::ClientDialect dialect)
{
    response.setDialect(dialect);
    // Every chat request is usage, answered or refused.
    response.record().isChat = true;
    QByteArray openAiBytes;
    Parsed parsed = dialect == translate::ClientDialect::OpenAi
                        ? parse(request.body())
                        : parseForeign(request.body(), dialect, &openAiBytes);
    if (parsed.error) {
        response.sendError(*parsed.error);
        return;
    }
    if (!admitUnderLimits(parsed, response))
        return;
    std::optional<dispatch::Resolution> resolved = resolve(scope, scopeId, parsed, response);
    if (!resolved)
        return;
    dispatch::Resolution resolution = std::move(*resolved);
    response.record().route = resolution.route;
    if (resolution.error) {
        response.sendError(*resolution.error);
        return;
    }
    dispatch::ChatSession::Request chat{dialect == translate::ClientDialect::OpenAi ? request.body()
                                                                                    : openAiBytes,
                                        parsed.body, parsed.model, parsed.stream, dialect};
    if (resolution.autoselect) {
        startAutoselect(std::move(resolution), parsed, std::move(chat), std::move(response));
        return;
    }
    dispatch::RequestNeeds needs = dispatch::RequestNeeds::of(parsed.body, parsed.maxTokens);
    if (auto error = dispatch::fitRequest(resolution, parsed.body, needs)) {
        response.sendError(*error);
        return;
    }
    auto *session =
        new dispatch::ChatSession({m_gateway.upstreamClient(), m_gateway.cooldowns()},
                                  std::move(response), std::move(resolution), std::move(chat));
    m_gateway.sessionStarted();
    QObject::connect(session, &dispatch::ChatSession::finished, &m_gateway,
                     [gateway = &m_gateway] { gateway->sessionFinished(); });
    session->start();
}

} // namespace aisbf::http
