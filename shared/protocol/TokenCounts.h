// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArrayView>

#include <optional>

namespace aisbf::protocol {

/** Token counts an answer reports about itself (its "usage"), when it reports them. */
struct TokenCounts
{
    std::optional<qint64> prompt;
    std::optional<qint64> completion;
};

/**
 * Updates @p counts from the usage fields found in @p json, an answer body or stream event in
 * any client shape: OpenAI ("prompt_tokens", "completion_tokens"), Anthropic ("input_tokens",
 * "output_tokens") or Ollama ("prompt_eval_count", "eval_count"). A text search, not a parse:
 * it runs on every forwarded event, and the last value seen wins (streams report usage last).
 */
void scanTokenCounts(QByteArrayView json, TokenCounts *counts);

} // namespace aisbf::protocol
