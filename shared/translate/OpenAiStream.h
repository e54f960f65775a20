// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ClientCodec.h"
#include "ProviderTranslator.h"

namespace aisbf::translate {

/**
 * The OpenAI ends of a translated stream: the decoder reads an OpenAI upstream's SSE into chunk
 * objects (for Anthropic and Ollama clients), the encoder writes chunk objects as OpenAI SSE
 * (for OpenAI clients of a native upstream). OpenAI-to-OpenAI never uses either: those bytes
 * are forwarded as they are.
 */
std::unique_ptr<StreamDecoder> openAiStreamDecoder();
std::unique_ptr<StreamEncoder> openAiStreamEncoder();

/** A whole OpenAI chat.completion body parsed; empty when it is not one. */
QJsonObject parseOpenAiCompletion(const QByteArray &body);

} // namespace aisbf::translate
