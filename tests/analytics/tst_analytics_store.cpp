// SPDX-License-Identifier: GPL-3.0-or-later
// AnalyticsStore: buckets (edges, sizes, UTC days), groups (provider, model, route, user with the
// users join), totals, null times to first token, empty and reversed ranges, the bucket limit,
// and keyset-paged export rows. Rows go in through the real UsageWriter. Every test that reads
// a database runs on SQLite and on MariaDB (see StoreTestEnv).
#include "StoreTestEnv.h"

#include "store/AnalyticsStore.h"
#include "store/UsageWriter.h"
#include "store/UserStore.h"

#include <QTest>

using namespace aisbf::store;

namespace {

constexpr qint64 kT0 = 1'704'067'200'000; // 2024-01-01T00:00:00Z
constexpr qint64 kMinute = 60'000;
constexpr qint64 kHour = 3'600'000;
constexpr qint64 kDay = 86'400'000;

/** A usage record with the fields the tests vary; the rest are plain. */
struct Row
{
    qint64 ts = kT0;
    QString provider = QStringLiteral("openai");
    QString model = QStringLiteral("gpt-4o");
    int status = 200;
    qint64 latencyMs = 100;
    std::optional<qint64> ttftMs;
    std::optional<qint64> userId;
    qint64 promptTokens = 1;
    qint64 completionTokens = 0;
    QString routeKind = QStringLiteral("provider");
    QString routeId = QStringLiteral("openai/gpt-4o");
};

Row at(qint64 ts)
{
    Row row;
    row.ts = ts;
    return row;
}

UsageRecord recordOf(const Row &row)
{
    UsageRecord r;
    r.ts = row.ts;
    r.userId = row.userId;
    r.tokenId = row.userId ? std::optional<qint64>(*row.userId * 10) : std::nullopt;
    r.routeKind = row.routeKind;
    r.routeId = row.routeId;
    r.provider = row.provider;
    r.model = row.model;
    r.promptTokens = row.promptTokens;
    r.completionTokens = row.completionTokens;
    r.latencyMs = row.latencyMs;
    r.ttftMs = row.ttftMs;
    r.status = row.status;
    r.failovers = row.status >= 500 ? 2 : 0;
    r.cacheHit = row.promptTokens == 42;
    return r;
}

/** Writes @p rows through a UsageWriter and waits until they are in. */
bool insert(Database &db, const QList<Row> &rows)
{
    UsageWriter writer(db);
    for (const Row &row : rows)
        writer.enqueue(recordOf(row));
    return writer.flush(10'000) && writer.rowsWritten() == quint64(rows.size());
}

qint64 createUser(Database &db, const char *name)
{
    User user;
    user.username = QString::fromLatin1(name);
    const auto created = UserStore(db).create(user);
    return created ? created->id : -1;
}

/** "group=requests" per series, in the report's order. */
QStringList summary(const UsageReport &report)
{
    QStringList out;
    for (const UsageSeries &series : report.series)
        out.append(series.group % u'=' % QString::number(series.requests));
    return out;
}

} // namespace

class TestAnalyticsStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { m_env.dropAll(); }

    void bucketCount_data();
    void bucketCount();
    void namesRoundTrip();
    void bucketsAndTotals_data() { StoreTestEnv::addBackendRows(); }
    void bucketsAndTotals();
    void bucketEdges_data();
    void bucketEdges();
    void groups_data();
    void groups();
    void emptyAndReversedRanges_data() { StoreTestEnv::addBackendRows(); }
    void emptyAndReversedRanges();
    void bucketLimit_data() { StoreTestEnv::addBackendRows(); }
    void bucketLimit();
    void eventsPageInOrder_data() { StoreTestEnv::addBackendRows(); }
    void eventsPageInOrder();

private:
    StoreTestEnv m_env;
};

void TestAnalyticsStore::bucketCount_data()
{
    QTest::addColumn<qint64>("from");
    QTest::addColumn<qint64>("to");
    QTest::addColumn<UsageBucket>("bucket");
    QTest::addColumn<qint64>("count");
    QTest::addRow("one minute") << qint64(0) << kMinute << UsageBucket::Minute << qint64(1);
    QTest::addRow("one ms into the next")
        << qint64(0) << kMinute + 1 << UsageBucket::Minute << qint64(2);
    QTest::addRow("two ms across an edge")
        << kMinute - 1 << kMinute + 1 << UsageBucket::Minute << qint64(2);
    QTest::addRow("a day of hours") << kT0 << kT0 + kDay << UsageBucket::Hour << qint64(24);
    QTest::addRow("a day of hours, late start")
        << kT0 + 1 << kT0 + kDay << UsageBucket::Hour << qint64(24);
    QTest::addRow("a day and a ms") << kT0 << kT0 + kDay + 1 << UsageBucket::Hour << qint64(25);
    QTest::addRow("unaligned day")
        << kT0 + 12 * kHour << kT0 + 36 * kHour << UsageBucket::Day << qint64(2);
    QTest::addRow("empty") << kT0 << kT0 << UsageBucket::Hour << qint64(0);
    QTest::addRow("reversed") << kT0 << kT0 - 1 << UsageBucket::Minute << qint64(0);
    QTest::addRow("10000 minutes")
        << kT0 << kT0 + 10'000 * kMinute << UsageBucket::Minute << qint64(10'000);
    QTest::addRow("10000 days") << qint64(0) << 10'000 * kDay << UsageBucket::Day << qint64(10'000);
    QTest::addRow("before the epoch")
        << -kMinute - 1 << qint64(1) << UsageBucket::Minute << qint64(3);
    QTest::addRow("the whole range")
        << std::numeric_limits<qint64>::min() << std::numeric_limits<qint64>::max()
        << UsageBucket::Day << qint64(213'503'982'336);
}

void TestAnalyticsStore::bucketCount()
{
    QFETCH(qint64, from);
    QFETCH(qint64, to);
    QFETCH(UsageBucket, bucket);
    QFETCH(qint64, count);
    QCOMPARE(AnalyticsStore::bucketCount(from, to, bucket), count);
}

void TestAnalyticsStore::namesRoundTrip()
{
    for (UsageBucket b : {UsageBucket::Minute, UsageBucket::Hour, UsageBucket::Day})
        QVERIFY(usageBucketFromString(toString(b)) == b);
    for (UsageGroup g : {UsageGroup::None, UsageGroup::Provider, UsageGroup::Model,
                         UsageGroup::Route, UsageGroup::User})
        QVERIFY(usageGroupFromString(toString(g)) == g);
    QCOMPARE(toString(UsageGroup::Route), QStringLiteral("route"));
    QVERIFY(!usageBucketFromString(QStringLiteral("week")));
    QVERIFY(!usageBucketFromString(QStringLiteral("Hour")));
    QVERIFY(!usageGroupFromString(QStringLiteral("tier")));
}

void TestAnalyticsStore::bucketsAndTotals()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    QList<Row> rows(6);
    rows[0].ts = kT0; // on the range's first edge: in
    rows[0].ttftMs = 10;
    rows[0].promptTokens = 5;
    rows[0].completionTokens = 7;
    rows[1].ts = kT0 + kHour - 1; // the last ms of the first hour
    rows[1].status = 500;
    rows[1].latencyMs = 300;  // no ttft: not counted in ttft_avg_ms
    rows[2].ts = kT0 + kHour; // the first ms of the second hour
    rows[2].ttftMs = 20;
    rows[2].latencyMs = 50;
    rows[2].promptTokens = 3'000'000'000; // past 32 bits: sums must not be cut
    rows[3].ts = kT0 + 3 * kHour + 5 * kMinute;
    rows[3].status = 429;
    rows[3].latencyMs = 10;
    rows[4].ts = kT0 - 1;         // before from: out
    rows[5].ts = kT0 + 4 * kHour; // on "to": out
    QVERIFY(insert(db, rows));

    const auto report =
        AnalyticsStore(db).report(kT0, kT0 + 4 * kHour, UsageBucket::Hour, UsageGroup::None);
    QVERIFY2(report.ok(), why(report).constData());
    QCOMPARE(report->series.size(), 1);
    const UsageSeries &all = report->series.first();
    QCOMPARE(all.group, QStringLiteral("all"));
    QCOMPARE(all.requests, 4);
    QCOMPARE(all.points.size(), 3); // the empty third hour is not listed

    const UsagePoint &first = all.points.at(0);
    QCOMPARE(first.ts, kT0);
    QCOMPARE(first.requests, 2);
    QCOMPARE(first.errors, 1);
    QCOMPARE(first.promptTokens, 6);
    QCOMPARE(first.completionTokens, 7);
    QCOMPARE(first.latencyAvgMs(), 200.0);
    QCOMPARE(first.latencyMaxMs, 300);
    QVERIFY(first.ttftAvgMs() == 10.0);

    const UsagePoint &second = all.points.at(1);
    QCOMPARE(second.ts, kT0 + kHour);
    QCOMPARE(second.requests, 1);
    QCOMPARE(second.errors, 0);
    QCOMPARE(second.promptTokens, 3'000'000'000);
    QVERIFY(second.ttftAvgMs() == 20.0);

    const UsagePoint &fourth = all.points.at(2);
    QCOMPARE(fourth.ts, kT0 + 3 * kHour);
    QCOMPARE(fourth.errors, 1); // 429 counts
    QCOMPARE(fourth.latencyMaxMs, 10);
    QVERIFY(!fourth.ttftAvgMs()); // no request had one

    QCOMPARE(report->totals.requests, 4);
    QCOMPARE(report->totals.errors, 2);
    QCOMPARE(report->totals.promptTokens, 3'000'000'000 + 6 + 1);
    QCOMPARE(report->totals.completionTokens, 7);
}

void TestAnalyticsStore::bucketEdges_data()
{
    QTest::addColumn<QString>("backend");
    QTest::addColumn<UsageBucket>("bucket");
    for (const QString &backend : StoreTestEnv::backends()) {
        const QByteArray b = backend.toUtf8();
        QTest::addRow("%s/minute", b.constData()) << backend << UsageBucket::Minute;
        QTest::addRow("%s/hour", b.constData()) << backend << UsageBucket::Hour;
        QTest::addRow("%s/day", b.constData()) << backend << UsageBucket::Day;
    }
}

void TestAnalyticsStore::bucketEdges()
{
    QFETCH(QString, backend);
    QFETCH(UsageBucket, bucket);
    STORE_OPEN_DB(m_env, backend, db);
    const qint64 size = AnalyticsStore::bucketMs(bucket);
    // Buckets are aligned to the epoch (days start at 00:00 UTC) whatever "from" is.
    const qint64 edge = kT0 + 5 * size;
    QVERIFY(insert(db, {at(edge - 1), at(edge), at(edge), at(edge + size - 1), at(edge + size)}));
    const auto report =
        AnalyticsStore(db).report(edge - size / 2, edge + 2 * size, bucket, UsageGroup::None);
    QVERIFY2(report.ok(), why(report).constData());
    QCOMPARE(report->series.size(), 1);
    const QList<UsagePoint> &points = report->series.first().points;
    QCOMPARE(points.size(), 3);
    QCOMPARE(points.at(0).ts, edge - size);
    QCOMPARE(points.at(0).requests, 1);
    QCOMPARE(points.at(1).ts, edge);
    QCOMPARE(points.at(1).requests, 3);
    QCOMPARE(points.at(2).ts, edge + size);
    QCOMPARE(points.at(2).requests, 1);
}

void TestAnalyticsStore::groups_data()
{
    QTest::addColumn<QString>("backend");
    QTest::addColumn<UsageGroup>("group");
    QTest::addColumn<QStringList>("expected"); // "group=requests", in order
    for (const QString &backend : StoreTestEnv::backends()) {
        const QByteArray b = backend.toUtf8();
        QTest::addRow("%s/none", b.constData())
            << backend << UsageGroup::None << QStringList{QStringLiteral("all=7")};
        QTest::addRow("%s/provider", b.constData())
            << backend << UsageGroup::Provider
            << QStringList{QStringLiteral("openai=4"), QStringLiteral("anthropic=2"),
                           QStringLiteral("(none)=1")};
        // Ties go by name: "(none)" sorts before letters.
        QTest::addRow("%s/model", b.constData())
            << backend << UsageGroup::Model
            << QStringList{QStringLiteral("gpt-4o=3"), QStringLiteral("claude=2"),
                           QStringLiteral("(none)=1"), QStringLiteral("gpt-4o-mini=1")};
        QTest::addRow("%s/route", b.constData())
            << backend << UsageGroup::Route
            << QStringList{QStringLiteral("rotation/coding=3"),
                           QStringLiteral("provider/openai/gpt-4o=2"), QStringLiteral("(none)=1"),
                           QStringLiteral("provider/openai/gpt-4o-mini=1")};
        QTest::addRow("%s/user", b.constData())
            << backend << UsageGroup::User
            << QStringList{QStringLiteral("alice=3"), QStringLiteral("(no user)=2"),
                           QStringLiteral("(deleted user {carol})=1"), QStringLiteral("bob=1")};
    }
}

void TestAnalyticsStore::groups()
{
    QFETCH(QString, backend);
    QFETCH(UsageGroup, group);
    QFETCH(QStringList, expected);
    STORE_OPEN_DB(m_env, backend, db);
    const qint64 alice = createUser(db, "alice");
    const qint64 bob = createUser(db, "bob");
    const qint64 carol = createUser(db, "carol");
    QVERIFY(alice > 0 && bob > 0 && carol > 0);

    const QString openai = QStringLiteral("openai");
    const QString anthropic = QStringLiteral("anthropic");
    const QString gpt = QStringLiteral("gpt-4o");
    const QString mini = QStringLiteral("gpt-4o-mini");
    const QString claude = QStringLiteral("claude");
    const QString provider = QStringLiteral("provider");
    const QString rotation = QStringLiteral("rotation");
    const QString coding = QStringLiteral("coding");
    const QString direct = QStringLiteral("openai/gpt-4o");
    // Spread over two hours: a series sums its points.
    const QList<Row> rows{
        {kT0, openai, gpt, 200, 100, {}, alice, 1, 0, provider, direct},
        {kT0 + kHour, openai, gpt, 200, 100, {}, alice, 1, 0, rotation, coding},
        {kT0, anthropic, claude, 200, 100, {}, alice, 1, 0, rotation, coding},
        {kT0,
         openai,
         mini,
         200,
         100,
         {},
         bob,
         1,
         0,
         provider,
         QStringLiteral("openai/gpt-4o-mini")},
        {kT0 + kHour, openai, gpt, 200, 100, {}, {}, 1, 0, provider, direct},
        {kT0, anthropic, claude, 200, 100, {}, carol, 1, 0, rotation, coding},
        {kT0, QString(), QString(), 404, 1, {}, {}, 0, 0, QString(), QString()},
    };
    QVERIFY(insert(db, rows));
    QVERIFY(UserStore(db).remove(carol).ok()); // usage outlives its user

    const auto report = AnalyticsStore(db).report(kT0, kT0 + kDay, UsageBucket::Hour, group);
    QVERIFY2(report.ok(), why(report).constData());
    expected.replaceInStrings(QStringLiteral("{carol}"), QString::number(carol));
    QCOMPARE(summary(*report), expected);
    QCOMPARE(report->totals.requests, 7);
    QCOMPARE(report->totals.errors, 1);
    QCOMPARE(report->totals.promptTokens, 6);
    for (const UsageSeries &series : report->series) {
        qint64 sum = 0;
        for (qsizetype i = 0; i < series.points.size(); ++i) {
            sum += series.points.at(i).requests;
            if (i > 0)
                QVERIFY(series.points.at(i - 1).ts < series.points.at(i).ts);
        }
        QCOMPARE(sum, series.requests);
    }
}

void TestAnalyticsStore::emptyAndReversedRanges()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    AnalyticsStore store(db);
    // Nothing at all yet.
    auto report = store.report(kT0, kT0 + kDay, UsageBucket::Hour, UsageGroup::Provider);
    QVERIFY2(report.ok(), why(report).constData());
    QVERIFY(report->series.isEmpty());
    QCOMPARE(report->totals.requests, 0);

    QVERIFY(insert(db, {at(kT0), at(kT0 + kHour)}));
    // Data, but not in the range.
    report = store.report(kT0 + 2 * kHour, kT0 + kDay, UsageBucket::Minute, UsageGroup::None);
    QVERIFY2(report.ok(), why(report).constData());
    QVERIFY(report->series.isEmpty());
    // An empty range and a reversed one match nothing (the API refuses the reversed one).
    for (const auto &[from, to] : {std::pair{kT0, kT0}, std::pair{kT0 + kHour, kT0}}) {
        report = store.report(from, to, UsageBucket::Hour, UsageGroup::None);
        QVERIFY2(report.ok(), why(report).constData());
        QVERIFY(report->series.isEmpty());
        QCOMPARE(report->totals.requests, 0);
        const auto events = store.events(from, to, {}, 100);
        QVERIFY2(events.ok(), why(events).constData());
        QVERIFY(events->isEmpty());
    }
    // A one-ms range holds exactly the row at that ms.
    report = store.report(kT0, kT0 + 1, UsageBucket::Day, UsageGroup::None);
    QVERIFY2(report.ok(), why(report).constData());
    QCOMPARE(report->totals.requests, 1);
}

void TestAnalyticsStore::bucketLimit()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    QVERIFY(insert(db, {at(kT0)}));
    AnalyticsStore store(db);
    const qint64 limit = AnalyticsStore::kMaxBuckets;
    auto report = store.report(kT0, kT0 + limit * kMinute, UsageBucket::Minute, UsageGroup::None);
    QVERIFY2(report.ok(), why(report).constData());
    QCOMPARE(report->totals.requests, 1);
    report = store.report(kT0, kT0 + limit * kMinute + 1, UsageBucket::Minute, UsageGroup::None);
    QVERIFY(!report.ok());
    QVERIFY2(report.error().message.contains(QStringLiteral("10001 minute buckets")) &&
                 report.error().message.contains(QStringLiteral("at most 10000")),
             qPrintable(report.error().message));
    // The same range by hour is fine.
    report = store.report(kT0, kT0 + limit * kMinute + 1, UsageBucket::Hour, UsageGroup::None);
    QVERIFY2(report.ok(), why(report).constData());
}

void TestAnalyticsStore::eventsPageInOrder()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    const qint64 dave = createUser(db, "dave");
    QVERIFY(dave > 0);
    // Inserted out of order, with three rows on one ms: pages must neither skip nor repeat.
    QList<Row> rows{at(kT0 + 5), at(kT0 + 2), at(kT0 + 2), at(kT0 + 2),
                    at(kT0),     at(kT0 + 9), at(kT0 - 1), at(kT0 + 10)};
    for (qsizetype i = 0; i < rows.size(); ++i)
        rows[i].promptTokens = 100 + i; // tells the rows apart
    rows[1].userId = dave;
    rows[1].ttftMs = 33;
    rows[1].promptTokens = 42; // cache_hit
    rows[1].model = QStringLiteral("a,b \"quoted\"");
    QVERIFY(insert(db, rows));

    AnalyticsStore store(db);
    QList<UsageEvent> all;
    std::optional<AnalyticsStore::Cursor> after;
    for (int page = 0; page < 10; ++page) {
        const auto events = store.events(kT0, kT0 + 10, after, 2);
        QVERIFY2(events.ok(), why(events).constData());
        QVERIFY(events->size() <= 2);
        all += *events;
        if (events->size() < 2)
            break;
        after = AnalyticsStore::Cursor{events->last().ts, events->last().id};
    }
    QCOMPARE(all.size(), 6); // kT0 - 1 and kT0 + 10 are outside
    QList<qint64> prompts;
    for (qsizetype i = 0; i < all.size(); ++i) {
        prompts.append(all.at(i).promptTokens);
        if (i > 0) {
            const UsageEvent &a = all.at(i - 1);
            const UsageEvent &b = all.at(i);
            QVERIFY(a.ts < b.ts || (a.ts == b.ts && a.id < b.id));
        }
    }
    std::sort(prompts.begin(), prompts.end());
    QCOMPARE(prompts, (QList<qint64>{42, 100, 102, 103, 104, 105}));

    const auto cached = std::find_if(all.cbegin(), all.cend(),
                                     [](const UsageEvent &e) { return e.promptTokens == 42; });
    QVERIFY(cached != all.cend());
    QCOMPARE(cached->ts, kT0 + 2);
    QVERIFY(cached->userId == dave);
    QCOMPARE(cached->username, QStringLiteral("dave"));
    QVERIFY(cached->tokenId == dave * 10);
    QVERIFY(cached->ttftMs == 33);
    QCOMPARE(cached->model, QStringLiteral("a,b \"quoted\""));
    QCOMPARE(cached->routeKind, QStringLiteral("provider"));
    QCOMPARE(cached->routeId, QStringLiteral("openai/gpt-4o"));
    QVERIFY(cached->cacheHit);
    const UsageEvent &plain = all.first();
    QCOMPARE(plain.ts, kT0);
    QVERIFY(plain.username.isNull());
    QVERIFY(!plain.userId);
    QVERIFY(!plain.ttftMs);
    QVERIFY(!plain.cacheHit);
    QCOMPARE(plain.status, 200);
}

QTEST_GUILESS_MAIN(TestAnalyticsStore)
#include "tst_analytics_store.moc"
