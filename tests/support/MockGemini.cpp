// SPDX-License-Identifier: GPL-3.0-or-later
#include "MockGemini.h"

#include "MockRoutes.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace aisbf::test {

namespace {

using payloads::jsonString;

QByteArray num(qint64 v)
{
    return QByteArray::number(v);
}

QByteArray textPart(const QByteArray &text, bool thought = false)
{
    return R"({"text":)" + jsonString(text) + (thought ? R"(,"thought":true})" : "}");
}

QByteArray functionCallPart(const Reply &r)
{
    return R"({"functionCall":{"name":)" + jsonString(r.toolName) + R"(,"args":)" +
           reply::kToolArguments + "}}";
}

/** One GenerateContentResponse; @p final adds finishReason and usageMetadata. */
QByteArray response(const Reply &r, const QByteArray &parts, bool final, int candidatesTokens)
{
    QByteArray out = R"({"candidates":[{"content":{"parts":[)" + parts + R"(],"role":"model"})";
    if (final)
        out += R"(,"finishReason":"STOP")";
    out += R"(,"index":0}])";
    if (final) {
        const int thoughts = r.thinking ? reply::kThinkingPieces : 0;
        out += R"(,"usageMetadata":{"promptTokenCount":)" + num(r.promptTokens) +
               R"(,"candidatesTokenCount":)" + num(candidatesTokens) + R"(,"totalTokenCount":)" +
               num(r.promptTokens + candidatesTokens + thoughts);
        if (thoughts > 0)
            out += R"(,"thoughtsTokenCount":)" + num(thoughts);
        out += '}';
    }
    out +=
        R"(,"modelVersion":)" + jsonString(r.model) + R"(,"responseId":)" + jsonString(r.id) + '}';
    return out;
}

QByteArray modelsBody(const QStringList &models)
{
    QByteArray out = R"({"models":[)";
    for (qsizetype i = 0; i < models.size(); ++i) {
        const QString &m = models.at(i);
        QString name = m;
        if (!name.startsWith(QLatin1String("models/")))
            name.prepend(QLatin1String("models/"));
        if (i > 0)
            out += ',';
        out += R"({"name":)" + jsonString(name.toUtf8()) + R"(,"version":"001","displayName":)" +
               jsonString(m.toUtf8()) +
               R"(,"description":"MockUpstream model","inputTokenLimit":1048576,)"
               R"("outputTokenLimit":8192,"supportedGenerationMethods":)"
               R"(["generateContent","countTokens"]})";
    }
    return out + "]}";
}

QJsonValue either(const QJsonObject &o, const char *camel, const char *snake)
{
    const QJsonValue v = o.value(QLatin1String(camel));
    return v.isUndefined() ? o.value(QLatin1String(snake)) : v;
}

/** The first declared function, unless toolConfig.functionCallingConfig.mode is NONE. */
QByteArray firstTool(const QJsonObject &request)
{
    const QJsonObject config = either(request, "toolConfig", "tool_config").toObject();
    const QJsonObject calling =
        either(config, "functionCallingConfig", "function_calling_config").toObject();
    if (calling.value(QLatin1String("mode")).toString() == QLatin1String("NONE"))
        return {};
    const QJsonArray tools = request.value(QLatin1String("tools")).toArray();
    for (const QJsonValue &tool : tools) {
        const QJsonArray declarations =
            either(tool.toObject(), "functionDeclarations", "function_declarations").toArray();
        if (!declarations.isEmpty())
            return declarations.first().toObject().value(QLatin1String("name")).toString().toUtf8();
    }
    return {};
}

/** The last content holds a functionResponse part. */
bool endsWithToolResult(const QJsonObject &request)
{
    const QJsonArray contents = request.value(QLatin1String("contents")).toArray();
    if (contents.isEmpty())
        return false;
    const QJsonArray parts = contents.last().toObject().value(QLatin1String("parts")).toArray();
    for (const QJsonValue &part : parts)
        if (!either(part.toObject(), "functionResponse", "function_response").isUndefined())
            return true;
    return false;
}

bool queryHas(const QByteArray &target, const QByteArray &item)
{
    const qsizetype q = target.indexOf('?');
    return q >= 0 && target.mid(q + 1).split('&').contains(item);
}

} // namespace

int GeminiStream::count() const
{
    return (reply.thinking ? reply::kThinkingPieces : 0) +
           (reply.callsTool() ? 1 : qMax(1, reply.pieceCount(reply.chunks)));
}

QByteArray GeminiStream::event(int index) const
{
    const int thoughts = reply.thinking ? reply::kThinkingPieces : 0;
    const bool final = index == count() - 1;
    const int main = index - thoughts;
    const QByteArray part = main < 0            ? textPart(reply::thinkingPiece(index), true)
                            : reply.callsTool() ? functionCallPart(reply)
                                                : textPart(reply.piece(main));
    const int tokens =
        reply.callsTool() ? reply::kToolArgumentPieces : qMax(1, reply.pieceCount(reply.chunks));
    const QByteArray json = response(reply, part, final, tokens);
    if (sse)
        return "data: " + json + "\r\n\r\n";
    return (index == 0 ? "[" : ",\r\n") + json;
}

QByteArray GeminiStream::tail() const
{
    if (sse)
        return QByteArrayLiteral("0\r\n\r\n");
    return payloads::httpChunk("]") + "0\r\n\r\n";
}

namespace gemini {

QByteArray errorBody(int status, const QByteArray &message)
{
    const char *code = status >= 500 ? "INTERNAL" : "INVALID_ARGUMENT";
    switch (status) {
    case 401:
        code = "UNAUTHENTICATED";
        break;
    case 403:
        code = "PERMISSION_DENIED";
        break;
    case 404:
        code = "NOT_FOUND";
        break;
    case 405:
    case 501:
        code = "UNIMPLEMENTED";
        break;
    case 429:
        code = "RESOURCE_EXHAUSTED";
        break;
    case 503:
        code = "UNAVAILABLE";
        break;
    case 504:
        code = "DEADLINE_EXCEEDED";
        break;
    default:
        break;
    }
    return R"({"error":{"code":)" + num(status) + R"(,"message":)" + jsonString(message) +
           R"(,"status":")" + QByteArray(code) + R"("}})";
}

RouteResult route(const MockConfig &config, const RecordedRequest &request, bool close,
                  quint64 sequence)
{
    const QByteArray path = pathOf(request);
    if (path.endsWith("/models")) {
        if (request.method != "GET")
            return jsonResult(405, errorBody(405, "use GET"), close);
        return jsonResult(200, modelsBody(config.models), close);
    }
    const qsizetype modelsAt = path.lastIndexOf("/models/");
    const qsizetype colon = path.lastIndexOf(':');
    const QByteArray method = colon > modelsAt ? path.mid(colon + 1) : QByteArray();
    if (modelsAt < 0 || (method != "generateContent" && method != "streamGenerateContent"))
        return jsonResult(404, errorBody(404, "no route " + path), close);
    if (request.method != "POST")
        return jsonResult(405, errorBody(405, "use POST"), close);

    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &error);
    if (!doc.isObject())
        return jsonResult(
            400, errorBody(400, "body is not a JSON object: " + error.errorString().toUtf8()),
            close);
    const QJsonObject body = doc.object();
    const bool stream = method == "streamGenerateContent";
    Reply r = baseReply(config, request, stream, firstTool(body), endsWithToolResult(body));
    r.id = "mock-" + num(qint64(sequence));
    r.model = QByteArray::fromPercentEncoding(path.mid(modelsAt + 8, colon - modelsAt - 8));
    r.promptTokens =
        int((reply::textChars(body.value(QLatin1String("contents"))) +
             reply::textChars(either(body, "systemInstruction", "system_instruction"))) /
            4) +
        1;
    if (stream)
        return streamResult(GeminiStream{r, queryHas(request.path, "alt=sse")});

    QByteArray parts;
    if (r.thinking)
        parts += textPart(reply::thinkingText(), true) + ',';
    parts += r.callsTool() ? functionCallPart(r) : textPart(r.text);
    const int tokens = r.callsTool() ? reply::kToolArgumentPieces : r.textTokens();
    return jsonResult(200, response(r, parts, true, tokens), close);
}

} // namespace gemini

} // namespace aisbf::test
