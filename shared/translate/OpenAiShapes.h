// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

/**
 * Builders for the OpenAI objects every translator produces, so all dialects agree on the
 * exact shape OpenAI SDKs parse.
 */
namespace aisbf::translate::openai {

/** "chatcmpl-" + 24 random hex digits. */
QString newCompletionId();
qint64 nowSeconds();

/** {prompt_tokens, completion_tokens, total_tokens}; cached prompt tokens, when known, go in
 *  prompt_tokens_details.cached_tokens, reasoning tokens in completion_tokens_details. */
QJsonObject usage(qint64 promptTokens, qint64 completionTokens, qint64 cachedTokens = -1,
                  qint64 reasoningTokens = -1);

/** A chat.completion.chunk with one choice (index 0). finishReason null while streaming. */
QJsonObject chunk(const QString &id, qint64 created, const QString &model, const QJsonObject &delta,
                  const QJsonValue &finishReason = QJsonValue::Null);
/**
 * chunk() for one stream, made cheaply: building a chunk key by key cost more than the rest
 * of a translated event's work together, so the object is built once and each chunk only
 * replaces its delta and finish_reason.
 */
class ChunkTemplate
{
public:
    ChunkTemplate() = default;
    ChunkTemplate(const QString &id, qint64 created, const QString &model);
    bool isNull() const { return m_chunk.isEmpty(); }
    QJsonObject make(const QJsonObject &delta,
                     const QJsonValue &finishReason = QJsonValue::Null) const;

private:
    QJsonObject m_chunk;
    QJsonObject m_choice;
};

/** The final usage chunk: "choices": [] and "usage". */
QJsonObject usageChunk(const QString &id, qint64 created, const QString &model,
                       const QJsonObject &usage);
/** One tool call of an assistant message in an OpenAI request, its arguments parsed. */
struct ToolCall
{
    QString id;
    QString name;
    QJsonObject arguments; ///< "" (a call without parameters) reads as {}
};

/**
 * The tool_calls of the assistant message @p message. Native APIs want the arguments as an
 * object; arguments that are not a JSON object set @p error, naming
 * "<where>.tool_calls[k].function.arguments" (@p where is e.g. "messages[3]").
 */
QList<ToolCall> readToolCalls(const QJsonObject &message, const QString &where, QString *error);

/** A chat.completion with one choice; usage omitted when empty. */
QJsonObject completion(const QString &id, qint64 created, const QString &model,
                       const QJsonObject &message, const QString &finishReason,
                       const QJsonObject &usage);

} // namespace aisbf::translate::openai
