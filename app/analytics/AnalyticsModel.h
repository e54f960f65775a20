// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <common/ApiListModel.h>

#include <api/AdminData.h>

#include <QDateTime>
#include <QPointF>
#include <QUrlQuery>

namespace aisbf::app {

/**
 * The Analytics page: GET /api/admin/analytics over a range, grouped by provider, model, route
 * or user. One row per series; `points` are {x: ms since epoch, y: the chosen metric}, ready
 * for a QtCharts LineSeries.
 */
class AnalyticsModel : public ApiListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Session")
    Q_PROPERTY(QString range READ range WRITE setRange NOTIFY queryChanged)
    Q_PROPERTY(QString groupBy READ groupBy WRITE setGroupBy NOTIFY queryChanged)
    Q_PROPERTY(QString metric READ metric WRITE setMetric NOTIFY queryChanged)
    Q_PROPERTY(QString bucket READ bucket NOTIFY queryChanged)
    Q_PROPERTY(QDateTime from READ from NOTIFY resultChanged)
    Q_PROPERTY(QDateTime to READ to NOTIFY resultChanged)
    Q_PROPERTY(double maxValue READ maxValue NOTIFY resultChanged)
    Q_PROPERTY(double totalRequests READ totalRequests NOTIFY resultChanged)
    Q_PROPERTY(double totalErrors READ totalErrors NOTIFY resultChanged)
    Q_PROPERTY(double totalTokens READ totalTokens NOTIFY resultChanged)
    Q_PROPERTY(QString metricLabel READ metricLabel NOTIFY queryChanged)

public:
    enum Role
    {
        GroupRole = Qt::UserRole + 1,
        ColorRole,
        PointsRole, ///< QVariantList of QPointF (x = ms since epoch)
        TotalRole,  ///< the metric summed (requests, tokens, errors) or averaged (latency)
    };
    Q_ENUM(Role)

    explicit AnalyticsModel(api::AdminClient *client, QObject *parent = nullptr);

    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    /** "1h", "6h", "24h", "7d", "30d". */
    QString range() const { return m_range; }
    void setRange(const QString &range);
    /** "provider", "model", "route", "user". */
    QString groupBy() const { return m_groupBy; }
    void setGroupBy(const QString &groupBy);
    /** "requests", "tokens", "latency", "errors". */
    QString metric() const { return m_metric; }
    void setMetric(const QString &metric);
    QString metricLabel() const;
    /** The bucket the range implies: minute up to 6 h, hour up to 7 d, else day. */
    QString bucket() const;
    QDateTime from() const { return m_result.from; }
    QDateTime to() const { return m_result.to; }
    double maxValue() const;
    double totalRequests() const { return double(m_result.totalRequests); }
    double totalErrors() const { return double(m_result.totalErrors); }
    double totalTokens() const
    {
        return double(m_result.totalPromptTokens + m_result.totalCompletionTokens);
    }

    void refresh() override;
    /** A GET /api/admin/analytics body. */
    void applyAnalytics(const QJsonObject &body);
    /** Row @p row as {group, color, points, total} (QML builds chart series from it). */
    Q_INVOKABLE QVariantMap seriesAt(int row) const;
    /** The value of @p point for the current metric. */
    double valueOf(const api::AnalyticsPoint &point) const;
    /**
     * The chart's points of one series. Counts (requests, tokens, errors) get a 0 for every
     * bucket of the range without data, so a line drops to zero where traffic stopped instead of
     * joining two busy buckets across an idle hour; averages (latency) keep only real buckets.
     */
    QList<QPointF> chartPoints(const api::AnalyticsResult::Series &series) const;
    /** The query refresh() sends for a range ending at @p now. */
    QUrlQuery query(const QDateTime &now) const;

Q_SIGNALS:
    void queryChanged();
    void resultChanged();

protected:
    int rows() const override { return int(m_result.series.size()); }

private:
    qint64 rangeSeconds() const;

    QString m_range = QStringLiteral("24h");
    QString m_groupBy = QStringLiteral("provider");
    QString m_metric = QStringLiteral("requests");
    api::AnalyticsResult m_result;
};

} // namespace aisbf::app
