// SPDX-License-Identifier: GPL-3.0-or-later
#include "AnalyticsModel.h"

#include <api/AdminClient.h>

#include <QColor>
#include <QPointF>
#include <QUrlQuery>

namespace aisbf::app {

namespace {

// Distinguishable on the dark theme, in the order series get them.
const char *const palette[] = {"#4f9cf9", "#34c38f", "#f1b44c", "#f46a6a", "#a78bfa",
                               "#22d3ee", "#fb7185", "#a3e635", "#f59e0b", "#94a3b8"};

qint64 bucketMs(const QString &bucket)
{
    if (bucket == QLatin1String("minute"))
        return 60'000;
    if (bucket == QLatin1String("hour"))
        return 3'600'000;
    if (bucket == QLatin1String("day"))
        return 86'400'000;
    return 0;
}

// The gateway answers at most 10,000 buckets; a range beyond that is not zero-filled.
constexpr qint64 kMaxFilledBuckets = 10'000;

} // namespace

AnalyticsModel::AnalyticsModel(api::AdminClient *client, QObject *parent)
    : ApiListModel(client, parent)
{}

QVariant AnalyticsModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const QVariantMap s = seriesAt(index.row());
    switch (role) {
    case GroupRole:
        return s.value(QStringLiteral("group"));
    case ColorRole:
        return s.value(QStringLiteral("color"));
    case PointsRole:
        return s.value(QStringLiteral("points"));
    case TotalRole:
        return s.value(QStringLiteral("total"));
    default:
        return {};
    }
}

QHash<int, QByteArray> AnalyticsModel::roleNames() const
{
    return {
        {GroupRole, "group"}, {ColorRole, "color"}, {PointsRole, "points"}, {TotalRole, "total"}};
}

void AnalyticsModel::setRange(const QString &range)
{
    if (m_range == range)
        return;
    m_range = range;
    Q_EMIT queryChanged();
    refresh();
}

void AnalyticsModel::setGroupBy(const QString &groupBy)
{
    if (m_groupBy == groupBy)
        return;
    m_groupBy = groupBy;
    Q_EMIT queryChanged();
    refresh();
}

void AnalyticsModel::setMetric(const QString &metric)
{
    if (m_metric == metric)
        return;
    // The metric only changes how the fetched points read: no new request.
    resetRows([&] { m_metric = metric; });
    Q_EMIT queryChanged();
    Q_EMIT resultChanged();
}

QString AnalyticsModel::metricLabel() const
{
    if (m_metric == QLatin1String("tokens"))
        return QStringLiteral("Tokens");
    if (m_metric == QLatin1String("latency"))
        return QStringLiteral("Avg latency (ms)");
    if (m_metric == QLatin1String("errors"))
        return QStringLiteral("Errors");
    return QStringLiteral("Requests");
}

qint64 AnalyticsModel::rangeSeconds() const
{
    const qint64 n = qMax<qint64>(1, QStringView(m_range).chopped(1).toLongLong());
    return m_range.endsWith(QLatin1Char('d')) ? n * 86400 : n * 3600;
}

QString AnalyticsModel::bucket() const
{
    const qint64 s = rangeSeconds();
    if (s <= 6 * 3600)
        return QStringLiteral("minute");
    if (s <= 7 * 86400)
        return QStringLiteral("hour");
    return QStringLiteral("day");
}

QUrlQuery AnalyticsModel::query(const QDateTime &now) const
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("from"), api::formatTimestamp(now.addSecs(-rangeSeconds())));
    q.addQueryItem(QStringLiteral("to"), api::formatTimestamp(now));
    q.addQueryItem(QStringLiteral("bucket"), bucket());
    q.addQueryItem(QStringLiteral("group_by"), m_groupBy);
    return q;
}

void AnalyticsModel::refresh()
{
    if (!client())
        return;
    setLoading(true);
    api::ApiCall *call = client()->get(QStringLiteral("/api/admin/analytics"),
                                       query(QDateTime::currentDateTimeUtc()));
    connect(call, &api::ApiCall::finished, this, [this](const api::ApiResponse &r) {
        if (r.ok())
            applyAnalytics(r.object());
        takeResponse(r);
    });
}

void AnalyticsModel::applyAnalytics(const QJsonObject &body)
{
    resetRows([&] { m_result = api::AnalyticsResult::fromJson(body); });
    Q_EMIT resultChanged();
}

double AnalyticsModel::valueOf(const api::AnalyticsPoint &p) const
{
    if (m_metric == QLatin1String("tokens"))
        return double(p.promptTokens + p.completionTokens);
    if (m_metric == QLatin1String("latency"))
        return p.latencyAvgMs;
    if (m_metric == QLatin1String("errors"))
        return double(p.errors);
    return double(p.requests);
}

QVariantMap AnalyticsModel::seriesAt(int row) const
{
    if (row < 0 || row >= m_result.series.size())
        return {};
    const auto &s = m_result.series.at(row);
    QVariantList points;
    for (const QPointF &point : chartPoints(s))
        points.append(point);
    double total = 0;
    double weight = 0;
    for (const auto &p : s.points) {
        const double v = valueOf(p);
        if (m_metric == QLatin1String("latency")) {
            total += v * double(p.requests);
            weight += double(p.requests);
        } else {
            total += v;
        }
    }
    if (m_metric == QLatin1String("latency"))
        total = weight > 0 ? total / weight : 0;
    return {{QStringLiteral("group"), s.group.isEmpty() ? QStringLiteral("(none)") : s.group},
            {QStringLiteral("color"), QColor(QLatin1String(palette[row % std::size(palette)]))},
            {QStringLiteral("points"), points},
            {QStringLiteral("total"), total}};
}

QList<QPointF> AnalyticsModel::chartPoints(const api::AnalyticsResult::Series &series) const
{
    QList<QPointF> points;
    const qint64 step = bucketMs(m_result.bucket);
    const qint64 from = m_result.from.isValid() ? m_result.from.toMSecsSinceEpoch() : 0;
    const qint64 to = m_result.to.isValid() ? m_result.to.toMSecsSinceEpoch() : 0;
    const bool fill = m_metric != QLatin1String("latency") && step > 0 && to > from &&
                      (to - from) / step <= kMaxFilledBuckets;
    if (!fill) {
        for (const auto &p : series.points)
            points.append(QPointF(double(p.ts.toMSecsSinceEpoch()), valueOf(p)));
        return points;
    }
    QHash<qint64, double> byBucket;
    for (const auto &p : series.points)
        byBucket.insert(p.ts.toMSecsSinceEpoch(), valueOf(p));
    // Buckets are aligned to UTC multiples of their length ("to" is exclusive).
    for (qint64 ts = from - from % step; ts < to; ts += step)
        points.append(QPointF(double(ts), byBucket.value(ts)));
    return points;
}

double AnalyticsModel::maxValue() const
{
    double max = 0;
    for (const auto &s : m_result.series) {
        for (const auto &p : s.points)
            max = qMax(max, valueOf(p));
    }
    return max;
}

} // namespace aisbf::app
