// SPDX-License-Identifier: GPL-3.0-or-later
#include "OpenAiShapes.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>

namespace aisbf::translate::openai {

QString newCompletionId()
{
    QRandomGenerator *random = QRandomGenerator::global();
    return QStringLiteral("chatcmpl-") +
           QString::number(random->generate64(), 16).rightJustified(16, u'0') +
           QString::number(random->generate(), 16).rightJustified(8, u'0');
}

qint64 nowSeconds()
{
    return QDateTime::currentSecsSinceEpoch();
}

QJsonObject usage(qint64 promptTokens, qint64 completionTokens, qint64 cachedTokens,
                  qint64 reasoningTokens)
{
    QJsonObject object{{QStringLiteral("prompt_tokens"), promptTokens},
                       {QStringLiteral("completion_tokens"), completionTokens},
                       {QStringLiteral("total_tokens"), promptTokens + completionTokens}};
    if (cachedTokens >= 0)
        object.insert(QStringLiteral("prompt_tokens_details"),
                      QJsonObject{{QStringLiteral("cached_tokens"), cachedTokens}});
    if (reasoningTokens >= 0)
        object.insert(QStringLiteral("completion_tokens_details"),
                      QJsonObject{{QStringLiteral("reasoning_tokens"), reasoningTokens}});
    return object;
}

QJsonObject chunk(const QString &id, qint64 created, const QString &model, const QJsonObject &delta,
                  const QJsonValue &finishReason)
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
            {QStringLiteral("created"), created},
            {QStringLiteral("model"), model},
            {QStringLiteral("choices"),
             QJsonArray{QJsonObject{{QStringLiteral("index"), 0},
                                    {QStringLiteral("delta"), delta},
                                    {QStringLiteral("finish_reason"), finishReason}}}}};
}

ChunkTemplate::ChunkTemplate(const QString &id, qint64 created, const QString &model)
    : m_chunk(chunk(id, created, model, {}))
{
    m_choice = m_chunk.value(QLatin1String("choices")).toArray().first().toObject();
}

QJsonObject ChunkTemplate::make(const QJsonObject &delta, const QJsonValue &finishReason) const
{
    QJsonObject choice = m_choice;
    choice.insert(QLatin1String("delta"), delta);
    if (!finishReason.isNull())
        choice.insert(QLatin1String("finish_reason"), finishReason);
    QJsonObject made = m_chunk;
    made.insert(QLatin1String("choices"), QJsonArray{choice});
    return made;
}

QJsonObject usageChunk(const QString &id, qint64 created, const QString &model,
                       const QJsonObject &usage)
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
            {QStringLiteral("created"), created},
            {QStringLiteral("model"), model},
            {QStringLiteral("choices"), QJsonArray{}},
            {QStringLiteral("usage"), usage}};
}

QList<ToolCall> readToolCalls(const QJsonObject &message, const QString &where, QString *error)
{
    QList<ToolCall> calls;
    const QJsonArray list = message.value(QLatin1String("tool_calls")).toArray();
    for (qsizetype k = 0; k < list.size(); ++k) {
        const QJsonObject call = list.at(k).toObject();
        const QJsonObject function = call.value(QLatin1String("function")).toObject();
        ToolCall read{call.value(QLatin1String("id")).toString(),
                      function.value(QLatin1String("name")).toString(),
                      {}};
        const QByteArray arguments =
            function.value(QLatin1String("arguments")).toString().toUtf8().trimmed();
        // Models emit "" for a call without parameters.
        if (!arguments.isEmpty()) {
            const QJsonDocument document = QJsonDocument::fromJson(arguments);
            if (!document.isObject()) {
                *error = where + QStringLiteral(".tool_calls[%1].function.arguments: not a JSON "
                                                "object")
                                     .arg(k);
                return {};
            }
            read.arguments = document.object();
        }
        calls.append(read);
    }
    return calls;
}

QJsonObject completion(const QString &id, qint64 created, const QString &model,
                       const QJsonObject &message, const QString &finishReason,
                       const QJsonObject &usage)
{
    QJsonObject object{{QStringLiteral("id"), id},
                       {QStringLiteral("object"), QStringLiteral("chat.completion")},
                       {QStringLiteral("created"), created},
                       {QStringLiteral("model"), model},
                       {QStringLiteral("choices"),
                        QJsonArray{QJsonObject{{QStringLiteral("index"), 0},
                                               {QStringLiteral("message"), message},
                                               {QStringLiteral("finish_reason"), finishReason},
                                               {QStringLiteral("logprobs"), QJsonValue::Null}}}}};
    if (!usage.isEmpty())
        object.insert(QStringLiteral("usage"), usage);
    return object;
}

} // namespace aisbf::translate::openai
