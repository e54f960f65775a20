// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

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
    };

    ChatSession(Services services, http::ClientResponse response, Resolution resolution,
                Request request);
    ~ChatSession() override;

    void start();

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
        bool tried = true; ///< false: skipped while cooling down (listed in a 503 only)
    };

    QByteArray upstreamBody(const Candidate &candidate) const;
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
    bool m_sawDone = false;
    bool m_heldBack = false; ///< upstream reading paused until the client catches up
    QMetaObject::Connection m_drained;
    bool m_done = false;
};

} // namespace aisbf::dispatch
