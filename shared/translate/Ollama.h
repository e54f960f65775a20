// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to the Ollama dialect: the provider side (gateway → Ollama's native /api/chat) and
// the client side (Ollama clients → gateway), wired together in OllamaProvider.cpp and
// OllamaClient.cpp.

#include "ClientCodec.h"
#include "ProviderTranslator.h"

#include <QJsonObject>
#include <QString>

#include <memory>

namespace aisbf::translate::ollama {

// --- provider side ---

// The server root: basePath without a trailing "/v1" or "/api".
QByteArray apiBase(const QByteArray &basePath);
// OpenAI request → /api/chat request (OllamaRequest.cpp).
OutboundRequest buildRequest(const QJsonObject &openAi, const OutboundContext &context);

// /api/chat answer → chat.completion (OllamaResponse.cpp).
TranslatedResponse parseResponse(const QByteArray &body, const QString &model);
// One Ollama tool call {function{name, arguments}} → OpenAI {id, type, function}.
QJsonObject toolCallOf(const QJsonObject &call, int index);
QString finishReason(const QString &doneReason, bool hasToolCalls);
// prompt_eval_count / eval_count of a done answer → OpenAI usage.
QJsonObject usageOf(const QJsonObject &answer);

// The NDJSON stream of /api/chat → chat.completion.chunk objects (OllamaStream.cpp).
std::unique_ptr<StreamDecoder> newStreamDecoder(const QString &model);

// --- client side ---

// An Ollama client's /api/chat request → OpenAI request (OllamaClientRequest.cpp).
InboundRequest readClientRequest(const QJsonObject &client);

// chat.completion → an Ollama /api/chat answer (OllamaClientStream.cpp).
QByteArray clientResponse(const QJsonObject &completion);
// chat.completion.chunk objects → Ollama's NDJSON lines.
std::unique_ptr<StreamEncoder> newStreamEncoder(const QString &model);
// {"error": message}
QByteArray errorLine(const QString &message);

} // namespace aisbf::translate::ollama
