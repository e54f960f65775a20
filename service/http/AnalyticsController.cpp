// SPDX-License-Identifier: GPL-3.0-or-later
#include "AnalyticsController.h"

#include "Request.h"

#include "../Gateway.h"
#include "control/ControlPlane.h"

#include <protocol/OpenAiError.h>
#include <store/AnalyticsStore.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTimer>
#include <QUrlQuery>

#include <cmath>

namespace aisbf::http {

namespace {

Q_LOGGING_CATEGORY(lcAnalytics, "aisbf.http")

using store::AnalyticsStore;
using store::UsageEvent;

constexpr qint64 kDefaultSpanMs = 24 * 3'600'000;

protocol::OpenAiError badRequest(const QString &message, const QString &param)
{
    return {400, message, {}, QByteArrayLiteral("invalid_request"), param};
}

protocol::OpenAiError storeFailed(const store::StoreError &error)
{
    return {500, error.toString(), {}, QByteArrayLiteral("store_error"), {}};
}

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QString param(const QUrlQuery &query, const char *key)
{
    return query.queryItemValue(QLatin1String(key), QUrl::FullyDecoded).trimmed();
}

/** ms since the epoch, or an ISO 8601 time (UTC when it names no offset). */
std::optional<qint64> parseTime(const QString &text)
{
    bool isNumber = false;
    const qint64 ms = text.toLongLong(&isNumber);
    if (isNumber && ms >= 0)
        return ms;
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid())
        return std::nullopt;
    if (time.timeSpec() == Qt::LocalTime)
        time.setTimeSpec(Qt::UTC); // the server's zone means nothing to the caller
    return time.toMSecsSinceEpoch();
}

struct Range
{
    qint64 fromMs = 0;
    qint64 toMs = 0;
};

/** `from` and `to` of @p query, or a 400 sent. */
std::optional<Range> readRange(const QUrlQuery &query, qint64 nowMs, ClientResponse &response)
{
    const QString toText = param(query, "to");
    const QString fromText = param(query, "from");
    const auto to = toText.isEmpty() ? std::optional(nowMs) : parseTime(toText);
    if (!to) {
        response.sendError(badRequest(
            QLatin1String("'to' must be an ISO 8601 time (2026-01-31T12:00:00Z) or ms since the "
                          "epoch, not \"") %
                toText % u'"',
            QStringLiteral("to")));
        return std::nullopt;
    }
    const auto from =
        fromText.isEmpty() ? std::optional(*to - kDefaultSpanMs) : parseTime(fromText);
    if (!from) {
        response.sendError(badRequest(
            QLatin1String("'from' must be an ISO 8601 time (2026-01-31T00:00:00Z) or ms since "
                          "the epoch, not \"") %
                fromText % u'"',
            QStringLiteral("from")));
        return std::nullopt;
    }
    if (*from > *to) {
        response.sendError(badRequest(QLatin1String("'from' (") % isoTime(*from) %
                                          QLatin1String(") must not be after 'to' (") %
                                          isoTime(*to) % u')',
                                      QStringLiteral("from")));
        return std::nullopt;
    }
    return Range{*from, *to};
}

double rounded(double value)
{
    return std::round(value * 100) / 100;
}

QJsonObject pointJson(const store::UsagePoint &point)
{
    const auto ttft = point.ttftAvgMs();
    return {{QStringLiteral("ts"), isoTime(point.ts)},
            {QStringLiteral("requests"), double(point.requests)},
            {QStringLiteral("errors"), double(point.errors)},
            {QStringLiteral("prompt_tokens"), double(point.promptTokens)},
            {QStringLiteral("completion_tokens"), double(point.completionTokens)},
            {QStringLiteral("latency_avg_ms"), rounded(point.latencyAvgMs())},
            {QStringLiteral("latency_max_ms"), double(point.latencyMaxMs)},
            {QStringLiteral("ttft_avg_ms"), ttft ? QJsonValue(rounded(*ttft)) : QJsonValue()}};
}

QJsonObject reportJson(const store::UsageReport &report)
{
    QJsonArray series;
    for (const store::UsageSeries &one : report.series) {
        QJsonArray points;
        for (const store::UsagePoint &point : one.points)
            points.append(pointJson(point));
        series.append(
            QJsonObject{{QStringLiteral("group"), one.group}, {QStringLiteral("points"), points}});
    }
    const store::UsageTotals &t = report.totals;
    return {{QStringLiteral("series"), series},
            {QStringLiteral("totals"),
             QJsonObject{{QStringLiteral("requests"), double(t.requests)},
                         {QStringLiteral("errors"), double(t.errors)},
                         {QStringLiteral("prompt_tokens"), double(t.promptTokens)},
                         {QStringLiteral("completion_tokens"), double(t.completionTokens)}}}};
}

// ---- export ----------------------------------------------------------------------------------

enum class Format
{
    Json,
    Csv
};

constexpr int kPageRows = 1000;
// A page is written when the client has taken all but this much of what was sent before, so a
// slow reader holds the export back instead of the gateway's memory filling up.
constexpr qint64 kMaxUnsentBytes = 512 * 1024;

QJsonValue intOrNull(std::optional<qint64> value)
{
    return value ? QJsonValue(double(*value)) : QJsonValue();
}

QByteArray jsonRow(const UsageEvent &e)
{
    const QJsonObject row{
        {QStringLiteral("id"), double(e.id)},
        {QStringLiteral("ts"), isoTime(e.ts)},
        {QStringLiteral("user"), e.username.isNull() ? QJsonValue() : QJsonValue(e.username)},
        {QStringLiteral("token_id"), intOrNull(e.tokenId)},
        {QStringLiteral("route_kind"), e.routeKind},
        {QStringLiteral("route_id"), e.routeId},
        {QStringLiteral("provider"), e.provider},
        {QStringLiteral("model"), e.model},
        {QStringLiteral("prompt_tokens"), double(e.promptTokens)},
        {QStringLiteral("completion_tokens"), double(e.completionTokens)},
        {QStringLiteral("latency_ms"), double(e.latencyMs)},
        {QStringLiteral("ttft_ms"), intOrNull(e.ttftMs)},
        {QStringLiteral("status"), e.status},
        {QStringLiteral("failovers"), e.failovers},
        {QStringLiteral("cache_hit"), e.cacheHit}};
    return QJsonDocument(row).toJson(QJsonDocument::Compact);
}

const QByteArray kCsvHeader =
    QByteArrayLiteral("id,ts,user,token_id,route_kind,route_id,provider,model,prompt_tokens,"
                      "completion_tokens,latency_ms,ttft_ms,status,failovers,cache_hit\r\n");

// RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled. A text
// that a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe, as
// OWASP advises for CSV exports: names in usage rows can come from clients.
QByteArray csvField(const QString &text)
{
    QByteArray bytes = text.toUtf8();
    if (!bytes.isEmpty() && QByteArrayView("=+-@\t\r").contains(bytes.front()))
        bytes.prepend('\'');
    const bool quote =
        bytes.contains(',') || bytes.contains('"') || bytes.contains('\n') || bytes.contains('\r');
    if (!quote)
        return bytes;
    return '"' + bytes.replace('"', QByteArrayLiteral("\"\"")) + '"';
}

QByteArray csvNumber(std::optional<qint64> value)
{
    return value ? QByteArray::number(*value) : QByteArray();
}

QByteArray csvRow(const UsageEvent &e)
{
    const QByteArrayList fields{csvNumber(e.id),
                                csvField(isoTime(e.ts)),
                                csvField(e.username),
                                csvNumber(e.tokenId),
                                csvField(e.routeKind),
                                csvField(e.routeId),
                                csvField(e.provider),
                                csvField(e.model),
                                csvNumber(e.promptTokens),
                                csvNumber(e.completionTokens),
                                csvNumber(e.latencyMs),
                                csvNumber(e.ttftMs),
                                csvNumber(e.status),
                                csvNumber(e.failovers),
                                e.cacheHit ? QByteArrayLiteral("true")
                                           : QByteArrayLiteral("false")};
    return fields.join(',') + "\r\n";
}

/**
 * One export from its first page to its last chunk. Owns the response; reads the next page
 * only when the client has taken most of the previous ones, and returns to the event loop
 * between pages so other requests are served. Deletes itself when done or when the client goes.
 * (A QObject only as the context of its connections: it has no signals or slots of its own.)
 */
class ExportStream : public QObject
{
public:
    ExportStream(Gateway &gateway, ClientResponse response, Format format, Range range)
        : m_gateway(gateway), m_response(std::move(response)), m_format(format), m_range(range)
    {}

    void start(const QList<UsageEvent> &firstPage)
    {
        m_gateway.sessionStarted(); // a drain waits for the export like for a chat
        if (GatewaySocket *socket = m_response.socket()) {
            connect(socket, &QAbstractSocket::disconnected, this, [this] { clientGone(); });
            connect(socket, &QObject::destroyed, this, [this] { clientGone(); });
            connect(socket, &QIODevice::bytesWritten, this, [this] { resumeIfDrained(); });
        }
        m_response.beginStream(200, m_format == Format::Csv
                                        ? QByteArrayLiteral("text/csv; charset=utf-8")
                                        : QByteArrayLiteral("application/json"));
        m_response.streamChunk(m_format == Format::Csv ? kCsvHeader
                                                       : QByteArrayLiteral("{\"data\":["));
        writePage(firstPage);
    }

private:
    void writePage(const QList<UsageEvent> &page)
    {
        QByteArray chunk;
        for (const UsageEvent &e : page) {
            if (m_format == Format::Csv) {
                chunk += csvRow(e);
            } else {
                if (m_rows > 0)
                    chunk += ',';
                chunk += jsonRow(e);
            }
            ++m_rows;
        }
        m_response.streamChunk(chunk);
        if (m_done)
            return; // the client went away while it was written
        if (page.size() < kPageRows)
            return finish();
        m_after = AnalyticsStore::Cursor{page.last().ts, page.last().id};
        if (!drained())
            m_waiting = true; // resumeIfDrained() goes on
        else
            QTimer::singleShot(0, this, [this] { nextPage(); });
    }

    void nextPage()
    {
        if (m_done)
            return;
        if (m_response.clientGone())
            return clientGone();
        control::ControlPlane *plane = m_gateway.controlPlane();
        const auto page = AnalyticsStore(plane->database())
                              .events(m_range.fromMs, m_range.toMs, m_after, kPageRows);
        if (!page) {
            // The head is sent: cutting the connection is the only honest way to say it failed.
            qCWarning(lcAnalytics).noquote()
                << "usage export stopped after" << m_rows << "rows:" << page.error().toString();
            m_response.abandon(500);
            return done();
        }
        writePage(*page);
    }

    bool drained() const
    {
        const GatewaySocket *socket = m_response.socket();
        return !socket || socket->bytesToWrite() <= kMaxUnsentBytes;
    }

    void resumeIfDrained()
    {
        if (!m_waiting || m_done || !drained())
            return;
        m_waiting = false;
        nextPage();
    }

    void finish()
    {
        if (m_format == Format::Json)
            m_response.streamChunk(QByteArrayLiteral("]}"));
        m_response.endStream();
        done();
    }

    void clientGone()
    {
        if (m_done)
            return;
        m_response.abandon(499);
        done();
    }

    void done()
    {
        if (m_done)
            return;
        m_done = true;
        m_gateway.sessionFinished();
        deleteLater();
    }

    Gateway &m_gateway;
    ClientResponse m_response;
    const Format m_format;
    const Range m_range;
    std::optional<AnalyticsStore::Cursor> m_after;
    qint64 m_rows = 0;
    bool m_waiting = false;
    bool m_done = false;
};

QString fileTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)
        .toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
}

} // namespace

void AnalyticsController::report(const Request &request, ClientResponse &&response)
{
    store::Database &db = m_gateway.controlPlane()->database(); // the router checked it exists
    const QUrlQuery query = request.query();
    const auto range = readRange(query, db.nowMs(), response);
    if (!range)
        return;
    const QString bucketText = param(query, "bucket");
    const auto bucket = bucketText.isEmpty() ? std::optional(store::UsageBucket::Hour)
                                             : store::usageBucketFromString(bucketText);
    if (!bucket)
        return response.sendError(badRequest(
            QLatin1String("'bucket' must be one of minute, hour, day, not \"") % bucketText % u'"',
            QStringLiteral("bucket")));
    const QString groupText = param(query, "group_by");
    const auto group = groupText.isEmpty() ? std::optional(store::UsageGroup::None)
                                           : store::usageGroupFromString(groupText);
    if (!group)
        return response.sendError(badRequest(
            QLatin1String("'group_by' must be one of provider, model, route, user (or none), "
                          "not \"") %
                groupText % u'"',
            QStringLiteral("group_by")));
    const qint64 buckets = AnalyticsStore::bucketCount(range->fromMs, range->toMs, *bucket);
    if (buckets > AnalyticsStore::kMaxBuckets) {
        // Name what can fix it: a coarser bucket, or (already by day) a shorter range.
        const bool coarser = *bucket != store::UsageBucket::Day;
        return response.sendError(
            badRequest(QStringLiteral("from..to spans %1 %2 buckets; at most %3 are allowed: %4")
                           .arg(buckets)
                           .arg(store::toString(*bucket))
                           .arg(AnalyticsStore::kMaxBuckets)
                           .arg(coarser ? QStringLiteral("use a larger 'bucket' or a shorter range")
                                        : QStringLiteral("use a later 'from'")),
                       coarser ? QStringLiteral("bucket") : QStringLiteral("from")));
    }
    const auto report = AnalyticsStore(db).report(range->fromMs, range->toMs, *bucket, *group);
    if (!report)
        return response.sendError(storeFailed(report.error()));
    QJsonObject body = reportJson(*report);
    body.insert(QStringLiteral("from"), isoTime(range->fromMs));
    body.insert(QStringLiteral("to"), isoTime(range->toMs));
    body.insert(QStringLiteral("bucket"), store::toString(*bucket));
    body.insert(QStringLiteral("group_by"), store::toString(*group));
    response.sendJson(200, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

void AnalyticsController::exportEvents(const Request &request, ClientResponse &&response)
{
    store::Database &db = m_gateway.controlPlane()->database();
    const QUrlQuery query = request.query();
    const QString formatText = param(query, "format");
    if (!formatText.isEmpty() && formatText != QLatin1String("json") &&
        formatText != QLatin1String("csv"))
        return response.sendError(
            badRequest(QLatin1String("'format' must be json or csv, not \"") % formatText % u'"',
                       QStringLiteral("format")));
    const Format format = formatText == QLatin1String("csv") ? Format::Csv : Format::Json;
    const auto range = readRange(query, db.nowMs(), response);
    if (!range)
        return;
    // The first page is read before anything is sent, so a failing database is a plain 500.
    const auto first = AnalyticsStore(db).events(range->fromMs, range->toMs, {}, kPageRows);
    if (!first)
        return response.sendError(storeFailed(first.error()));
    const QString file = QLatin1String("aisbf-usage-") % fileTime(range->fromMs) % u'-' %
                         fileTime(range->toMs) %
                         (format == Format::Csv ? QLatin1String(".csv") : QLatin1String(".json"));
    response.addHeader(QByteArrayLiteral("Content-Disposition"),
                       "attachment; filename=\"" + file.toLatin1() + '"');
    auto *stream = new ExportStream(m_gateway, std::move(response), format, *range);
    stream->start(*first);
}

} // namespace aisbf::http
