// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace aisbf::protocol {

/**
 * @p json (a valid JSON object, as the client sent it) with the value of every top-level
 * @p key replaced by @p literal (already JSON-encoded, e.g. "\"gpt-4.1\""). Everything else stays
 * byte for byte, so a request is forwarded without a parse-and-serialize round trip.
 * Returns nullopt when the key is not found verbatim (e.g. written with \u escapes); the caller
 * then falls back to re-serializing.
 */
std::optional<QByteArray> replaceTopLevelValue(const QByteArray &json, QByteArrayView key,
                                               QByteArrayView literal);

/** @p text as a JSON string literal, quotes included. */
QByteArray jsonStringLiteral(const QString &text);

} // namespace aisbf::protocol
