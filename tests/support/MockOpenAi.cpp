// SPDX-License-Identifier: GPL-3.0-or-later
#include "MockOpenAi.h"

#include "MockRoutes.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace aisbf::test {

namespace {

using namespace payloads;

int promptTokens(const QJsonObject &request)
{
    qsizetype chars = 0;
    const QJsonArray messages = request.value(QLatin1String("messages")).toArray();
    for (const QJsonValue &m : messages)
        chars += m.toObject().value(QLatin1String("content")).toString().size();
    return int(chars / 4) + 1;
}

/** The first offered function, unless tool_choice is "none". */
QByteArray firstTool(const QJsonObject &request)
{
    const QJsonValue tools = request.value(QLatin1String("tools"));
    if (!tools.isArray() ||
        request.value(QLatin1String("tool_choice")).toString() == QLatin1String("none"))
        return {};
    return tools.toArray()
        .at(0)
        .toObject()
        .value(QLatin1String("function"))
        .toObject()
        .value(QLatin1String("name"))
        .toString()
        .toUtf8();
}

bool endsWithToolResult(const QJsonObject &request)
{
    const QJsonArray messages = request.value(QLatin1String("messages")).toArray();
    if (messages.isEmpty())
        return false;
    const QString role = messages.last().toObject().value(QLatin1String("role")).toString();
    return role == QLatin1String("tool") || role == QLatin1String("function");
}

} // namespace

int OpenAiStream::count() const
{
    if (reply.callsTool())
        return 2 + reply::kToolArgumentPieces;
    if (reply.roundTrip)
        return 2 + reply.pieceCount(0);
    return reply.chunks;
}

QByteArray OpenAiStream::event(int index) const
{
    const int chunks = count();
    const bool last = index == chunks - 1;
    if (reply.callsTool()) {
        if (index == 0)
            return chunkEvent(
                completion,
                R"({"role":"assistant","content":null,"tool_calls":[{"index":0,"id":)" +
                    jsonString(reply.toolCallId) + R"(,"type":"function","function":{"name":)" +
                    jsonString(reply.toolName) + R"(,"arguments":""}}]})",
                "null");
        if (last)
            return chunkEvent(completion, "{}", R"("tool_calls")");
        return chunkEvent(completion,
                          R"({"tool_calls":[{"index":0,"function":{"arguments":)" +
                              jsonString(reply::toolArgumentPiece(index - 1)) + "}}]}",
                          "null");
    }
    const QByteArray finish = last ? QByteArray(R"("stop")") : QByteArray("null");
    if (index == 0)
        return chunkEvent(completion, R"({"role":"assistant","content":""})", finish);
    if (last)
        return chunkEvent(completion, "{}", finish);
    if (reply.roundTrip)
        return chunkEvent(completion, R"({"content":)" + jsonString(reply.piece(index - 1)) + '}',
                          finish);
    return chunkEvent(completion, R"({"content":"tok)" + QByteArray::number(index - 1) + R"( "})",
                      finish);
}

QByteArray OpenAiStream::tail() const
{
    QByteArray out;
    if (includeUsage)
        out += httpChunk(usageEvent(completion, reply.callsTool() ? reply::kToolArgumentPieces
                                                                  : qMax(0, count() - 2)));
    out += httpChunk(doneEvent);
    out += "0\r\n\r\n";
    return out;
}

namespace openai {

RouteResult route(const MockConfig &config, const RecordedRequest &request, bool close,
                  quint64 sequence)
{
    const QByteArray path = pathOf(request);
    if (path == "/v1/models") {
        if (request.method != "GET")
            return jsonResult(405, errorBody(405, "use GET"), close);
        return jsonResult(200, modelsBody(config.models), close);
    }
    if (path != "/v1/chat/completions")
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
    Completion c;
    c.id = "chatcmpl-mock-" + QByteArray::number(sequence);
    c.model = body.value(QLatin1String("model")).toString().toUtf8();
    c.created = QDateTime::currentSecsSinceEpoch();
    c.promptTokens = promptTokens(body);

    const bool stream = body.value(QLatin1String("stream")).toBool();
    Reply r = baseReply(config, request, stream, firstTool(body), endsWithToolResult(body));
    r.id = c.id;
    r.model = c.model;
    r.promptTokens = c.promptTokens;
    if (r.callsTool())
        r.toolCallId = "call_mock_" + QByteArray::number(sequence);

    if (!stream) {
        if (r.callsTool())
            return jsonResult(200,
                              toolCallBody(c, r.toolCallId, r.toolName, reply::kToolArguments,
                                           reply::kToolArgumentPieces),
                              close);
        return jsonResult(200, completionBody(c, r.text, r.textTokens()), close);
    }
    OpenAiStream events;
    events.completion = c;
    events.reply = r;
    events.doneEvent = config.doneEvent;
    events.includeUsage = body.value(QLatin1String("stream_options"))
                              .toObject()
                              .value(QLatin1String("include_usage"))
                              .toBool();
    return streamResult(std::move(events));
}

} // namespace openai

} // namespace aisbf::test
