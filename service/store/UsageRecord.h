// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <optional>

namespace aisbf::store {

/** One finished request, as usage is recorded: one event of a usage batch, counted in a usage
 * rollup. */
struct UsageRecord
{
    qint64 ts = 0; ///< ms since the epoch; 0 means "when enqueued"
    std::optional<qint64> userId;
    std::optional<qint64> tokenId;
    QString routeKind; ///< "provider", "rotation", "autoselect", "user-rotation", ...
    QString routeId;
    QString provider;
    QString model;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    qint64 latencyMs = 0;
    std::optional<qint64> ttftMs; ///< time to first token, for streams
    int status = 0;               ///< HTTP status sent to the client
    int failovers = 0;            ///< attempts that failed before the one that answered
    bool cacheHit = false;
};

/**
 * @p text as usage keeps it: at most 255 characters (the VARCHAR(255) columns of MySQL, whose
 * strict mode refuses more: one overlong model name must not cost a whole write), never null
 * (the columns are NOT NULL DEFAULT '').
 */
inline QString clipUsageText(const QString &text)
{
    if (text.isNull())
        return QStringLiteral("");
    if (text.size() <= 255)
        return text;
    return text.left(text.at(254).isHighSurrogate() ? 254 : 255); // no half a character
}

} // namespace aisbf::store
