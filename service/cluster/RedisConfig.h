// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "config/Diagnostic.h"

#include <QJsonObject>
#include <QProcessEnvironment>
#include <QString>

#include <optional>

namespace aisbf::cluster {

/**
 * Where the nodes of a cluster meet: the Redis keys of the "cache" object of aisbf.json.
 *
 *     "cache": {"type": "redis", "redis_host": "localhost", "redis_port": 6379,
 *               "redis_db": 0, "redis_password": null, "redis_key_prefix": "aisbf:"}
 *
 * "redis_password" is null (no AUTH), the password itself, or "$NAME" / "${NAME}" to read it
 * from the environment variable NAME.
 */
struct RedisConfig
{
    QString host = QStringLiteral("localhost");
    int port = 6379;
    int db = 0;
    QString password; ///< secret: never log it, never put it in an error; empty = no AUTH
    QString keyPrefix = QStringLiteral("aisbf:");

    /** TCP connect plus AUTH and SELECT; a slower attempt is dropped and retried. */
    int connectTimeoutMs = 3000;
    /** A connection that owes replies and has read nothing for this long is dropped. */
    int replyTimeoutMs = 10'000;
    /** Reconnect backoff: the first wait, doubled after each failure up to the last. */
    int reconnectMinMs = 100;
    int reconnectMaxMs = 5000;

    /**
     * Reads the "cache" object of @p aisbf (the whole aisbf.json document). Returns nullopt
     * when cache.type is not "redis" (nothing to do) or when a key is wrong; each problem goes
     * to @p diagnostics with file "aisbf.json", its JSON pointer and what to do.
     */
    static std::optional<RedisConfig> fromServerJson(const QJsonObject &aisbf,
                                                     const QProcessEnvironment &env,
                                                     config::Diagnostics &diagnostics);

    /** "redis localhost:6379/0 (prefix \"aisbf:\", with password)": safe to log. */
    QString describe() const;
};

} // namespace aisbf::cluster
