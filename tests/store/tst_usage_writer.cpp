// SPDX-License-Identifier: GPL-3.0-or-later
// UsageWriter: every record written exactly once, in batches, on a timer or when a batch is full,
// nothing lost at stop(), enqueues racing the writer, retries after failures, the queue bound.
// Every test runs on SQLite and on MariaDB (see StoreTestEnv).
#include "StoreTestEnv.h"

#include "store/UsageWriter.h"

#include <QElapsedTimer>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

#include <memory>

using namespace aisbf::store;

class TestUsageWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { m_env.dropAll(); }

    void writesEachRecordOnce_data();
    void writesEachRecordOnce();
    void fieldsRoundTrip_data() { StoreTestEnv::addBackendRows(); }
    void fieldsRoundTrip();
    void timerFlushes_data() { StoreTestEnv::addBackendRows(); }
    void timerFlushes();
    void fullBatchWakesWriter_data() { StoreTestEnv::addBackendRows(); }
    void fullBatchWakesWriter();
    void stopLosesNothing_data();
    void stopLosesNothing();
    void enqueueWhileWriting_data() { StoreTestEnv::addBackendRows(); }
    void enqueueWhileWriting();
    void failedWritesAreRetried_data() { StoreTestEnv::addBackendRows(); }
    void failedWritesAreRetried();
    void fullQueueDropsOldest_data() { StoreTestEnv::addBackendRows(); }
    void fullQueueDropsOldest();
    void refusedRecordIsDroppedAlone_data() { StoreTestEnv::addBackendRows(); }
    void refusedRecordIsDroppedAlone();

private:
    StoreTestEnv m_env;
};

namespace {

// A record numbered by its prompt_tokens, so that "each exactly once" is a DISTINCT count.
UsageRecord record(qint64 n)
{
    UsageRecord r;
    r.ts = 1'700'000'000'000 + n;
    r.routeKind = QStringLiteral("rotation");
    r.routeId = QStringLiteral("coding");
    r.provider = QStringLiteral("openai-prod");
    r.model = QStringLiteral("gpt-4.1-mini");
    r.promptTokens = n;
    r.completionTokens = 2 * n;
    r.latencyMs = 120;
    r.status = 200;
    return r;
}

qint64 rows(Database &db)
{
    return scalar(db, QStringLiteral("SELECT COUNT(*) FROM usage_events"));
}

qint64 distinctRows(Database &db)
{
    return scalar(db, QStringLiteral("SELECT COUNT(DISTINCT prompt_tokens) FROM usage_events"));
}

Status rename(Database &db, const char *from, const char *to)
{
    auto r = db.exec(
        QStringLiteral("ALTER TABLE %1 RENAME TO %2").arg(QLatin1String(from), QLatin1String(to)));
    return r ? Status{} : Status{r.error()};
}

} // namespace

void TestUsageWriter::writesEachRecordOnce_data()
{
    QTest::addColumn<QString>("backend");
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("batchSize");
    QTest::addColumn<int>("rowsPerInsert"); // 0: the backend's default
    for (const QString &backend : StoreTestEnv::backends()) {
        const QByteArray name = backend.toUtf8();
        const char *b = name.constData();
        QTest::addRow("%s/one", b) << backend << 1 << 500 << 0;
        QTest::addRow("%s/one batch", b) << backend << 500 << 500 << 0;
        QTest::addRow("%s/batches and a rest", b) << backend << 2345 << 500 << 0;
        QTest::addRow("%s/multi-row batches and a rest", b) << backend << 2345 << 500 << 500;
        QTest::addRow("%s/small multi-row batches", b) << backend << 1000 << 7 << 7;
    }
}

void TestUsageWriter::writesEachRecordOnce()
{
    QFETCH(QString, backend);
    QFETCH(int, count);
    QFETCH(int, batchSize);
    QFETCH(int, rowsPerInsert);
    STORE_OPEN_DB(m_env, backend, db);
    UsageWriter::Options options;
    options.batchSize = batchSize;
    options.rowsPerInsert = rowsPerInsert;
    UsageWriter writer(db, options);
    const int perInsert = writer.options().rowsPerInsert;
    QCOMPARE(perInsert, rowsPerInsert != 0 ? rowsPerInsert : db.isSqlite() ? 1 : batchSize);
    for (int i = 0; i < count; ++i)
        writer.enqueue(record(i));
    QVERIFY(writer.flush());
    QCOMPARE(writer.queueDepth(), 0);
    QCOMPARE(writer.rowsWritten(), quint64(count));
    QCOMPARE(writer.rowsDropped(), 0u);
    QCOMPARE(rows(db), count);
    QCOMPARE(distinctRows(db), count);
    // Never more rows per INSERT than perInsert; and when a whole batch was taken at once, a
    // multi-row INSERT carried it.
    QVERIFY(writer.insertsExecuted() >= quint64((count + perInsert - 1) / perInsert));
    QVERIFY(writer.insertsExecuted() <= quint64(count));
    if (perInsert > 1 && count >= batchSize)
        QVERIFY(writer.insertsExecuted() < quint64(count));
    QVERIFY(writer.flush()); // nothing queued: returns at once
    QCOMPARE(rows(db), count);
}

void TestUsageWriter::fieldsRoundTrip()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    UsageWriter writer(db);
    UsageRecord full = record(7);
    full.userId = 3;
    full.tokenId = 9;
    full.ttftMs = 45;
    full.failovers = 2;
    full.cacheHit = true;
    full.status = 502;
    full.model = QString(300, QLatin1Char('m')); // longer than the column: clipped, not refused
    writer.enqueue(full);
    UsageRecord bare;
    bare.promptTokens = 8;
    writer.enqueue(bare); // ts 0: stamped at enqueue
    QVERIFY(writer.flush());

    auto q =
        db.query(QStringLiteral("SELECT ts, user_id, token_id, route_kind, route_id, provider, "
                                "model, prompt_tokens, completion_tokens, latency_ms, "
                                "ttft_ms, status, failovers, cache_hit FROM usage_events "
                                "ORDER BY prompt_tokens"));
    QVERIFY(q);
    QVERIFY(q->next());
    QCOMPARE(q->value(0).toLongLong(), full.ts);
    QCOMPARE(optionalInt(q->value(1)), 3);
    QCOMPARE(optionalInt(q->value(2)), 9);
    QCOMPARE(q->value(3).toString(), QStringLiteral("rotation"));
    QCOMPARE(q->value(4).toString(), QStringLiteral("coding"));
    QCOMPARE(q->value(5).toString(), QStringLiteral("openai-prod"));
    QCOMPARE(q->value(6).toString(), QString(255, QLatin1Char('m')));
    QCOMPARE(q->value(7).toLongLong(), 7);
    QCOMPARE(q->value(8).toLongLong(), 14);
    QCOMPARE(q->value(9).toLongLong(), 120);
    QCOMPARE(optionalInt(q->value(10)), 45);
    QCOMPARE(q->value(11).toInt(), 502);
    QCOMPARE(q->value(12).toInt(), 2);
    QCOMPARE(q->value(13).toInt(), 1);
    QVERIFY(q->next());
    QVERIFY(qAbs(q->value(0).toLongLong() - QDateTime::currentMSecsSinceEpoch()) < 60'000);
    QCOMPARE(optionalInt(q->value(1)), std::nullopt);
    QCOMPARE(optionalInt(q->value(10)), std::nullopt);
    QCOMPARE(q->value(13).toInt(), 0);
}

void TestUsageWriter::timerFlushes()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    UsageWriter writer(db); // 100 ms interval, batches of 500
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < 3; ++i)
        writer.enqueue(record(i));
    // No flush(): three records, far from a full batch, are written by the timer.
    QTRY_COMPARE_WITH_TIMEOUT(writer.rowsWritten(), 3u, 5000);
    QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(rows(db), 3);
}

void TestUsageWriter::fullBatchWakesWriter()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    UsageWriter::Options options;
    options.flushIntervalMs = 600'000; // the timer never fires in this test
    options.batchSize = 200;
    UsageWriter writer(db, options);
    for (int i = 0; i < 200; ++i)
        writer.enqueue(record(i));
    QTRY_COMPARE_WITH_TIMEOUT(writer.rowsWritten(), 200u, 10'000);
    for (int i = 200; i < 210; ++i)
        writer.enqueue(record(i));
    QTest::qWait(300);
    QCOMPARE(writer.rowsWritten(), 200u); // 10 wait for the timer (or a flush)
    QCOMPARE(writer.queueDepth(), 10);
    QVERIFY(writer.flush());
    QCOMPARE(rows(db), 210);
}

void TestUsageWriter::stopLosesNothing_data()
{
    QTest::addColumn<QString>("backend");
    QTest::addColumn<bool>("viaDestructor");
    for (const QString &backend : StoreTestEnv::backends()) {
        QTest::addRow("%s/stop", qPrintable(backend)) << backend << false;
        QTest::addRow("%s/destructor", qPrintable(backend)) << backend << true;
    }
}

void TestUsageWriter::stopLosesNothing()
{
    QFETCH(QString, backend);
    QFETCH(bool, viaDestructor);
    STORE_OPEN_DB(m_env, backend, db);
    constexpr int count = 10'000;
    {
        auto writer = std::make_unique<UsageWriter>(db);
        for (int i = 0; i < count; ++i)
            writer->enqueue(record(i));
        if (viaDestructor) {
            writer.reset();
        } else {
            writer->stop();
            QCOMPARE(writer->rowsWritten(), quint64(count));
            QCOMPARE(writer->queueDepth(), 0);
            writer->enqueue(record(count)); // after stop: dropped, and counted
            QCOMPARE(writer->rowsDropped(), 1u);
            QVERIFY(writer->flush(0));
        }
    }
    QCOMPARE(rows(db), count);
    QCOMPARE(distinctRows(db), count);
}

void TestUsageWriter::enqueueWhileWriting()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    UsageWriter::Options options;
    options.flushIntervalMs = 5;
    options.batchSize = 50;
    UsageWriter writer(db, options);
    // The main thread and a second producer enqueue while the writer writes small batches.
    constexpr int perProducer = 10'000;
    std::unique_ptr<QThread> producer(QThread::create([&writer] {
        for (int i = 0; i < perProducer; ++i) {
            writer.enqueue(record(perProducer + i));
            if (i % 500 == 0)
                QThread::usleep(200);
        }
    }));
    producer->start();
    qsizetype deepest = 0;
    for (int i = 0; i < perProducer; ++i) {
        writer.enqueue(record(i));
        if (i % 1000 == 0) {
            deepest = qMax(deepest, writer.queueDepth());
            QThread::usleep(500);
        }
    }
    QVERIFY(producer->wait(60'000));
    qInfo("deepest queue seen while enqueuing: %lld", qlonglong(deepest));
    QVERIFY(writer.flush());
    QCOMPARE(writer.rowsWritten(), quint64(2 * perProducer));
    QCOMPARE(rows(db), 2 * perProducer);
    QCOMPARE(distinctRows(db), 2 * perProducer);
    QVERIFY(writer.insertsExecuted() >= quint64(2 * perProducer / options.batchSize));
    QVERIFY(writer.insertsExecuted() <= quint64(2 * perProducer));
}

void TestUsageWriter::failedWritesAreRetried()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    UsageWriter::Options options;
    options.flushIntervalMs = 20;
    options.retryDelayMs = 50;
    UsageWriter writer(db, options);
    QVERIFY(rename(db, "usage_events", "usage_events_away")); // every INSERT fails now
    for (int i = 0; i < 100; ++i)
        writer.enqueue(record(i));
    QTest::qWait(400);
    QCOMPARE(writer.rowsWritten(), 0u);
    QCOMPARE(writer.rowsDropped(), 0u);
    QCOMPARE(writer.queueDepth(), 100);
    QVERIFY(!writer.flush(100));
    QVERIFY(rename(db, "usage_events_away", "usage_events"));
    QVERIFY(writer.flush(10'000));
    QCOMPARE(rows(db), 100);
    QCOMPARE(distinctRows(db), 100);
}

void TestUsageWriter::fullQueueDropsOldest()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    UsageWriter::Options options;
    options.batchSize = 100;
    options.maxQueued = 1000;
    options.retryDelayMs = 50;
    UsageWriter writer(db, options);
    QVERIFY(rename(db, "usage_events", "usage_events_away"));
    for (int i = 0; i < 1500; ++i)
        writer.enqueue(record(i));
    // A batch the writer holds goes back in front when it fails, then the oldest are cut.
    QTRY_COMPARE_WITH_TIMEOUT(writer.rowsDropped(), 500u, 5000);
    QVERIFY(writer.queueDepth() <= 1000);
    QVERIFY(rename(db, "usage_events_away", "usage_events"));
    QVERIFY(writer.flush(10'000));
    QCOMPARE(rows(db), 1000);
    // The newest were kept.
    QCOMPARE(scalar(db, QStringLiteral("SELECT MIN(prompt_tokens) FROM usage_events")), 500);
}

void TestUsageWriter::refusedRecordIsDroppedAlone()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    // The database refuses status 999 (a constraint), as it might refuse a value one day.
    const QString refuse =
        db.isSqlite() ? QStringLiteral("CREATE TRIGGER refuse_999 BEFORE INSERT ON usage_events "
                                       "WHEN NEW.status = 999 BEGIN "
                                       "SELECT RAISE(ABORT, 'CHECK constraint failed: 999'); END")
                      : QStringLiteral("ALTER TABLE usage_events ADD CONSTRAINT refuse_999 "
                                       "CHECK (status <> 999)");
    QVERIFY(db.exec(refuse));
    UsageWriter writer(db);
    for (int i = 0; i < 50; ++i) {
        UsageRecord r = record(i);
        if (i == 20)
            r.status = 999;
        writer.enqueue(r);
    }
    QVERIFY(writer.flush(10'000)); // not stuck behind the refused record
    QCOMPARE(writer.rowsDropped(), 1u);
    QCOMPARE(writer.rowsWritten(), 49u);
    QCOMPARE(rows(db), 49);
    QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM usage_events WHERE status = 999")), 0);
}

QTEST_GUILESS_MAIN(TestUsageWriter)
#include "tst_usage_writer.moc"
