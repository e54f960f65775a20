// SPDX-License-Identifier: GPL-3.0-or-later
#include "MockDialectFixtures.h"

#include "MockTestClient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

namespace aisbf::test::fixtures {

namespace {

QString compact(const QJsonValue &v)
{
    const QJsonDocument doc =
        v.isObject() ? QJsonDocument(v.toObject()) : QJsonDocument(QJsonArray{v});
    const QString text = QString::fromUtf8(doc.toJson(QJsonDocument::Compact));
    return v.isObject() ? text : text.mid(1, text.size() - 2);
}

QString str(const QJsonValue &v)
{
    return v.toString();
}

void add(QStringList &out, const char *label, const QString &value)
{
    out.append(QLatin1String(label) + value);
}

QString callLine(const QJsonObject &call, const char *argsKey)
{
    return str(call.value(QLatin1String("name"))) + QLatin1Char(':') +
           compact(call.value(QLatin1String(argsKey)));
}

void openAiEvent(QStringList &out, const QByteArray &payload)
{
    if (payload == "[DONE]") {
        out.append(QStringLiteral("[DONE]"));
        return;
    }
    const QJsonObject event = QJsonDocument::fromJson(payload).object();
    const QJsonArray choices = event.value(QLatin1String("choices")).toArray();
    if (choices.isEmpty()) {
        out.append(QStringLiteral("usage"));
        return;
    }
    const QJsonObject choice = choices.at(0).toObject();
    const QJsonObject delta = choice.value(QLatin1String("delta")).toObject();
    if (delta.contains(QLatin1String("role")))
        out.append(QStringLiteral("role"));
    if (!str(delta.value(QLatin1String("content"))).isEmpty())
        add(out, "text:", str(delta.value(QLatin1String("content"))));
    const QJsonObject call = jsonAt(delta, QStringLiteral("tool_calls/0/function")).toObject();
    if (call.contains(QLatin1String("name")))
        add(out, "call:", str(call.value(QLatin1String("name"))));
    if (!str(call.value(QLatin1String("arguments"))).isEmpty())
        add(out, "args:", str(call.value(QLatin1String("arguments"))));
    if (choice.value(QLatin1String("finish_reason")).isString())
        add(out, "finish:", str(choice.value(QLatin1String("finish_reason"))));
}

void anthropicEvent(QStringList &out, const QByteArray &name, const QJsonObject &data)
{
    const QString type = str(data.value(QLatin1String("type")));
    if (type != QString::fromUtf8(name)) {
        add(out, "MISMATCH:", type);
    } else if (type == QLatin1String("content_block_start")) {
        const QJsonObject block = data.value(QLatin1String("content_block")).toObject();
        QString line = str(block.value(QLatin1String("type")));
        if (block.contains(QLatin1String("name")))
            line += QLatin1Char(':') + str(block.value(QLatin1String("name")));
        add(out, "start:", line);
    } else if (type == QLatin1String("content_block_delta")) {
        const QJsonObject delta = data.value(QLatin1String("delta")).toObject();
        const QString kind = str(delta.value(QLatin1String("type")));
        if (kind == QLatin1String("text_delta"))
            add(out, "text:", str(delta.value(QLatin1String("text"))));
        else if (kind == QLatin1String("thinking_delta"))
            add(out, "thinking:", str(delta.value(QLatin1String("thinking"))));
        else if (kind == QLatin1String("input_json_delta"))
            add(out, "args:", str(delta.value(QLatin1String("partial_json"))));
        else if (kind == QLatin1String("signature_delta"))
            out.append(QStringLiteral("signature"));
        else
            add(out, "delta:", kind);
    } else if (type == QLatin1String("content_block_stop")) {
        out.append(QStringLiteral("stop"));
    } else if (type == QLatin1String("message_delta")) {
        add(out, "message_delta:", jsonAt(data, QStringLiteral("delta/stop_reason")).toString());
    } else {
        out.append(type);
    }
}

void geminiEvent(QStringList &out, const QJsonObject &response)
{
    const QJsonObject candidate = jsonAt(response, QStringLiteral("candidates/0")).toObject();
    const QJsonArray parts = jsonAt(candidate, QStringLiteral("content/parts")).toArray();
    for (const QJsonValue &p : parts) {
        const QJsonObject part = p.toObject();
        if (part.contains(QLatin1String("functionCall")))
            add(out,
                "call:", callLine(part.value(QLatin1String("functionCall")).toObject(), "args"));
        else
            add(out, part.value(QLatin1String("thought")).toBool() ? "thought:" : "text:",
                str(part.value(QLatin1String("text"))));
    }
    if (candidate.contains(QLatin1String("finishReason")))
        add(out, "finish:", str(candidate.value(QLatin1String("finishReason"))));
    if (response.contains(QLatin1String("usageMetadata")))
        out.append(QStringLiteral("usage"));
}

void ollamaLine(QStringList &out, const QJsonObject &line)
{
    const QJsonObject message = line.value(QLatin1String("message")).toObject();
    if (!str(message.value(QLatin1String("thinking"))).isEmpty())
        add(out, "thinking:", str(message.value(QLatin1String("thinking"))));
    if (!str(message.value(QLatin1String("content"))).isEmpty())
        add(out, "text:", str(message.value(QLatin1String("content"))));
    const QJsonArray calls = message.value(QLatin1String("tool_calls")).toArray();
    for (const QJsonValue &call : calls)
        add(out, "call:",
            callLine(call.toObject().value(QLatin1String("function")).toObject(), "arguments"));
    if (line.value(QLatin1String("done")).toBool())
        add(out, "done:", str(line.value(QLatin1String("done_reason"))));
}

} // namespace

QStringList strings(std::initializer_list<const char *> items)
{
    QStringList out;
    for (const char *item : items)
        out.append(QString::fromUtf8(item));
    return out;
}

QByteArray withStream(const QByteArray &body, bool stream)
{
    QJsonObject o = QJsonDocument::fromJson(body).object();
    o.insert(QLatin1String("stream"), stream);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray anthropic(const QByteArray &body, const QByteArray &headers)
{
    return httpRequest("POST", "/v1/messages", body, kAnthropicHeaders + headers);
}

QByteArray gemini(const QByteArray &method, const QByteArray &body, const QByteArray &headers)
{
    return httpRequest("POST", "/v1beta/models/gemini-x:" + method, body, kGeminiHeaders + headers);
}

QByteArray ollama(const QByteArray &body, const QByteArray &headers)
{
    return httpRequest("POST", "/api/chat", body, headers);
}

QByteArray openai(const QByteArray &body, const QByteArray &headers)
{
    return httpRequest("POST", "/v1/chat/completions", body, headers);
}

bool responseComplete(const QByteArray &data)
{
    const qsizetype headEnd = data.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return false;
    if (responseHeader(data, "transfer-encoding") == "chunked")
        return data.endsWith("\r\n0\r\n\r\n");
    return data.size() >= headEnd + 4 + responseHeader(data, "content-length").toLongLong();
}

QByteArray exchange(quint16 port, const QByteArray &request)
{
    RawClient client(port);
    client.send(request);
    if (!QTest::qWaitFor([&client] { return responseComplete(client.data()); }, 5000))
        qWarning("incomplete response: %s", client.data().constData());
    return client.data();
}

QJsonValue jsonAt(const QJsonValue &root, const QString &path)
{
    QJsonValue v = root;
    const QStringList segments = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    for (const QString &segment : segments)
        v = v.isArray() ? v.toArray().at(segment.toInt()) : v.toObject().value(segment);
    return v;
}

void verifyFields(const QJsonValue &root, const QStringList &checks)
{
    for (const QString &check : checks) {
        const qsizetype at = check.indexOf(QRegularExpression(QStringLiteral("[=~]")));
        QVERIFY2(at > 0, qPrintable(check));
        const QJsonValue actual = jsonAt(root, check.left(at));
        const QString expected = check.mid(at + 1);
        const QByteArray message = (check + QLatin1String(" | got ") + compact(actual)).toUtf8();
        if (check.at(at) == QLatin1Char('~')) {
            QVERIFY2(!actual.isUndefined() &&
                         (expected.isEmpty() || actual.toString().startsWith(expected)),
                     message.constData());
        } else {
            const QJsonArray wrapped =
                QJsonDocument::fromJson('[' + expected.toUtf8() + ']').array();
            QVERIFY2(wrapped.size() == 1, qPrintable(check));
            QVERIFY2(actual == wrapped.at(0), message.constData());
        }
    }
}

QByteArray streamContentType(const QByteArray &format)
{
    if (format == "ollama")
        return "application/x-ndjson";
    if (format == "gemini-array")
        return "application/json";
    return "text/event-stream";
}

QStringList summarise(const QByteArray &format, const QList<QByteArray> &chunks)
{
    QStringList out;
    if (format == "gemini-array") {
        QByteArray body;
        for (const QByteArray &chunk : chunks)
            body += chunk;
        const QJsonArray array = QJsonDocument::fromJson(body).array();
        if (array.isEmpty())
            add(out, "BAD:", QString::fromUtf8(body));
        for (const QJsonValue &v : array)
            geminiEvent(out, v.toObject());
        return out;
    }
    for (const QByteArray &chunk : chunks) {
        const QString bad = QString::fromUtf8(chunk);
        if (format == "ollama") {
            if (!chunk.endsWith('\n') || chunk.count('\n') != 1)
                add(out, "BAD:", bad);
            ollamaLine(out, QJsonDocument::fromJson(chunk).object());
        } else if (format == "gemini") {
            if (!chunk.startsWith("data: ") || !chunk.endsWith("\r\n\r\n"))
                add(out, "BAD:", bad);
            geminiEvent(out, QJsonDocument::fromJson(chunk.mid(6).chopped(4)).object());
        } else if (format == "anthropic") {
            const QList<QByteArray> lines = chunk.split('\n');
            if (!chunk.endsWith("\n\n") || lines.size() != 4 ||
                !lines.at(0).startsWith("event: ") || !lines.at(1).startsWith("data: "))
                add(out, "BAD:", bad);
            else
                anthropicEvent(out, lines.at(0).mid(7),
                               QJsonDocument::fromJson(lines.at(1).mid(6)).object());
        } else {
            if (!chunk.startsWith("data: ") || !chunk.endsWith("\n\n"))
                add(out, "BAD:", bad);
            openAiEvent(out, chunk.mid(6).chopped(2));
        }
    }
    return out;
}

} // namespace aisbf::test::fixtures
