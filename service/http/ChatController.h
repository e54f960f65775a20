// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ClientResponse.h"

#include "dispatch/ChatSession.h"
#include "dispatch/RouteTable.h"

#include <translate/ClientCodec.h>

#include <QJsonObject>

namespace aisbf {
class Gateway;
}

namespace aisbf::http {

class Request;

/**
 * POST …/chat/completions on every path. Request keys read here: model (string, required),
 * messages (non-empty array of {role, content…}, required), stream (bool), max_tokens /
 * max_completion_tokens (positive integer); everything else is forwarded untouched.
 */
class ChatController
{
public:
    explicit ChatController(Gateway &gateway) : m_gateway(gateway) {}

    /** @p dialect: the API the client called (POST /v1/messages is Anthropic's, POST /api/chat
     *  Ollama's); its request is read into the OpenAI form first and answered in its shape. */
    void complete(const Request &request, dispatch::Scope scope, const QString &scopeId,
                  ClientResponse &&response,
                  translate::ClientDialect dialect = translate::ClientDialect::OpenAi);

private:
    struct Parsed
    {
        QJsonObject body;
        QString model;
        bool stream = false;
        qint64 maxTokens = 0;
        std::optional<protocol::OpenAiError> error;
    };

    static Parsed parse(const QByteArray &bytes);
    /** Reads a non-OpenAI client's body through its codec into the OpenAI form. */
    static Parsed parseForeign(const QByteArray &bytes, translate::ClientDialect dialect,
                               QByteArray *openAiBytes);
    static std::optional<protocol::OpenAiError> readJsonObject(const QByteArray &bytes,
                                                               QJsonObject *object);
    static void validate(Parsed &parsed);
    /** Rate limits of a user's token (429 sent when over one); marks the request for usage. */
    bool admitUnderLimits(const Parsed &parsed, ClientResponse &response);
    /**
     * The route for @p parsed: user-provider/…, user-rotation/… and user-autoselect/… from the
     * user's own table (the token's user, or @p username of /api/u/{username}/…), the rest
     * from the global one. Answers 403 when @p username is not the token's user.
     */
    std::optional<dispatch::Resolution> resolve(dispatch::Scope scope, const QString &scopeId,
                                                const Parsed &parsed, ClientResponse &response);
    /** An autoselect's route @p id for the caller @p userId (see the .cpp for user-… ids). */
    dispatch::Resolution resolveAutoselectRoute(const QString &id, std::optional<qint64> userId);
    /** Hands the request to an Autoselector for the policy @p resolution names. */
    void startAutoselect(dispatch::Resolution resolution, const Parsed &parsed,
                         dispatch::ChatSession::Request request, ClientResponse &&response);

    Gateway &m_gateway;
};

} // namespace aisbf::http
