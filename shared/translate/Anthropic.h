// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to the Anthropic dialect: the pieces its provider translator and client codec share,
// split over AnthropicRequest.cpp, AnthropicProvider.cpp, AnthropicStream.cpp (provider side) and
// AnthropicClient*.cpp (client side).

#include "ClientCodec.h"
#include "ProviderTranslator.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLatin1String>

namespace aisbf::translate::anthropic {

/** basePath + path under "/v1", whether the operator wrote ".../v1" or the bare origin. */
QByteArray endpoint(const QByteArray &basePath, QByteArrayView pathAfterV1);

/** x-api-key (when there is a key) and anthropic-version. */
HeaderList requestHeaders(const OutboundContext &context);

/** Anthropic stop_reason → OpenAI finish_reason ("stop" for unknown or missing). */
QString finishReasonOf(const QString &stopReason);
/** OpenAI finish_reason → Anthropic stop_reason ("end_turn" for unknown or missing). */
QString stopReasonOf(const QString &finishReason);

inline QByteArray compactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// Provider side (OpenAI → Anthropic upstream).
OutboundRequest nativeRequest(const QJsonObject &openAi, const OutboundContext &context);
/** Anthropic usage {input_tokens, cache_*_input_tokens, output_tokens} → OpenAI usage. */
QJsonObject openAiUsage(const QJsonObject &usage);
std::unique_ptr<StreamDecoder> newStreamDecoder(const QString &model);

// Client side (Anthropic SDK client → OpenAI inside).
InboundRequest inboundRequest(const QJsonObject &client);
std::unique_ptr<StreamEncoder> newStreamEncoder(const QString &model);
/** OpenAI usage → Anthropic usage (input_tokens without the cached ones). */
QJsonObject clientUsage(const QJsonObject &openAiUsage);
/** "msg_" + the completion id without its "chatcmpl-" prefix (an Anthropic id is kept). */
QString messageId(const QString &completionId);

} // namespace aisbf::translate::anthropic
