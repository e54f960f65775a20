// SPDX-License-Identifier: GPL-3.0-or-later
#include "Ollama.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>

namespace aisbf::translate::ollama {

namespace {

// Ollama's created_at: RFC 3339 in UTC (Go writes nanoseconds; microseconds parse the same).
QString createdAt()
{
    return QDateTime::currentDateTimeUtc().toString(
        QStringLiteral("yyyy-MM-dd'T'HH:mm:ss.zzz'000Z'"));
}

// The same, cached for the millisecond it names: formatting a date costs more than the rest of
// a streamed line, and tokens arrive many to a millisecond.
class CreatedAtClock
{
public:
    const QString &now()
    {
        const qint64 msecs = QDateTime::currentMSecsSinceEpoch();
        if (msecs != m_msecs) {
            m_msecs = msecs;
            m_text = QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC)
                         .toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss.zzz'000Z'"));
        }
        return m_text;
    }

private:
    qint64 m_msecs = -1;
    QString m_text;
};

// A JSON string literal for @p text. Content lines are written by hand because building a
// QJsonObject per token and serialising it costs several times more.
void appendQuoted(QByteArray *out, QStringView text)
{
    static const char hex[] = "0123456789abcdef";
    const QByteArray utf8 = text.toUtf8();
    out->reserve(out->size() + utf8.size() + 2);
    out->append('"');
    qsizetype run = 0; // start of the bytes not yet copied: copied in one go up to an escape
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(utf8[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out->append(utf8.constData() + run, i - run);
        run = i + 1;
        switch (c) {
        case '"':
            out->append("\\\"");
            break;
        case '\\':
            out->append("\\\\");
            break;
        case '\n':
            out->append("\\n");
            break;
        case '\r':
            out->append("\\r");
            break;
        case '\t':
            out->append("\\t");
            break;
        default:
            out->append("\\u00");
            out->append(hex[c >> 4]);
            out->append(hex[c & 0xF]);
        }
    }
    out->append(utf8.constData() + run, utf8.size() - run);
    out->append('"');
}

// Ollama clients type tool arguments as an object; a model's malformed JSON becomes {}.
QJsonObject argumentsObject(const QString &arguments)
{
    return QJsonDocument::fromJson(arguments.toUtf8()).object();
}

QJsonArray nativeToolCalls(const QJsonArray &openAiCalls)
{
    QJsonArray calls;
    for (const QJsonValue &value : openAiCalls) {
        const QJsonObject function = value.toObject().value(QLatin1String("function")).toObject();
        calls.append(QJsonObject{
            {QStringLiteral("function"),
             QJsonObject{
                 {QStringLiteral("name"), function.value(QLatin1String("name"))},
                 {QStringLiteral("arguments"),
                  argumentsObject(function.value(QLatin1String("arguments")).toString())}}}});
    }
    return calls;
}

QString doneReason(const QString &finishReason)
{
    return finishReason == QLatin1String("length") ? QStringLiteral("length")
                                                   : QStringLiteral("stop");
}

class OllamaStreamEncoder final : public StreamEncoder
{
public:
    explicit OllamaStreamEncoder(const QString &model)
    {
        m_prefix = "{\"model\":";
        appendQuoted(&m_prefix, model);
        m_prefix += ",\"created_at\":";
    }

    QByteArray chunk(const QJsonObject &openAiChunk) override
    {
        const QJsonObject usage = openAiChunk.value(QLatin1String("usage")).toObject();
        if (!usage.isEmpty()) {
            m_promptTokens = usage.value(QLatin1String("prompt_tokens")).toInteger();
            m_completionTokens = usage.value(QLatin1String("completion_tokens")).toInteger();
        }
        const QJsonArray choices = openAiChunk.value(QLatin1String("choices")).toArray();
        if (choices.isEmpty())
            return {};
        const QJsonObject choice = choices.first().toObject();
        const QJsonObject delta = choice.value(QLatin1String("delta")).toObject();
        QByteArray out;
        const QString content = delta.value(QLatin1String("content")).toString();
        const QString thinking = delta.value(QLatin1String("reasoning_content")).toString();
        if (!content.isEmpty() || !thinking.isEmpty())
            out += textLine(content, thinking);
        collectToolCalls(delta.value(QLatin1String("tool_calls")).toArray());
        const QJsonValue finish = choice.value(QLatin1String("finish_reason"));
        if (finish.isString()) {
            m_finishReason = finish.toString();
            out += toolCallsLine();
        }
        return out;
    }

    QByteArray finish() override
    {
        // Calls still held if the upstream never sent a finish_reason.
        QByteArray out = toolCallsLine();
        out += m_prefix;
        appendQuoted(&out, m_clock.now());
        out += ",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,"
               "\"done_reason\":";
        appendQuoted(&out, doneReason(m_finishReason));
        out += ",\"total_duration\":0,\"load_duration\":0,\"prompt_eval_count\":" +
               QByteArray::number(m_promptTokens) +
               ",\"eval_count\":" + QByteArray::number(m_completionTokens) + "}\n";
        return out;
    }

    QByteArray error(const QString &message) override { return errorLine(message); }

private:
    struct PendingCall
    {
        QString name;
        QString arguments;
    };

    QByteArray textLine(const QString &content, const QString &thinking)
    {
        QByteArray line = m_prefix;
        appendQuoted(&line, m_clock.now());
        line += ",\"message\":{\"role\":\"assistant\",\"content\":";
        appendQuoted(&line, content);
        if (!thinking.isEmpty()) {
            line += ",\"thinking\":";
            appendQuoted(&line, thinking);
        }
        line += "},\"done\":false}\n";
        return line;
    }

    // OpenAI streams a call's arguments in pieces; Ollama clients need each call whole.
    void collectToolCalls(const QJsonArray &calls)
    {
        for (const QJsonValue &value : calls) {
            const QJsonObject call = value.toObject();
            PendingCall &pending = m_calls[call.value(QLatin1String("index")).toInt()];
            const QJsonObject function = call.value(QLatin1String("function")).toObject();
            const QString name = function.value(QLatin1String("name")).toString();
            if (!name.isEmpty())
                pending.name = name;
            pending.arguments += function.value(QLatin1String("arguments")).toString();
        }
    }

    QByteArray toolCallsLine()
    {
        if (m_calls.isEmpty())
            return {};
        QJsonArray calls;
        for (const PendingCall &call : std::as_const(m_calls))
            calls.append(QJsonObject{
                {QStringLiteral("function"),
                 QJsonObject{{QStringLiteral("name"), call.name},
                             {QStringLiteral("arguments"), argumentsObject(call.arguments)}}}});
        m_calls.clear();
        QByteArray line = m_prefix;
        appendQuoted(&line, m_clock.now());
        line += ",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":" +
                QJsonDocument(calls).toJson(QJsonDocument::Compact) + "},\"done\":false}\n";
        return line;
    }

    QByteArray m_prefix; // {"model":"...","created_at":
    CreatedAtClock m_clock;
    QMap<int, PendingCall> m_calls;
    QString m_finishReason;
    qint64 m_promptTokens = 0;
    qint64 m_completionTokens = 0;
};

} // namespace

QByteArray errorLine(const QString &message)
{
    QByteArray line = "{\"error\":";
    appendQuoted(&line, message);
    return line + "}\n";
}

QByteArray clientResponse(const QJsonObject &completion)
{
    const QJsonObject choice =
        completion.value(QLatin1String("choices")).toArray().first().toObject();
    const QJsonObject message = choice.value(QLatin1String("message")).toObject();
    const QJsonObject usage = completion.value(QLatin1String("usage")).toObject();
    QJsonObject native{
        {QStringLiteral("role"), QStringLiteral("assistant")},
        {QStringLiteral("content"), message.value(QLatin1String("content")).toString()}};
    const QString thinking = message.value(QLatin1String("reasoning_content")).toString();
    if (!thinking.isEmpty())
        native.insert(QStringLiteral("thinking"), thinking);
    const QJsonArray calls = message.value(QLatin1String("tool_calls")).toArray();
    if (!calls.isEmpty())
        native.insert(QStringLiteral("tool_calls"), nativeToolCalls(calls));
    const QJsonObject answer{{QStringLiteral("model"), completion.value(QLatin1String("model"))},
                             {QStringLiteral("created_at"), createdAt()},
                             {QStringLiteral("message"), native},
                             {QStringLiteral("done"), true},
                             {QStringLiteral("done_reason"),
                              doneReason(choice.value(QLatin1String("finish_reason")).toString())},
                             {QStringLiteral("total_duration"), 0},
                             {QStringLiteral("load_duration"), 0},
                             {QStringLiteral("prompt_eval_count"),
                              usage.value(QLatin1String("prompt_tokens")).toInteger()},
                             {QStringLiteral("eval_count"),
                              usage.value(QLatin1String("completion_tokens")).toInteger()}};
    return QJsonDocument(answer).toJson(QJsonDocument::Compact);
}

std::unique_ptr<StreamEncoder> newStreamEncoder(const QString &model)
{
    return std::make_unique<OllamaStreamEncoder>(model);
}

} // namespace aisbf::translate::ollama
