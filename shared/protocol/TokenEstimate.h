// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonArray>

namespace aisbf::protocol {

/**
 * Estimated prompt tokens of an OpenAI "messages" array without a tokenizer: about 4 bytes of
 * UTF-8 text per token plus a small per-message overhead, the rule of thumb OpenAI documents.
 * Bytes, not characters, are counted so non-Latin text errs towards more tokens, never fewer. Used
 * to keep a request away from models whose limits it would break.
 */
qint64 estimatePromptTokens(const QJsonArray &messages);

} // namespace aisbf::protocol
