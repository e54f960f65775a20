// SPDX-License-Identifier: GPL-3.0-or-later
#include "Google.h"
#include "OpenAiShapes.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace aisbf::translate::google {

QString finishReason(const QString &reason, bool hasToolCalls)
{
    if (reason == QLatin1String("MAX_TOKENS"))
        return QStringLiteral("length");
    static const QLatin1String filtered[] = {
        QLatin1String("SAFETY"),      QLatin1String("RECITATION"),
        QLatin1String("BLOCKLIST"),   QLatin1String("PROHIBITED_CONTENT"),
        QLatin1String("SPII"),        QLatin1String("OTHER"),
        QLatin1String("IMAGE_SAFETY")};
    for (const QLatin1String &name : filtered) {
        if (reason == name)
            return QStringLiteral("content_filter");
    }
    // STOP and the rest (MALFORMED_FUNCTION_CALL, FINISH_REASON_UNSPECIFIED, ...).
    return hasToolCalls ? QStringLiteral("tool_calls") : QStringLiteral("stop");
}

QJsonObject usageOf(const QJsonObject &usageMetadata)
{
    const qint64 prompt = usageMetadata.value(QLatin1String("promptTokenCount")).toInteger();
    const qint64 candidates =
        usageMetadata.value(QLatin1String("candidatesTokenCount")).toInteger();
    const QJsonValue thoughts = usageMetadata.value(QLatin1String("thoughtsTokenCount"));
    const QJsonValue cached = usageMetadata.value(QLatin1String("cachedContentTokenCount"));
    // Gemini counts thinking apart from the answer; OpenAI bills it as completion tokens.
    return openai::usage(prompt, candidates + thoughts.toInteger(),
                         cached.isDouble() ? cached.toInteger() : -1,
                         thoughts.isDouble() ? thoughts.toInteger() : -1);
}

QJsonObject toolCallOf(const QJsonObject &functionCall, int index)
{
    const QJsonObject args = functionCall.value(QLatin1String("args")).toObject();
    return {{QStringLiteral("id"), QStringLiteral("call_%1").arg(index)},
            {QStringLiteral("type"), QStringLiteral("function")},
            {QStringLiteral("function"),
             QJsonObject{{QStringLiteral("name"), functionCall.value(QLatin1String("name"))},
                         {QStringLiteral("arguments"),
                          QString::fromUtf8(QJsonDocument(args).toJson(QJsonDocument::Compact))}}}};
}

QString errorOf(const QJsonObject &object)
{
    const QJsonValue error = object.value(QLatin1String("error"));
    if (error.isObject()) {
        const QString message = error.toObject().value(QLatin1String("message")).toString();
        return message.isEmpty() ? QStringLiteral("the provider reported an error") : message;
    }
    return error.isString() ? error.toString() : QString();
}

TranslatedResponse parseResponse(const QByteArray &body, const QString &model)
{
    const QJsonDocument document = QJsonDocument::fromJson(body);
    const QJsonObject root = document.object();
    if (const QString error = errorOf(root); !error.isEmpty())
        return {{}, QStringLiteral("google answered with an error: ") + error};
    const QJsonArray candidates = root.value(QLatin1String("candidates")).toArray();
    const QString blockReason = root.value(QLatin1String("promptFeedback"))
                                    .toObject()
                                    .value(QLatin1String("blockReason"))
                                    .toString();
    if (candidates.isEmpty() && blockReason.isEmpty())
        return {{},
                QStringLiteral("the google answer is not a GenerateContentResponse "
                               "(no candidates and no promptFeedback.blockReason)")};

    QString content;
    QString reasoning;
    QJsonArray toolCalls;
    QString finish = QStringLiteral("content_filter"); // a blocked prompt has no candidate
    if (!candidates.isEmpty()) {
        const QJsonObject candidate = candidates.first().toObject();
        const QJsonArray parts = candidate.value(QLatin1String("content"))
                                     .toObject()
                                     .value(QLatin1String("parts"))
                                     .toArray();
        for (const QJsonValue &value : parts) {
            const QJsonObject part = value.toObject();
            if (part.contains(QLatin1String("functionCall"))) {
                toolCalls.append(toolCallOf(part.value(QLatin1String("functionCall")).toObject(),
                                            int(toolCalls.size())));
            } else if (part.value(QLatin1String("thought")).toBool()) {
                reasoning += part.value(QLatin1String("text")).toString();
            } else {
                content += part.value(QLatin1String("text")).toString();
            }
        }
        finish = finishReason(candidate.value(QLatin1String("finishReason")).toString(),
                              !toolCalls.isEmpty());
    }

    QJsonObject message{{QStringLiteral("role"), QStringLiteral("assistant")}};
    // OpenAI sends content null beside tool calls when the model said nothing else.
    message.insert(QStringLiteral("content"), content.isEmpty() && !toolCalls.isEmpty()
                                                  ? QJsonValue(QJsonValue::Null)
                                                  : QJsonValue(content));
    if (!reasoning.isEmpty())
        message.insert(QStringLiteral("reasoning_content"), reasoning);
    if (!toolCalls.isEmpty())
        message.insert(QStringLiteral("tool_calls"), toolCalls);
    const QJsonObject usageMetadata = root.value(QLatin1String("usageMetadata")).toObject();
    return {openai::completion(openai::newCompletionId(), openai::nowSeconds(), model, message,
                               finish,
                               usageMetadata.isEmpty() ? QJsonObject() : usageOf(usageMetadata)),
            {}};
}

} // namespace aisbf::translate::google
