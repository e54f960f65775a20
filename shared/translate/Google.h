// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to the Google Gemini translator: the pieces GoogleProvider.cpp wires together.

#include "ProviderTranslator.h"

#include <QJsonObject>
#include <QString>

#include <memory>

namespace aisbf::translate::google {

// The API root: basePath when it already names a version ("/v1beta", "/v1"), else
// basePath + "/v1beta".
QByteArray apiBase(const QByteArray &basePath);

// OpenAI request → generateContent / streamGenerateContent request (GoogleRequest.cpp).
OutboundRequest buildRequest(const QJsonObject &openAi, const OutboundContext &context);
// tools, tool_choice and generation options into @p body; an error names the field
// (GoogleOptions.cpp).
QString addOptions(const QJsonObject &openAi, QJsonObject *body, QString *errorParam);
// A JSON schema without the keys Gemini rejects, at any depth (GoogleOptions.cpp).
QJsonObject stripSchema(const QJsonObject &schema);

// GenerateContentResponse → chat.completion (GoogleResponse.cpp).
TranslatedResponse parseResponse(const QByteArray &body, const QString &model);
// Gemini finishReason → OpenAI finish_reason.
QString finishReason(const QString &reason, bool hasToolCalls);
// usageMetadata → OpenAI usage.
QJsonObject usageOf(const QJsonObject &usageMetadata);
// One functionCall part → an OpenAI tool call {id, type, function{name, arguments}}.
QJsonObject toolCallOf(const QJsonObject &functionCall, int index);
// The message of an {"error":{...}} object, empty when @p object is not one.
QString errorOf(const QJsonObject &object);

// streamGenerateContent?alt=sse → chat.completion.chunk objects (GoogleStream.cpp).
std::unique_ptr<StreamDecoder> newStreamDecoder(const QString &model);

} // namespace aisbf::translate::google
