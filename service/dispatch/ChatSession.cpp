// SPDX-License-Identifier: GPL-3.0-or-later
#include "ChatSession.h"

#include "http/GatewaySocket.h"
#include "upstream/UpstreamCall.h"
#include "upstream/UpstreamClient.h"

#include <protocol/JsonPatch.h>
#include <routing/WeightedChoice.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>

namespace aisbf::dispatch {

using namespace std::chrono_literals;

namespace {

constexpr qsizetype kMaxErrorBody = 64 * 1024;
constexpr qsizetype kMaxBufferedBody = 64 * 1024 * 1024;

// Statuses that say "this upstream cannot serve now", not "this request is wrong": another
// entry may succeed. 401/403 mean the provider's own credentials are broken, which is the
// operator's problem, not the caller's, so they fail over too.
bool isFailoverStatus(int status)
{
    return status >= 500 || status == 429 || status == 408 || status == 401 || status == 403;
}

std::optional<std::chrono::milliseconds> retryAfter(const upstream::HeaderList &headers)
{
    const QByteArray value = upstream::headerValue(headers, "retry-after").trimmed();
    if (value.isEmpty())
        return std::nullopt;
    bool ok = false;
    const double seconds = value.toDouble(&ok);
    if (ok && seconds >= 0)
        return std::chrono::milliseconds(qint64(seconds * 1000));
    const QDateTime when = QDateTime::fromString(QString::fromLatin1(value), Qt::RFC2822Date);
    if (!when.isValid())
        return std::nullopt;
    return std::chrono::milliseconds(
        std::max<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(when)));
}

} // namespace

ChatSession::ChatSession(Services services, http::ClientResponse response, Resolution resolution,
                         Request request)
    : m_services(services), m_response(std::move(response)), m_resolution(std::move(resolution)),
      m_request(std::move(request))
{
    m_response.record().route = m_resolution.route;
    m_response.setDialect(m_request.client);
    if (http::GatewaySocket *socket = m_response.socket()) {
        connect(socket, &QAbstractSocket::disconnected, this, &ChatSession::onClientGone);
        connect(socket, &QObject::destroyed, this, &ChatSession::onClientGone);
    }
}

ChatSession::~ChatSession() = default;

void ChatSession::start()
{
    if (!m_resolution.isRotation) {
        // A direct provider call is the caller's explicit choice: one candidate, tried even
        // while cooling down.
        m_order = {0};
        nextAttempt();
        return;
    }
    const auto now = CooldownBook::Clock::now();
    QList<double> weights;
    QList<int> cooling;
    for (qsizetype i = 0; i < m_resolution.candidates.size(); ++i) {
        const Candidate &candidate = *m_resolution.candidates[i];
        // Rotations route around cooling entries.
        const auto left = m_services.cooldowns->remaining(candidate.key, now);
        if (left > 0ms) {
            cooling.append(int(i));
            weights.append(0);
            m_attempts.append({candidate.key,
                               QStringLiteral("cooling down, %1 s left (%2)")
                                   .arg((left.count() + 999) / 1000)
                                   .arg(m_services.cooldowns->reason(candidate.key)),
                               false});
        } else {
            weights.append(candidate.weight > 0 ? candidate.weight : 1);
        }
    }
    for (int index : routing::weightedOrder(weights, *QRandomGenerator::global())) {
        if (!cooling.contains(index))
            m_order.append(index);
    }
    nextAttempt();
}

void ChatSession::nextAttempt()
{
    if (m_next >= m_order.size()) {
        answerAllFailed();
        return;
    }
    ++m_next;
    const Candidate &candidate = current();
    m_mode = Mode::Idle;
    m_buffer.clear();
    m_sawDone = false;
    m_sse = {}; // a failed attempt may have left half an event behind
    m_response.record().provider = candidate.provider->id;
    m_response.record().model = candidate.model;
    m_translation.reset(candidate.dialect, m_request.client, candidate.model);

    upstream::Request request;
    request.origin = candidate.origin;
    request.timeouts = candidate.timeouts;
    request.headers = {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")},
                       {QByteArrayLiteral("Accept"), m_request.stream
                                                         ? m_translation.upstreamStreamContentType()
                                                         : QByteArrayLiteral("application/json")}};
    if (candidate.dialect == translate::ProviderDialect::OpenAi) {
        request.target = candidate.chatTarget;
        if (!candidate.authorization.isEmpty())
            request.headers.append({QByteArrayLiteral("Authorization"), candidate.authorization});
        request.body = upstreamBody(candidate);
    } else if (!translateRequest(candidate, request)) {
        return; // refused: the next attempt (or the answer) has been started
    }
    // Assigned before begin(): a synchronous failure inside begin() must find m_call set.
    m_call = std::make_unique<upstream::UpstreamCall>(m_services.client, request,
                                                      static_cast<upstream::Listener *>(this));
    m_call->begin();
}

QByteArray ChatSession::upstreamBody(const Candidate &candidate) const
{
    // The client's bytes go upstream untouched unless the model name differs; then only that
    // value is spliced in. Re-serializing the whole document is the rare fallback.
    if (candidate.model == m_request.model)
        return m_request.raw;
    if (auto patched =
            protocol::replaceTopLevelValue(m_request.raw, "model", candidate.modelLiteral))
        return *patched;
    QJsonObject object = m_request.object;
    object.insert(QLatin1String("model"), candidate.model);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

bool ChatSession::translateRequest(const Candidate &candidate, upstream::Request &request)
{
    translate::OutboundContext context = candidate.outbound;
    context.model = candidate.model;
    context.stream = m_request.stream;
    translate::OutboundRequest native =
        translate::providerTranslator(candidate.dialect).request(m_request.object, context);
    if (native.error.isEmpty()) {
        request.target = native.target;
        request.headers.append(native.headers);
        request.body = native.body;
        return true;
    }
    if (!m_resolution.isRotation) {
        // The caller chose this provider: say what it cannot take.
        m_response.sendError(
            {400, native.error, {}, QByteArrayLiteral("unsupported_content"), native.errorParam});
        done();
        return false;
    }
    // Another entry of the rotation may speak an API that can express the request.
    m_attempts.append({candidate.key, native.error, false, true});
    nextAttempt();
    return false;
}

void ChatSession::attemptFailed(const QString &error, std::chrono::milliseconds cooldown)
{
    const Candidate &candidate = current();
    m_attempts.append({candidate.key, error});
    m_services.cooldowns->coolDown(candidate.key, cooldown, error);
    dropCall();
    nextAttempt();
}

void ChatSession::answerAllFailed()
{
    const bool allRefused = !m_attempts.isEmpty() &&
                            std::all_of(m_attempts.cbegin(), m_attempts.cend(),
                                        [](const Attempt &attempt) { return attempt.refused; });
    QJsonArray attempts;
    QStringList summary;
    for (const Attempt &attempt : std::as_const(m_attempts)) {
        attempts.append(QJsonObject{{QStringLiteral("route"), attempt.key},
                                    {QStringLiteral("error"), attempt.error}});
        summary.append(attempt.key + QStringLiteral(": ") + attempt.error);
    }
    const QString what = m_resolution.isRotation
                             ? QStringLiteral("every entry of ") + m_resolution.route
                             : m_resolution.route;
    if (allRefused) {
        // No entry's API can carry this request: the request is the problem, not the upstreams.
        m_response.sendError({400,
                              QStringLiteral("no entry of ") + m_resolution.route +
                                  QStringLiteral(" can take this request: ") + summary.join(u"; "),
                              {},
                              QByteArrayLiteral("unsupported_content"),
                              QStringLiteral("messages")});
        done();
        return;
    }
    protocol::OpenAiError error{503,
                                what + QStringLiteral(" failed: ") + summary.join(u"; "),
                                {},
                                QByteArrayLiteral("upstream_unavailable"),
                                {}};
    QJsonObject document = QJsonDocument::fromJson(error.toJson()).object();
    QJsonObject inner = document.value(QLatin1String("error")).toObject();
    inner.insert(QStringLiteral("attempts"), attempts);
    document.insert(QStringLiteral("error"), inner);

    // Tell the caller when the first cooling entry comes back.
    const auto now = CooldownBook::Clock::now();
    std::chrono::milliseconds soonest = 0ms;
    for (const auto &candidate : std::as_const(m_resolution.candidates)) {
        const auto left = m_services.cooldowns->remaining(candidate->key, now);
        if (left > 0ms && (soonest == 0ms || left < soonest))
            soonest = left;
    }
    if (soonest > 0ms)
        m_response.addHeader("Retry-After", QByteArray::number((soonest.count() + 999) / 1000));
    m_response.record().failovers = failovers();
    if (m_request.client == translate::ClientDialect::OpenAi)
        m_response.sendJson(503, QJsonDocument(document).toJson(QJsonDocument::Compact));
    else
        m_response.sendError(error); // the summary is in the message; the shape is the client's
    done();
}

void ChatSession::commitHeaders()
{
    const Candidate &candidate = current();
    m_response.addHeader("X-AISBF-Provider", candidate.provider->id.toUtf8());
    m_response.addHeader("X-AISBF-Model", candidate.model.toUtf8());
    m_response.record().failovers = failovers();
    // Only entries that were tried and failed; one skipped while cooling down saw no traffic.
    QStringList failed;
    for (const Attempt &attempt : std::as_const(m_attempts)) {
        if (attempt.tried)
            failed.append(attempt.key);
    }
    if (!failed.isEmpty())
        m_response.addHeader("X-AISBF-Failover", failed.join(u", ").toUtf8());
}

int ChatSession::failovers() const
{
    return int(std::count_if(m_attempts.cbegin(), m_attempts.cend(),
                             [](const Attempt &attempt) { return attempt.tried; }));
}

void ChatSession::upstreamHead(int status, const upstream::HeaderList &headers)
{
    m_status = status;
    m_headers = headers;
    const QByteArray contentType = upstream::headerValue(headers, "content-type");
    if (isFailoverStatus(status)) {
        m_mode = Mode::ErrorBody;
    } else if (status < 200 || status >= 300) {
        m_mode = Mode::PassThrough; // the request itself is wrong: every entry would say so
    } else if (m_request.stream &&
               contentType.startsWith(m_translation.upstreamStreamContentType())) {
        m_mode = Mode::Streaming;
    } else {
        m_mode = Mode::Buffered;
    }
}

void ChatSession::upstreamData(const QByteArray &bytes)
{
    switch (m_mode) {
    case Mode::Streaming:
        forwardStreamBytes(bytes);
        return;
    case Mode::ErrorBody:
    case Mode::PassThrough:
        if (m_buffer.size() < kMaxErrorBody)
            m_buffer.append(bytes.left(kMaxErrorBody - m_buffer.size()));
        return;
    case Mode::Buffered:
        if (m_buffer.size() + bytes.size() > kMaxBufferedBody) {
            attemptFailed(QStringLiteral("response larger than 64 MiB"), 0ms);
            return;
        }
        m_buffer.append(bytes);
        return;
    case Mode::Idle:
        return;
    }
}

void ChatSession::upstreamFinished()
{
    const Candidate &candidate = current();
    switch (m_mode) {
    case Mode::ErrorBody: {
        const QByteArray body = scrub(m_buffer);
        QString error = QStringLiteral("HTTP ") + QString::number(m_status);
        const QString message =
            QString::fromUtf8(scrub(m_translation.upstreamErrorMessage(body).toUtf8()));
        if (!message.isEmpty())
            error += QStringLiteral(": ") + message;
        std::chrono::milliseconds cooldown = std::chrono::seconds(candidate.cooldownSec);
        if (m_status == 429) {
            if (const auto after = retryAfter(m_headers))
                cooldown = *after; // the upstream said when to come back
        }
        if (!m_resolution.isRotation) {
            // A direct provider call answers with what the provider said.
            m_attempts.append({candidate.key, error});
            m_services.cooldowns->coolDown(candidate.key, cooldown, error);
            commitHeaders();
            if (const QByteArray after = upstream::headerValue(m_headers, "retry-after");
                !after.isEmpty())
                m_response.addHeader("Retry-After", after);
            m_response.send(m_status, "application/json", clientErrorBody(m_status, body));
            done();
            return;
        }
        attemptFailed(error, cooldown);
        return;
    }
    case Mode::PassThrough:
        commitHeaders();
        m_response.send(m_status, "application/json", clientErrorBody(m_status, scrub(m_buffer)));
        done();
        return;
    case Mode::Buffered: {
        if (!m_translation.isPassThrough()) {
            const AnswerTranslation::Whole whole = m_translation.whole(m_buffer);
            if (!whole.error.isEmpty()) {
                attemptFailed(whole.error, std::chrono::seconds(candidate.cooldownSec));
                return;
            }
            commitHeaders();
            protocol::scanTokenCounts(whole.body, &m_response.record().reported);
            m_response.send(m_status, "application/json", scrub(whole.body));
            done();
            return;
        }
        // A shape check, not a parse: a full parse of every answer cost more than the rest of
        // the gateway's work on it, and garbage or a cut body fails this check just the same.
        if (!protocol::looksLikeJsonObject(m_buffer)) {
            attemptFailed(QStringLiteral("invalid JSON from upstream"),
                          std::chrono::seconds(candidate.cooldownSec));
            return;
        }
        commitHeaders();
        protocol::scanTokenCounts(m_buffer, &m_response.record().reported);
        QByteArray contentType = upstream::headerValue(m_headers, "content-type");
        m_response.send(m_status, contentType.isEmpty() ? "application/json" : contentType,
                        m_buffer);
        done();
        return;
    }
    case Mode::Streaming:
        if (!m_translation.isPassThrough()) {
            finishStream();
            return;
        }
        if (m_sse.pendingBytes() > 0) {
            // The body ended inside an event: some servers end "data: [DONE]" without the
            // blank line that closes it. The end of the body closes it as well.
            const qsizetype attempt = m_next;
            forwardStreamBytes(QByteArrayLiteral("\n\n"));
            if (m_done || m_next != attempt)
                return; // that event failed the attempt or ended the stream
        }
        if (!m_response.isStreaming()) {
            attemptFailed(QStringLiteral("empty stream"),
                          std::chrono::seconds(candidate.cooldownSec));
            return;
        }
        if (!m_sawDone) {
            endStreamWithError(QStringLiteral("upstream stream ended without [DONE]"));
            return;
        }
        m_response.endStream();
        done();
        return;
    case Mode::Idle:
        attemptFailed(QStringLiteral("no response"), std::chrono::seconds(candidate.cooldownSec));
        return;
    }
}

QByteArray ChatSession::clientErrorBody(int status, const QByteArray &upstreamBody) const
{
    if (m_translation.isPassThrough())
        return upstreamBody; // OpenAI's own error shape, as the upstream wrote it
    QString message = m_translation.upstreamErrorMessage(upstreamBody);
    if (message.isEmpty())
        message = QStringLiteral("the upstream answered HTTP ") + QString::number(status);
    return m_translation.clientError(
        {status, QString::fromUtf8(scrub(message.toUtf8())), {}, {}, {}});
}

void ChatSession::upstreamFailed(const upstream::Failure &failure)
{
    if (m_response.isStreaming()) {
        endStreamWithError(QStringLiteral("upstream failed mid-stream: ") + failure.describe());
        return;
    }
    const Candidate &candidate = current();
    if (!m_resolution.isRotation && m_next >= m_order.size()) {
        m_attempts.append({candidate.key, failure.describe()});
        m_services.cooldowns->coolDown(candidate.key, std::chrono::seconds(candidate.cooldownSec),
                                       failure.describe());
        const bool timeout = failure.kind == upstream::Failure::Kind::ConnectTimeout ||
                             failure.kind == upstream::Failure::Kind::FirstByteTimeout ||
                             failure.kind == upstream::Failure::Kind::IdleTimeout;
        protocol::OpenAiError error{timeout ? 504 : 502,
                                    QStringLiteral("provider ") + candidate.key +
                                        QStringLiteral(" failed: ") + failure.describe(),
                                    {},
                                    QByteArrayLiteral("upstream_error"),
                                    {}};
        m_response.record().failovers = 0;
        m_response.sendError(error);
        done();
        return;
    }
    attemptFailed(failure.describe(), std::chrono::seconds(candidate.cooldownSec));
}

void ChatSession::onClientGone()
{
    if (m_done)
        return;
    dropCall(); // closes the upstream connection now
    m_response.abandon(499);
    done();
}

void ChatSession::dropCall()
{
    // The call may be the one reporting right now: cancel it, free it once this event returns.
    if (!m_call)
        return;
    m_call->cancel();
    m_call.release()->deleteLater();
}

QByteArray ChatSession::scrub(QByteArray bytes) const
{
    // Upstreams sometimes echo the credential they were given; it must not reach the caller.
    for (const auto &candidate : m_resolution.candidates) {
        const QString &key = candidate->provider->apiKey;
        if (key.size() >= 8)
            bytes.replace(key.toUtf8(), QByteArrayLiteral("***"));
    }
    return bytes;
}

void ChatSession::done()
{
    if (m_done)
        return;
    m_done = true;
    dropCall();
    Q_EMIT finished();
    deleteLater();
}

} // namespace aisbf::dispatch
