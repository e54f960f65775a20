// SPDX-License-Identifier: GPL-3.0-or-later
#include "MockAnthropic.h"

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

QByteArray sse(const char *name, const QByteArray &data)
{
    return "event: " + QByteArray(name) + "\ndata: " + data + "\n\n";
}

int outputTokens(const Reply &r)
{
    const int main = r.callsTool() ? reply::kToolArgumentPieces : r.textTokens();
    return main + (r.thinking ? reply::kThinkingPieces : 0);
}

QByteArray usage(const Reply &r, int output)
{
    return R"({"input_tokens":)" + num(r.promptTokens) + R"(,"output_tokens":)" + num(output) +
           R"(,"cache_read_input_tokens":0,"cache_creation_input_tokens":0})";
}

QByteArray stopReason(const Reply &r)
{
    return r.callsTool() ? "tool_use" : "end_turn";
}

QByteArray toolUseBlock(const Reply &r, const QByteArray &input)
{
    return R"({"type":"tool_use","id":)" + jsonString(r.toolCallId) + R"(,"name":)" +
           jsonString(r.toolName) + R"(,"input":)" + input + '}';
}

QByteArray messageBody(const Reply &r)
{
    QByteArray content;
    if (r.thinking)
        content += R"({"type":"thinking","thinking":)" + jsonString(reply::thinkingText()) +
                   R"(,"signature":")" + reply::kThinkingSignature + R"("},)";
    if (r.callsTool())
        content += toolUseBlock(r, reply::kToolArguments);
    else
        content += R"({"type":"text","text":)" + jsonString(r.text) + '}';
    return R"({"id":)" + jsonString(r.id) + R"(,"type":"message","role":"assistant","model":)" +
           jsonString(r.model) + R"(,"content":[)" + content + R"(],"stop_reason":")" +
           stopReason(r) + R"(","stop_sequence":null,"usage":)" + usage(r, outputTokens(r)) + '}';
}

QByteArray modelsBody(const QStringList &models)
{
    QByteArray data;
    for (const QString &m : models) {
        if (!data.isEmpty())
            data += ',';
        const QByteArray id = jsonString(m.toUtf8());
        data += R"({"type":"model","id":)" + id + R"(,"display_name":)" + id +
                R"(,"created_at":"2025-01-01T00:00:00Z"})";
    }
    const auto idOrNull = [&](qsizetype i) {
        return models.isEmpty() ? QByteArray("null") : jsonString(models.at(i).toUtf8());
    };
    return R"({"data":[)" + data + R"(],"has_more":false,"first_id":)" + idOrNull(0) +
           R"(,"last_id":)" + idOrNull(models.size() - 1) + '}';
}

/** The first offered tool, unless tool_choice is {"type":"none"}. */
QByteArray firstTool(const QJsonObject &request)
{
    const QJsonObject choice = request.value(QLatin1String("tool_choice")).toObject();
    if (choice.value(QLatin1String("type")).toString() == QLatin1String("none"))
        return {};
    const QJsonObject tool = request.value(QLatin1String("tools")).toArray().at(0).toObject();
    return tool.value(QLatin1String("name")).toString().toUtf8();
}

/** The last message is a user message holding a tool_result block. */
bool endsWithToolResult(const QJsonObject &request)
{
    const QJsonArray messages = request.value(QLatin1String("messages")).toArray();
    if (messages.isEmpty())
        return false;
    const QJsonObject last = messages.last().toObject();
    if (last.value(QLatin1String("role")).toString() != QLatin1String("user"))
        return false;
    const QJsonArray content = last.value(QLatin1String("content")).toArray();
    for (const QJsonValue &block : content)
        if (block.toObject().value(QLatin1String("type")).toString() ==
            QLatin1String("tool_result"))
            return true;
    return false;
}

} // namespace

int AnthropicStream::thinkingEvents() const
{
    return reply.thinking ? reply::kThinkingPieces + 3 : 0; // start, deltas, signature, stop
}

int AnthropicStream::mainDeltas() const
{
    return reply.callsTool() ? reply::kToolArgumentPieces : reply.pieceCount(reply.chunks);
}

int AnthropicStream::count() const
{
    return mainStart() + mainDeltas() + 4; // start, deltas, stop, message_delta, message_stop
}

bool AnthropicStream::pausesAfter(int index) const
{
    const bool thinkingDelta = reply.thinking && index >= 3 && index < 3 + reply::kThinkingPieces;
    const int firstDelta = mainStart() + 1;
    return thinkingDelta || (index >= firstDelta && index < firstDelta + mainDeltas() - 1);
}

QByteArray AnthropicStream::event(int index) const
{
    if (index == 0)
        return sse("message_start",
                   R"({"type":"message_start","message":{"id":)" + jsonString(reply.id) +
                       R"(,"type":"message","role":"assistant","model":)" +
                       jsonString(reply.model) +
                       R"(,"content":[],"stop_reason":null,"stop_sequence":null,"usage":)" +
                       usage(reply, 1) + "}}");
    if (index == 1)
        return sse("ping", R"({"type":"ping"})");

    const auto delta = [](int block, const QByteArray &d) {
        return sse("content_block_delta", R"({"type":"content_block_delta","index":)" + num(block) +
                                              R"(,"delta":)" + d + '}');
    };
    const auto blockStop = [](int block) {
        return sse("content_block_stop",
                   R"({"type":"content_block_stop","index":)" + num(block) + '}');
    };
    if (index < mainStart()) { // the thinking block, index 0
        const int i = index - 2;
        if (i == 0)
            return sse("content_block_start",
                       R"({"type":"content_block_start","index":0,"content_block":)"
                       R"({"type":"thinking","thinking":"","signature":""}})");
        if (i <= reply::kThinkingPieces)
            return delta(0, R"({"type":"thinking_delta","thinking":)" +
                                jsonString(reply::thinkingPiece(i - 1)) + '}');
        if (i == reply::kThinkingPieces + 1)
            return delta(0, R"({"type":"signature_delta","signature":")" +
                                QByteArray(reply::kThinkingSignature) + R"("})");
        return blockStop(0);
    }

    const int block = reply.thinking ? 1 : 0;
    const int i = index - mainStart();
    const int deltas = mainDeltas();
    if (i == 0)
        return sse("content_block_start",
                   R"({"type":"content_block_start","index":)" + num(block) +
                       R"(,"content_block":)" +
                       (reply.callsTool() ? toolUseBlock(reply, "{}")
                                          : QByteArray(R"({"type":"text","text":""})")) +
                       '}');
    if (i <= deltas) {
        if (reply.callsTool())
            return delta(block, R"({"type":"input_json_delta","partial_json":)" +
                                    jsonString(reply::toolArgumentPiece(i - 1)) + '}');
        return delta(block,
                     R"({"type":"text_delta","text":)" + jsonString(reply.piece(i - 1)) + '}');
    }
    if (i == deltas + 1)
        return blockStop(block);
    if (i == deltas + 2)
        return sse("message_delta",
                   R"({"type":"message_delta","delta":{"stop_reason":")" + stopReason(reply) +
                       R"(","stop_sequence":null},"usage":{"output_tokens":)" +
                       num(deltas + (reply.thinking ? reply::kThinkingPieces : 0)) + "}}");
    return sse("message_stop", R"({"type":"message_stop"})");
}

namespace anthropic {

QByteArray errorBody(int status, const QByteArray &message)
{
    const char *type = "invalid_request_error";
    switch (status) {
    case 401:
        type = "authentication_error";
        break;
    case 403:
        type = "permission_error";
        break;
    case 404:
        type = "not_found_error";
        break;
    case 413:
        type = "request_too_large";
        break;
    case 429:
        type = "rate_limit_error";
        break;
    case 529:
        type = "overloaded_error";
        break;
    default:
        if (status >= 500)
            type = "api_error";
        break;
    }
    return R"({"type":"error","error":{"type":")" + QByteArray(type) + R"(","message":)" +
           jsonString(message) + "}}";
}

RouteResult route(const MockConfig &config, const RecordedRequest &request, bool close,
                  quint64 sequence)
{
    const QByteArray path = pathOf(request);
    if (path == "/v1/models" || path == "/models") {
        if (request.method != "GET")
            return jsonResult(405, errorBody(405, "use GET"), close);
        return jsonResult(200, modelsBody(config.models), close);
    }
    if (path != "/v1/messages" && path != "/messages")
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
    const bool stream = body.value(QLatin1String("stream")).toBool();
    Reply r = baseReply(config, request, stream, firstTool(body), endsWithToolResult(body));
    r.id = "msg_mock_" + num(qint64(sequence));
    if (r.callsTool())
        r.toolCallId = "toolu_mock_" + num(qint64(sequence));
    r.model = body.value(QLatin1String("model")).toString().toUtf8();
    r.promptTokens = int((reply::textChars(body.value(QLatin1String("messages"))) +
                          reply::textChars(body.value(QLatin1String("system")))) /
                         4) +
                     1;
    if (!stream)
        return jsonResult(200, messageBody(r), close);
    return streamResult(AnthropicStream{r});
}

} // namespace anthropic

} // namespace aisbf::test
