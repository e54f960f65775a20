// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonArray>
#include <QString>

#include <optional>

namespace aisbf::routing {

/**
 * The text of an OpenAI "messages" array an autoselect policy reads: string contents and "text"
 * parts, newest message last. @p userOnly keeps only "user" messages; @p lastMessages keeps the
 * last N of those (0 = all); the result is cut to its last @p maxChars characters, where the
 * newest request is.
 */
QString messagesText(const QJsonArray &messages, bool userOnly, int lastMessages, int maxChars);

/** Whether the request carries images (image_url / input_image parts). */
bool hasImageParts(const QJsonArray &messages);

/**
 * Why @p text looks private, or nothing. A local, deterministic check (no model, no network):
 * secrets (private key blocks, cloud and API key shapes, bearer tokens, passwords in
 * assignments, credentials in URLs), personal data (e-mail addresses, card numbers that pass
 * the Luhn check, IBANs, US social security numbers) and words that say so ("private",
 * "confidential", "secret", "proprietary", "customer data", "do not share"…). It errs on the
 * side of privacy: a false alarm only sends the request to a route marked private. The reason
 * names what was found, never the matched text.
 */
std::optional<QString> privateContentReason(const QString &text);

/** Why @p text looks NSFW (explicit sexual content), or nothing; a word list, as above. */
std::optional<QString> nsfwContentReason(const QString &text);

} // namespace aisbf::routing
