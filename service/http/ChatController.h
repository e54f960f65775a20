// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ClientResponse.h"

#include "dispatch/RouteTable.h"

#include <QJsonObject>

class QHttpServerRequest;

namespace aisbf {
class Gateway;
}

namespace aisbf::http {

/**
 * POST …/chat/completions on every path. Request keys read here: model (string, required),
 * messages (non-empty array of {role, content…}, required), stream (bool), max_tokens /
 * max_completion_tokens (positive integer); everything else is forwarded untouched.
 */
class ChatController
{
public:
    explicit ChatController(Gateway &gateway) : m_gateway(gateway) {}

    void complete(const QHttpServerRequest &request, dispatch::Scope scope, const QString &scopeId,
                  ClientResponse &&response);

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
    /** Drops candidates whose token limits the request breaks; an error when none is left. */
    static std::optional<protocol::OpenAiError> fitToLimits(dispatch::Resolution &resolution,
                                                            const Parsed &parsed);

    Gateway &m_gateway;
};

} // namespace aisbf::http
