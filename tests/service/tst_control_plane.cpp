// SPDX-License-Identifier: GPL-3.0-or-later
// ControlPlane on its own (no HTTP): what it restores from the database when a node starts.
#include "StoreTestEnv.h"

#include "control/ControlPlane.h"

#include <QDateTime>
#include <QTest>

using aisbf::control::ControlPlane;

class TestControlPlane : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void restartKeepsDailyAndMonthlyCounts_data() { StoreTestEnv::addBackendRows(); }
    void restartKeepsDailyAndMonthlyCounts();
    void cleanup() { m_env.dropAll(); }

private:
    StoreTestEnv m_env;
};

void TestControlPlane::restartKeepsDailyAndMonthlyCounts()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);

    // User 7: 3 answered today, 1 refused with 429 today (never counted), 2 earlier this month
    // (when today is not the 1st), 5 last month. User 8: 1 today. Written as schema 3 did, one
    // usage_events row each: the control plane's usage writer converts them to rollups at
    // start, and the counts are restored from those.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QDate today = QDateTime::fromMSecsSinceEpoch(now, Qt::UTC).date();
    const qint64 dayStart = QDateTime(today, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
    const qint64 monthStart =
        QDateTime(QDate(today.year(), today.month(), 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
    const bool earlierThisMonth = dayStart > monthStart;
    QList<QVariantList> rows;
    for (int i = 0; i < 3; ++i)
        rows.append({dayStart + 1000 + i, 7, 200});
    rows.append({dayStart + 2000, 7, 429});
    if (earlierThisMonth) {
        rows.append({monthStart + 10, 7, 200});
        rows.append({monthStart + 20, 7, 500});
    }
    for (int i = 0; i < 5; ++i)
        rows.append({monthStart - 1000 - i, 7, 200});
    rows.append({dayStart + 3000, 8, 200});
    const auto inserted = db.execEach(
        QStringLiteral("INSERT INTO usage_events (ts, user_id, status) VALUES (?, ?, ?)"), rows);
    QVERIFY2(inserted.ok(), why(inserted).constData());

    auto config = std::make_shared<aisbf::config::ConfigSet>();
    QString error;
    const std::unique_ptr<ControlPlane> plane = ControlPlane::open(dbConfig, config, &error);
    QVERIFY2(plane, qPrintable(error));

    aisbf::auth::RateLimits perDay;
    perDay.requestsPerDay = 4;
    QVERIFY(plane->rateLimiter().check(QStringLiteral("user:7"), perDay).allowed); // 3 of 4
    perDay.requestsPerDay = 3;
    QVERIFY(!plane->rateLimiter().check(QStringLiteral("user:7"), perDay).allowed); // 3 of 3
    QVERIFY(plane->rateLimiter().check(QStringLiteral("user:8"), perDay).allowed);  // 1 of 3

    aisbf::auth::RateLimits perMonth;
    const qint64 thisMonth = earlierThisMonth ? 5 : 3;
    perMonth.requestsPerMonth = thisMonth;
    QVERIFY(!plane->rateLimiter().check(QStringLiteral("user:7"), perMonth).allowed);
    perMonth.requestsPerMonth = thisMonth + 1; // last month's 5 do not count
    QVERIFY(plane->rateLimiter().check(QStringLiteral("user:7"), perMonth).allowed);
}

QTEST_GUILESS_MAIN(TestControlPlane)
#include "tst_control_plane.moc"
