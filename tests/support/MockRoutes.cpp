// SPDX-License-Identifier: GPL-3.0-or-later
#include "MockRoutes.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace aisbf::test {

namespace {

using namespace payloads;

QByteArray json(int status, const QByteArray &body, bool close)
{
    return response(status, "application/json", body, close);
}

int promptTokens(const QJsonObject &request)
{
    qsizetype chars = 0;
    const QJsonArray messages = request.value(QLatin1String("messages")).toArray();
    for (const QJsonValue &m : messages)
        chars += m.toObject().value(QLatin1String("content")).toString().size();
    return int(chars / 4) + 1;
}

int headerInt(const RecordedRequest &request, const QByteArray &name, int fallback, int max)
{
    bool ok = false;
    const int v = request.header(name).toInt(&ok);
    return ok && v >= 0 ? qMin(v, max) : fallback;
}

} // namespace

QByteArray StreamPlan::event(int index) const
{
    const bool last = index == chunks - 1;
    const QByteArray finish = last ? QByteArray(R"("stop")") : QByteArray("null");
    if (index == 0)
        return chunkEvent(completion, R"({"role":"assistant","content":""})", finish);
    if (last)
        return chunkEvent(completion, "{}", finish);
    return chunkEvent(completion, R"({"content":"tok)" + QByteArray::number(index - 1) + R"( "})",
                      finish);
}

QByteArray StreamPlan::tail() const
{
    QByteArray out;
    if (includeUsage)
        out += httpChunk(usageEvent(completion, qMax(0, chunks - 2)));
    out += httpChunk(doneEvent);
    out += "0\r\n\r\n";
    return out;
}

RouteResult route(const MockConfig &config, const RecordedRequest &request, bool close,
                  quint64 sequence)
{
    QByteArray path = request.path;
    if (const qsizetype q = path.indexOf('?'); q >= 0)
        path.truncate(q);

    if (path == "/v1/models") {
        if (request.method != "GET")
            return {json(405, errorBody(405, "use GET"), close), {}};
        return {json(200, modelsBody(config.models), close), {}};
    }
    if (path != "/v1/chat/completions")
        return {json(404, errorBody(404, "no route " + path), close), {}};
    if (request.method != "POST")
        return {json(405, errorBody(405, "use POST"), close), {}};

    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &error);
    if (!doc.isObject())
        return {json(400,
                     errorBody(400, "body is not a JSON object: " + error.errorString().toUtf8()),
                     close),
                {}};
    const QJsonObject body = doc.object();
    Completion c;
    c.id = "chatcmpl-mock-" + QByteArray::number(sequence);
    c.model = body.value(QLatin1String("model")).toString().toUtf8();
    c.created = QDateTime::currentSecsSinceEpoch();
    c.promptTokens = promptTokens(body);

    if (!body.value(QLatin1String("stream")).toBool()) {
        const QByteArray text = config.completionText.toUtf8();
        const int words =
            int(config.completionText.split(QLatin1Char(' '), Qt::SkipEmptyParts).size());
        return {json(200, completionBody(c, text, words), close), {}};
    }
    StreamPlan plan;
    plan.completion = c;
    plan.doneEvent = config.doneEvent;
    plan.chunks = qMax(1, headerInt(request, "x-mock-chunks", config.streamChunks, 1000000));
    plan.intervalMs = headerInt(request, "x-mock-interval-ms", config.streamIntervalMs, 3600000);
    plan.includeUsage = body.value(QLatin1String("stream_options"))
                            .toObject()
                            .value(QLatin1String("include_usage"))
                            .toBool();
    return {{}, plan};
}

} // namespace aisbf::test
