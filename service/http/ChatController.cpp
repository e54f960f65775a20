// SPDX-License-Identifier: GPL-3.0-or-later
#include "ChatController.h"

#include "../Gateway.h"
#include "dispatch/ChatSession.h"

#include <protocol/TokenEstimate.h>

#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>

namespace aisbf::http {

namespace {

protocol::OpenAiError badRequest(const QString &message, const QString &param = {})
{
    return {400, message, {}, QByteArrayLiteral("invalid_request"), param};
}

} // namespace

ChatController::Parsed ChatController::parse(const QByteArray &bytes)
{
    Parsed parsed;
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        parsed.error = badRequest(bytes.trimmed().isEmpty()
                                      ? QStringLiteral("the request body is empty; send a JSON "
                                                       "object with 'model' and 'messages'")
                                      : QStringLiteral("the request body is not valid JSON: ") +
                                            parseError.errorString() + QStringLiteral(" at byte ") +
                                            QString::number(parseError.offset));
        return parsed;
    }
    if (!document.isObject()) {
        parsed.error = badRequest(QStringLiteral("the request body must be a JSON object"));
        return parsed;
    }
    parsed.body = document.object();
    const QJsonValue model = parsed.body.value(QLatin1String("model"));
    if (!model.isString() || model.toString().trimmed().isEmpty()) {
        parsed.error =
            badRequest(model.isUndefined() ? QStringLiteral("'model' is required")
                                           : QStringLiteral("'model' must be a non-empty string"),
                       QStringLiteral("model"));
        return parsed;
    }
    parsed.model = model.toString();
    const QJsonValue messages = parsed.body.value(QLatin1String("messages"));
    if (!messages.isArray() || messages.toArray().isEmpty()) {
        parsed.error = badRequest(QStringLiteral("'messages' must be a non-empty array"),
                                  QStringLiteral("messages"));
        return parsed;
    }
    const QJsonArray list = messages.toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QJsonValue role = list[i].toObject().value(QLatin1String("role"));
        if (!list[i].isObject() || !role.isString()) {
            parsed.error = badRequest(QStringLiteral("messages[%1] must be an object with a "
                                                     "string 'role'")
                                          .arg(i),
                                      QStringLiteral("messages"));
            return parsed;
        }
    }
    const QJsonValue stream = parsed.body.value(QLatin1String("stream"));
    if (!stream.isUndefined() && !stream.isNull() && !stream.isBool()) {
        parsed.error =
            badRequest(QStringLiteral("'stream' must be true or false"), QStringLiteral("stream"));
        return parsed;
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
            return parsed;
        }
        parsed.maxTokens = std::max(parsed.maxTokens, qint64(number));
    }
    return parsed;
}

std::optional<protocol::OpenAiError> ChatController::fitToLimits(dispatch::Resolution &resolution,
                                                                 const Parsed &parsed)
{
    const bool anyLimit = std::any_of(
        resolution.candidates.cbegin(), resolution.candidates.cend(), [](const auto &candidate) {
            return candidate->contextSize || candidate->maxRequestTokens;
        });
    if (!anyLimit)
        return std::nullopt; // skip the estimate on the hot path when nothing is limited
    const qint64 prompt =
        protocol::estimatePromptTokens(parsed.body.value(QLatin1String("messages")).toArray());
    QStringList refusals;
    QList<std::shared_ptr<const dispatch::Candidate>> fitting;
    for (const auto &candidate : std::as_const(resolution.candidates)) {
        if (candidate->maxRequestTokens && prompt > *candidate->maxRequestTokens) {
            refusals.append(QStringLiteral("%1 accepts at most %2 (max_request_tokens)")
                                .arg(candidate->key)
                                .arg(*candidate->maxRequestTokens));
        } else if (candidate->contextSize && prompt + parsed.maxTokens > *candidate->contextSize) {
            refusals.append(QStringLiteral("%1 has a context of %2 tokens (context_size), "
                                           "less than prompt + max_tokens = %3")
                                .arg(candidate->key)
                                .arg(*candidate->contextSize)
                                .arg(prompt + parsed.maxTokens));
        } else {
            fitting.append(candidate);
        }
    }
    if (!fitting.isEmpty()) {
        resolution.candidates = fitting;
        return std::nullopt;
    }
    return protocol::OpenAiError{
        400,
        QStringLiteral("the request is about %1 tokens (estimated), too large for %2: %3. "
                       "Shorten the messages or lower max_tokens.")
            .arg(prompt)
            .arg(resolution.route, refusals.join(QStringLiteral("; "))),
        {},
        QByteArrayLiteral("context_length_exceeded"),
        QStringLiteral("messages")};
}

void ChatController::complete(const QHttpServerRequest &request, dispatch::Scope scope,
                              const QString &scopeId, ClientResponse &&response)
{
    Parsed parsed = parse(request.body());
    if (parsed.error) {
        response.sendError(*parsed.error);
        return;
    }
    const auto routes = m_gateway.routes();
    dispatch::Resolution resolution = routes->resolve(scope, scopeId, parsed.model);
    response.record().route = resolution.route;
    if (resolution.error) {
        response.sendError(*resolution.error);
        return;
    }
    if (auto error = fitToLimits(resolution, parsed)) {
        response.sendError(*error);
        return;
    }
    auto *session = new dispatch::ChatSession(
        {m_gateway.upstreamClient(), m_gateway.cooldowns()}, std::move(response),
        std::move(resolution), {request.body(), parsed.body, parsed.model, parsed.stream});
    m_gateway.sessionStarted();
    QObject::connect(session, &dispatch::ChatSession::finished, &m_gateway,
                     [gateway = &m_gateway] { gateway->sessionFinished(); });
    session->start();
}

} // namespace aisbf::http
