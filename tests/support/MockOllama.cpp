// SPDX-License-Identifier: GPL-3.0-or-later
#include "MockOllama.h"

#include "MockRoutes.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace aisbf::test {

namespace {

using payloads::jsonString;

QByteArray num(qint64 v)
{
    return QByteArray::number(v);
}

/** `"model":...,"created_at":...,"message":{...}` with @p extra message fields (",..."). */
QByteArray head(const Reply &r, const QByteArray &content, const QByteArray &extra = {})
{
    return R"({"model":)" + jsonString(r.model) + R"(,"created_at":")" + reply::rfc3339Now() +
           R"(","message":{"role":"assistant","content":)" + jsonString(content) + extra + '}';
}

QByteArray toolCalls(const Reply &r)
{
    return R"(,"tool_calls":[{"function":{"name":)" + jsonString(r.toolName) + R"(,"arguments":)" +
           reply::kToolArguments + "}}]";
}

QByteArray thinking(const QByteArray &text)
{
    return R"(,"thinking":)" + jsonString(text);
}

/** The done:true tail of the last (or only) object: reason and timing counters. */
QByteArray done(const Reply &r, int evalCount)
{
    const qint64 load = 1000000, promptEval = 2000000, eval = qint64(evalCount) * 10000000;
    return R"(,"done":true,"done_reason":"stop","total_duration":)" +
           num(load + promptEval + eval + 500000) + R"(,"load_duration":)" + num(load) +
           R"(,"prompt_eval_count":)" + num(r.promptTokens) + R"(,"prompt_eval_duration":)" +
           num(promptEval) + R"(,"eval_count":)" + num(evalCount) + R"(,"eval_duration":)" +
           num(eval) + '}';
}

int evalCount(const Reply &r, int mainTokens)
{
    return mainTokens + (r.thinking ? reply::kThinkingPieces : 0);
}

QByteArray tagsBody(const QStringList &models)
{
    QByteArray out = R"({"models":[)";
    for (qsizetype i = 0; i < models.size(); ++i) {
        const QByteArray name = jsonString(models.at(i).toUtf8());
        const QByteArray digest =
            QCryptographicHash::hash(models.at(i).toUtf8(), QCryptographicHash::Sha256).toHex();
        if (i > 0)
            out += ',';
        out += R"({"name":)" + name + R"(,"model":)" + name +
               R"(,"modified_at":"2025-01-01T00:00:00Z","size":4661224676,"digest":")" + digest +
               R"(","details":{"parent_model":"","format":"gguf","family":"llama",)"
               R"("families":["llama"],"parameter_size":"8.0B","quantization_level":"Q4_0"}})";
    }
    return out + "]}";
}

QByteArray firstTool(const QJsonObject &request)
{
    const QJsonObject tool = request.value(QLatin1String("tools")).toArray().at(0).toObject();
    return tool.value(QLatin1String("function"))
        .toObject()
        .value(QLatin1String("name"))
        .toString()
        .toUtf8();
}

bool endsWithToolResult(const QJsonObject &request)
{
    const QJsonArray messages = request.value(QLatin1String("messages")).toArray();
    return !messages.isEmpty() &&
           messages.last().toObject().value(QLatin1String("role")).toString() ==
               QLatin1String("tool");
}

} // namespace

int OllamaStream::count() const
{
    return (reply.thinking ? reply::kThinkingPieces : 0) +
           (reply.callsTool() ? 1 : reply.pieceCount(reply.chunks)) + 1;
}

QByteArray OllamaStream::event(int index) const
{
    const int thoughts = reply.thinking ? reply::kThinkingPieces : 0;
    if (index == count() - 1) {
        const int main = reply.callsTool() ? reply::kToolArgumentPieces : count() - 1 - thoughts;
        return head(reply, {}) + done(reply, evalCount(reply, main)) + '\n';
    }
    QByteArray message;
    if (index < thoughts)
        message = head(reply, {}, thinking(reply::thinkingPiece(index)));
    else if (reply.callsTool())
        message = head(reply, {}, toolCalls(reply));
    else
        message = head(reply, reply.piece(index - thoughts));
    return message + R"(,"done":false})" + '\n';
}

namespace ollama {

QByteArray errorBody(const QByteArray &message)
{
    return R"({"error":)" + jsonString(message) + '}';
}

RouteResult route(const MockConfig &config, const RecordedRequest &request, bool close,
                  quint64 sequence)
{
    Q_UNUSED(sequence);
    const QByteArray path = pathOf(request);
    const bool get = request.method == "GET";
    if (path == "/api/tags" || path == "/api/version") {
        if (!get)
            return jsonResult(405, errorBody("use GET"), close);
        return jsonResult(200,
                          path == "/api/tags" ? tagsBody(config.models)
                                              : QByteArray(R"({"version":"0.5.7"})"),
                          close);
    }
    if (path != "/api/chat")
        return jsonResult(404, errorBody("no route " + path), close);
    if (request.method != "POST")
        return jsonResult(405, errorBody("use POST"), close);

    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &error);
    if (!doc.isObject())
        return jsonResult(
            400, errorBody("body is not a JSON object: " + error.errorString().toUtf8()), close);
    const QJsonObject body = doc.object();
    const bool stream = body.value(QLatin1String("stream")).toBool(true);
    Reply r = baseReply(config, request, stream, firstTool(body), endsWithToolResult(body));
    r.model = body.value(QLatin1String("model")).toString().toUtf8();
    r.promptTokens = int(reply::textChars(body.value(QLatin1String("messages"))) / 4) + 1;
    if (stream)
        return streamResult(OllamaStream{r});

    QByteArray extra = r.thinking ? thinking(reply::thinkingText()) : QByteArray();
    if (r.callsTool())
        extra += toolCalls(r);
    const int tokens = r.callsTool() ? reply::kToolArgumentPieces : r.textTokens();
    return jsonResult(
        200, head(r, r.callsTool() ? QByteArray() : r.text, extra) + done(r, evalCount(r, tokens)),
        close);
}

} // namespace ollama

} // namespace aisbf::test
