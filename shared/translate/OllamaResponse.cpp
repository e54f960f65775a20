// SPDX-License-Identifier: GPL-3.0-or-later
#include "Ollama.h"
#include "OpenAiShapes.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace aisbf::translate::ollama {

QJsonObject toolCallOf(const QJsonObject &call, int index)
{
    const QJsonObject function = call.value(QLatin1String("function")).toObject();
    const QJsonValue arguments = function.value(QLatin1String("arguments"));
    // Ollama sends arguments as an object; OpenAI carries them as a JSON string.
    const QString text =
        arguments.isString()
            ? arguments.toString()
            : QString::fromUtf8(QJsonDocument(arguments.toObject()).toJson(QJsonDocument::Compact));
    return {{QStringLiteral("id"), QStringLiteral("call_%1").arg(index)},
            {QStringLiteral("type"), QStringLiteral("function")},
            {QStringLiteral("function"),
             QJsonObject{{QStringLiteral("name"), function.value(QLatin1String("name"))},
                         {QStringLiteral("arguments"), text}}}};
}

QString finishReason(const QString &doneReason, bool hasToolCalls)
{
    if (hasToolCalls)
        return QStringLiteral("tool_calls");
    return doneReason == QLatin1String("length") ? QStringLiteral("length")
                                                 : QStringLiteral("stop");
}

QJsonObject usageOf(const QJsonObject &answer)
{
    return openai::usage(answer.value(QLatin1String("prompt_eval_count")).toInteger(),
                         answer.value(QLatin1String("eval_count")).toInteger());
}

TranslatedResponse parseResponse(const QByteArray &body, const QString &model)
{
    const QJsonObject answer = QJsonDocument::fromJson(body).object();
    if (answer.value(QLatin1String("error")).isString())
        return {{},
                QStringLiteral("ollama answered with an error: ") +
                    answer.value(QLatin1String("error")).toString()};
    const QJsonValue nativeMessage = answer.value(QLatin1String("message"));
    if (!nativeMessage.isObject())
        return {{}, QStringLiteral("the ollama answer is not an /api/chat response (no message)")};

    const QJsonObject native = nativeMessage.toObject();
    const QString content = native.value(QLatin1String("content")).toString();
    QJsonArray toolCalls;
    for (const QJsonValue &call : native.value(QLatin1String("tool_calls")).toArray())
        toolCalls.append(toolCallOf(call.toObject(), int(toolCalls.size())));

    QJsonObject message{{QStringLiteral("role"), QStringLiteral("assistant")}};
    // OpenAI sends content null beside tool calls when the model said nothing else.
    message.insert(QStringLiteral("content"), content.isEmpty() && !toolCalls.isEmpty()
                                                  ? QJsonValue(QJsonValue::Null)
                                                  : QJsonValue(content));
    const QString thinking = native.value(QLatin1String("thinking")).toString();
    if (!thinking.isEmpty())
        message.insert(QStringLiteral("reasoning_content"), thinking);
    if (!toolCalls.isEmpty())
        message.insert(QStringLiteral("tool_calls"), toolCalls);
    return {openai::completion(openai::newCompletionId(), openai::nowSeconds(), model, message,
                               finishReason(answer.value(QLatin1String("done_reason")).toString(),
                                            !toolCalls.isEmpty()),
                               usageOf(answer)),
            {}};
}

} // namespace aisbf::translate::ollama
