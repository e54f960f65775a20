// SPDX-License-Identifier: GPL-3.0-or-later
#include "TokenCounts.h"

namespace aisbf::protocol {

namespace {

// The integer after the last `"key":` in @p json, if any.
std::optional<qint64> lastNumberAfter(QByteArrayView json, QByteArrayView quotedKey)
{
    const qsizetype at = json.lastIndexOf(quotedKey);
    if (at < 0)
        return std::nullopt;
    qsizetype i = at + quotedKey.size();
    while (i < json.size() && (json[i] == ' ' || json[i] == '\t'))
        ++i;
    if (i >= json.size() || json[i] != ':')
        return std::nullopt;
    ++i;
    while (i < json.size() && (json[i] == ' ' || json[i] == '\t' || json[i] == '\n'))
        ++i;
    qint64 value = 0;
    qsizetype digits = 0;
    for (; i < json.size() && json[i] >= '0' && json[i] <= '9' && digits < 15; ++i, ++digits)
        value = value * 10 + (json[i] - '0');
    if (digits == 0)
        return std::nullopt;
    return value;
}

void take(std::optional<qint64> found, std::optional<qint64> *into)
{
    if (found)
        *into = found;
}

} // namespace

void scanTokenCounts(QByteArrayView json, TokenCounts *counts)
{
    // Cheap exit for the many events that carry no counts at all.
    if (!json.contains(QByteArrayView("_tokens\"")) && !json.contains(QByteArrayView("_count\"")))
        return;
    take(lastNumberAfter(json, "\"prompt_tokens\""), &counts->prompt);
    take(lastNumberAfter(json, "\"input_tokens\""), &counts->prompt);
    take(lastNumberAfter(json, "\"prompt_eval_count\""), &counts->prompt);
    take(lastNumberAfter(json, "\"completion_tokens\""), &counts->completion);
    take(lastNumberAfter(json, "\"output_tokens\""), &counts->completion);
    take(lastNumberAfter(json, "\"eval_count\""), &counts->completion);
}

} // namespace aisbf::protocol
