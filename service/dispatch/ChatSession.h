// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "AnswerTranslation.h"
#include "CooldownBook.h"
#include "RouteTable.h"

#include "http/ClientResponse.h"
#include "upstream/UpstreamTypes.h"

#include <protocol/SseParser.h>

#include <QJsonObject>
#include <QObject>

#include <memory>

namespace aisbf::upstream {
class UpstreamCall;
class UpstreamClient;
} // namespace aisbf::upstream

namespace aisbf::dispatch {

/**
 * One chat completion from resolution to the last byte: orders the candidates (weighted, cooled
 * entries skipped), sends attempts through the upstream client, fails over while nothing has
 * reached the client, then streams or sends the answer. Owns its client response and its
 * upstream call; a client disconnect cancels the upstream at once. Deletes itself when done.
 */
class ChatSession : public QObject, private upstream::Listener
{
    Q_OBJECT

public:
    struct Services
    {
        upstream::UpstreamClient *client = nullptr;
        CooldownBook *cooldowns = nullptr;
    };

    /** The request as the client sent it: raw bytes (forwarded as they are where possible),
     *  the parsed object, and the "model" it asked for. */
    struct Request
    {
        QByteArray raw;
        QJsonObject object;
        QString model;
        bool stream = false;
        /** The API the client called; answers are translated back into it. */
        translate::ClientDialect client = translate::ClientDialect::OpenAi;
    };

    ChatSession(Services services, http::ClientResponse response, Resolution resolution,
                Request request);
    ~ChatSession() override;

    void start();
    /** Stops at once: the upstream call is closed and nothing more is sent. */
    void cancel() { onClientGone(); }

Q_SIGNALS:
    void finished();

private:
    enum class Mode
    {
        Idle,
        ErrorBody,
        PassThrough,
        Buffered,
        Streaming
    };

    struct Attempt
    {
        QString key;
        QString error;
        bool tried = true;    ///< false: skipped (cooling down, or cannot take the request)
        bool refused = false; ///< skipped because the request cannot be sent in its API
    };

    QByteArray upstreamBody(const Candidate &candidate) const;
    /** The native request of a non-OpenAI candidate; false when it cannot take this request. */
    bool translateRequest(const Candidate &candidate, upstream::Request &request);
    void upstreamHead(int status, const upstream::HeaderList &headers) override;
    void upstreamData(const QByteArray &bytes) override;
    void upstreamFinished() override;
    void upstreamFailed(const upstream::Failure &failure) override;

    void nextAttempt();
    void attemptFailed(const QString &error, std::chrono::milliseconds cooldown);
    void answerAllFailed();
    void commitHeaders();
    int failovers() const;
    void forwardStreamBytes(const QByteArray &bytes);
    void forwardTranslatedStream(const AnswerTranslation::Step &step);
    void beginClientStream();
    void finishStream();
    /** An upstream's error body, as the client's error shape (the status kept). */
    QByteArray clientErrorBody(int status, const QByteArray &upstreamBody) const;
    void holdBackIfClientIsBehind();
    void endStreamWithError(const QString &message);
    void onClientGone();
    void done();
    void dropCall();
    QByteArray scrub(QByteArray bytes) const;
    const Candidate &current() const { return *m_resolution.candidates[m_order[m_next - 1]]; }

    Services m_services;
    http::ClientResponse m_response;
    Resolution m_resolution;
    Request m_request;
    QList<int> m_order;
    qsizetype m_next = 0;
    QList<Attempt> m_attempts;
    std::unique_ptr<upstream::UpstreamCall> m_call;
    Mode m_mode = Mode::Idle;
    int m_status = 0;
    upstream::HeaderList m_headers;
    QByteArray m_buffer;
    protocol::SseParser m_sse;
    AnswerTranslation m_translation;
    bool m_sawDone = false;
    bool m_heldBack = false; ///< upstream reading paused until the client catches up
    QMetaObject::Connection m_drained;
    bool m_done = false;
};

} // namespace aisbf::dispatch
