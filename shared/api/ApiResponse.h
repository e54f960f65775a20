// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QString>

namespace aisbf::api {

/**
 * A failed admin API call, as a value: either the transport failed (no HTTP status) or the
 * gateway answered with an OpenAI-shaped error ({"error":{"message","type","code"}}).
 */
struct ApiError
{
    int status = 0;  ///< HTTP status; 0 when no answer came (connection refused, TLS, timeout)
    QString message; ///< the gateway's error.message, or what went wrong on the way
    QString type;    ///< error.type ("invalid_request_error", ...) or "network_error"
    QString code;    ///< error.code ("config_invalid", ...), may be empty
    QJsonArray diagnostics; ///< a 422 config refusal's [{file,path,severity,message}]

    /** True when the gateway could not be reached at all (as opposed to an error answer). */
    bool isNetwork() const { return status == 0; }
    /** "HTTP 401: unknown token" or "connection refused (http://…)" — for logs and stderr. */
    QString toString() const;
};

/** One finished admin API call: status, headers, body and, if it failed, the error. */
struct ApiResponse
{
    int status = 0;
    QByteArray body;
    QJsonValue json; ///< the parsed body when it is JSON, else undefined
    QList<QPair<QByteArray, QByteArray>> headers;
    bool failed = false;
    ApiError error; ///< meaningful when failed

    bool ok() const { return !failed; }
    QJsonObject object() const { return json.toObject(); }
    /** A response header, case-insensitive; empty when absent. */
    QByteArray header(const QByteArray &name) const;
};

/** Builds the ApiError for an answer with @p status and @p body (OpenAI error JSON or not). */
ApiError errorFromAnswer(int status, const QByteArray &body);

} // namespace aisbf::api
