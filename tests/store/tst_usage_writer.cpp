// SPDX-License-Identifier: GPL-3.0-or-later
// UsageWriter: every record written exactly once (an event of a usage batch, counted once in the
// rollups), a few statements per write, on a timer or when a batch is full, nothing lost at
// stop(), enqueues racing the writer, retries after failures, the queue bound, a refused record
// dropped alone, old usage_events rows converted. Every test runs on SQLite and on MariaDB (see
// StoreTestEnv).
#include "StoreTestEnv.h"

#include "store/UsageBatch.h"
#include "store/UsageWriter.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSet>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <limits>
#include <memory>

using namespace aisbf::store;

class TestUsageWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { m_env.dropAll(); }

    void writesEachRecordOnce_data();
    void writesEachRecordOnce();
    void fewStatementsPerWrite_data();
    void fewStatementsPerWrite();
    void sumsGatherBetweenWrites_data() { StoreTestEnv::addBackendRows(); }
    void sumsGatherBetweenWrites();
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
    void convertsOldRows_data() { StoreTestEnv::addBackendRows(); }
    void convertsOldRows();
    void traceRecordsEachWrite();

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

QList<UsageRecord> events(Database &db)
{
    return storedUsage(db);
}

// The events, checked against the rollups: every event counted there once.
qint64 rows(Database &db)
{
    const qint64 count = events(db).size();
    const qint64 rolledUp =
        scalar(db, QStringLiteral("SELECT COALESCE(SUM(requests), 0) FROM usage_rollups"));
    return count == rolledUp ? count : -1 - rolledUp;
}

qint64 distinctRows(Database &db)
{
    QSet<qint64> prompts;
    for (const UsageRecord &r : events(db))
        prompts.insert(r.promptTokens);
    return prompts.size();
}

qint64 smallestPrompt(Database &db)
{
    qint64 smallest = std::numeric_limits<qint64>::max();
    for (const UsageRecord &r : events(db))
        smallest = std::min(smallest, r.promptTokens);
    return smallest;
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
    for (const QString &backend : StoreTestEnv::backends()) {
        const QByteArray name = backend.toUtf8();
        const char *b = name.constData();
        QTest::addRow("%s/one", b) << backend << 1 << 500;
        QTest::addRow("%s/one batch", b) << backend << 500 << 500;
        QTest::addRow("%s/batches and a rest", b) << backend << 2345 << 500;
        QTest::addRow("%s/small batches", b) << backend << 1000 << 7;
    }
}

void TestUsageWriter::writesEachRecordOnce()
{
    QFETCH(QString, backend);
    QFETCH(int, count);
    QFETCH(int, batchSize);
    STORE_OPEN_DB(m_env, backend, db);
    UsageWriter::Options options;
    options.batchSize = batchSize;
    UsageWriter writer(db, options);
    for (int i = 0; i < count; ++i)
        writer.enqueue(record(i));
    QVERIFY(writer.flush());
    QCOMPARE(writer.queueDepth(), 0);
    QCOMPARE(writer.rowsWritten(), quint64(count));
    QCOMPARE(writer.rowsDropped(), 0u);
    QCOMPARE(rows(db), count);
    QCOMPARE(distinctRows(db), count);
    // A batch insert per write, and a rollup upsert per second at most (one key, one minute).
    QVERIFY(writer.insertsExecuted() >= 2);
    QVERIFY(writer.insertsExecuted() <= 2u * quint64(count));
    QVERIFY(writer.flush()); // nothing queued: returns at once
    QCOMPARE(rows(db), count);
}

void TestUsageWriter::fewStatementsPerWrite_data()
{
    StoreTestEnv::addBackendRows();
}

void TestUsageWriter::fewStatementsPerWrite()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    UsageWriter::Options options;
    options.flushIntervalMs = 600'000; // one write, at flush()
    options.batchSize = 100'000;
    UsageWriter writer(db, options);
    // 5,000 records 20 ms apart from 20 s into a minute: 100 s, so two batches (a batch spans
    // at most 60 s) and two minutes of one key.
    for (int i = 0; i < 5000; ++i) {
        UsageRecord r = record(i);
        r.ts = 1'700'000'000'000 + 20 * i;
        writer.enqueue(r);
    }
    QVERIFY(writer.flush());
    QCOMPARE(writer.insertsExecuted(), 4u);
    QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM usage_batches")), 2);
    QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM usage_rollups")), 2);
    QCOMPARE(rows(db), 5000);
    QCOMPARE(scalar(db, QStringLiteral("SELECT MAX(last_ts - first_ts) FROM usage_batches")),
             usage_batch::kMaxSpanMs);
}

void TestUsageWriter::sumsGatherBetweenWrites()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    UsageWriter::Options options;
    options.flushIntervalMs = 5;
    options.rollupIntervalMs = 600'000; // only flush() writes the sums in this test
    UsageWriter writer(db, options);
    // Five writes of 20 records: five batches, and sums that wait in memory.
    for (int round = 0; round < 5; ++round) {
        for (int i = 0; i < 20; ++i)
            writer.enqueue(record(round * 20 + i));
        QTRY_COMPARE_WITH_TIMEOUT(writer.rowsWritten(), quint64(round * 20 + 20), 5000);
    }
    QCOMPARE(writer.insertsExecuted(), 5u);
    QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM usage_batches")), 5);
    QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM usage_rollups")), 0);
    QVERIFY(writer.flush());                // the sums are part of what flush() waits for
    QCOMPARE(writer.insertsExecuted(), 6u); // one upsert for the minute's one key
    QCOMPARE(scalar(db, QStringLiteral("SELECT SUM(requests) FROM usage_rollups")), 100);
    QCOMPARE(rows(db), 100);
    // stop() writes them too.
    writer.enqueue(record(100));
    writer.stop();
    QCOMPARE(rows(db), 101);
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

    const QList<UsageRecord> stored = events(db);
    QCOMPARE(stored.size(), 2);
    const UsageRecord &first = stored.at(0).promptTokens == 7 ? stored.at(0) : stored.at(1);
    const UsageRecord &second = stored.at(0).promptTokens == 7 ? stored.at(1) : stored.at(0);
    QCOMPARE(first.ts, full.ts);
    QCOMPARE(first.userId, 3);
    QCOMPARE(first.tokenId, 9);
    QCOMPARE(first.routeKind, QStringLiteral("rotation"));
    QCOMPARE(first.routeId, QStringLiteral("coding"));
    QCOMPARE(first.provider, QStringLiteral("openai-prod"));
    QCOMPARE(first.model, QString(300, QLatin1Char('m'))); // the batch keeps it whole
    QCOMPARE(first.promptTokens, 7);
    QCOMPARE(first.completionTokens, 14);
    QCOMPARE(first.latencyMs, 120);
    QCOMPARE(first.ttftMs, 45);
    QCOMPARE(first.status, 502);
    QCOMPARE(first.failovers, 2);
    QCOMPARE(first.cacheHit, true);
    QVERIFY(qAbs(second.ts - QDateTime::currentMSecsSinceEpoch()) < 60'000);
    QCOMPARE(second.userId, std::nullopt);
    QCOMPARE(second.ttftMs, std::nullopt);
    QCOMPARE(second.cacheHit, false);

    // The rollup of the first: its minute, its key (the model clipped to the column), its sums.
    auto q = db.query(QStringLiteral("SELECT minute, user_id, token_id, route_kind, route_id,"
                                     " provider, model, requests, errors, status_429,"
                                     " prompt_tokens, completion_tokens, latency_sum_ms,"
                                     " latency_max_ms, ttft_count, ttft_sum_ms"
                                     " FROM usage_rollups WHERE user_id = 3"));
    QVERIFY(q);
    QVERIFY(q->next());
    QCOMPARE(q->value(0).toLongLong(), full.ts - full.ts % 60'000);
    QCOMPARE(optionalInt(q->value(1)), 3);
    QCOMPARE(optionalInt(q->value(2)), 9);
    QCOMPARE(q->value(3).toString(), QStringLiteral("rotation"));
    QCOMPARE(q->value(4).toString(), QStringLiteral("coding"));
    QCOMPARE(q->value(5).toString(), QStringLiteral("openai-prod"));
    QCOMPARE(q->value(6).toString(), QString(255, QLatin1Char('m')));
    const QList<qint64> sums{1, 1, 0, 7, 14, 120, 120, 1, 45};
    for (qsizetype i = 0; i < sums.size(); ++i)
        QCOMPARE(q->value(7 + int(i)).toLongLong(), sums.at(i));
    QVERIFY(!q->next());
    QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM usage_rollups WHERE user_id IS NULL"
                                       " AND ttft_count = 0")),
             1);
}

void TestUsageWriter::timerFlushes()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    UsageWriter writer(db); // 100 ms interval, batches of 500, sums every second
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < 3; ++i)
        writer.enqueue(record(i));
    // No flush(): three records, far from a full batch, are written by the timer; their sums
    // follow within the rollup interval.
    QTRY_COMPARE_WITH_TIMEOUT(writer.rowsWritten(), 3u, 5000);
    QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
    QTRY_COMPARE_WITH_TIMEOUT(rows(db), 3, 5000);
    QVERIFY2(clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
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
    QVERIFY(writer.insertsExecuted() <= quint64(2 * 2 * perProducer));
}

void TestUsageWriter::failedWritesAreRetried()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    UsageWriter::Options options;
    options.flushIntervalMs = 20;
    options.retryDelayMs = 50;
    UsageWriter writer(db, options);
    QVERIFY(rename(db, "usage_batches", "usage_batches_away")); // every INSERT fails now
    for (int i = 0; i < 100; ++i)
        writer.enqueue(record(i));
    QTest::qWait(400);
    QCOMPARE(writer.rowsWritten(), 0u);
    QCOMPARE(writer.rowsDropped(), 0u);
    QCOMPARE(writer.queueDepth(), 100);
    QVERIFY(!writer.flush(100));
    QVERIFY(rename(db, "usage_batches_away", "usage_batches"));
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
    QVERIFY(rename(db, "usage_batches", "usage_batches_away"));
    for (int i = 0; i < 1500; ++i)
        writer.enqueue(record(i));
    // A batch the writer holds goes back in front when it fails, then the oldest are cut.
    QTRY_COMPARE_WITH_TIMEOUT(writer.rowsDropped(), 500u, 5000);
    QVERIFY(writer.queueDepth() <= 1000);
    QVERIFY(rename(db, "usage_batches_away", "usage_batches"));
    QVERIFY(writer.flush(10'000));
    QCOMPARE(rows(db), 1000);
    // The newest were kept.
    QCOMPARE(smallestPrompt(db), 500);
}

void TestUsageWriter::refusedRecordIsDroppedAlone()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    // The database refuses the model "refused" (a constraint), as it might refuse a value one
    // day. That record has a rollup row of its own.
    const QString refuse =
        db.isSqlite()
            ? QStringLiteral("CREATE TRIGGER refuse_model BEFORE INSERT ON usage_rollups "
                             "WHEN NEW.model = 'refused' BEGIN "
                             "SELECT RAISE(ABORT, 'CHECK constraint failed: refused'); END")
            : QStringLiteral("ALTER TABLE usage_rollups ADD CONSTRAINT refuse_model "
                             "CHECK (model <> 'refused')");
    QVERIFY(db.exec(refuse));
    UsageWriter writer(db);
    for (int i = 0; i < 50; ++i) {
        UsageRecord r = record(i);
        if (i == 20)
            r.model = QStringLiteral("refused");
        writer.enqueue(r);
    }
    QVERIFY(writer.flush(10'000)); // not stuck behind the refused record
    QCOMPARE(writer.rowsDropped(), 1u);
    QCOMPARE(writer.rowsWritten(), 49u);
    QCOMPARE(rows(db), 49);
    for (const UsageRecord &r : events(db))
        QVERIFY(r.model != QStringLiteral("refused"));
}

void TestUsageWriter::convertsOldRows()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    // Rows as schema 3 wrote them, one per request, one of them with a user and a stream.
    const QString insert = QStringLiteral(
        "INSERT INTO usage_events (ts, user_id, token_id, route_kind, route_id, provider, model,"
        " prompt_tokens, completion_tokens, latency_ms, ttft_ms, status, failovers, cache_hit)"
        " VALUES (?, ?, ?, 'rotation', 'coding', 'openai-prod', 'gpt-4.1-mini', ?, 1, 100, ?,"
        " ?, 0, 0)");
    constexpr int count = 5000; // more than one conversion transaction
    QList<QVariantList> legacy;
    for (int i = 0; i < count; ++i)
        legacy.append({qint64(1'700'000'000'000) + i, i == 0 ? QVariant(qint64(4)) : QVariant(),
                       QVariant(), qint64(i), i == 0 ? QVariant(qint64(30)) : QVariant(),
                       i == 1 ? 429 : 200});
    QVERIFY(db.transaction([&]() -> Status {
        auto inserted = db.execEach(insert, legacy);
        return inserted ? Status{} : Status{inserted.error()};
    }));
    {
        UsageWriter writer(db);
        QVERIFY(writer.flush());            // waits for the conversion
        QCOMPARE(writer.rowsWritten(), 0u); // conversion is not new usage
    }
    QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM usage_events")), 0);
    QCOMPARE(rows(db), count);
    QCOMPARE(distinctRows(db), count);
    const QList<UsageRecord> stored = events(db);
    const auto withUser = std::find_if(stored.cbegin(), stored.cend(),
                                       [](const UsageRecord &r) { return r.promptTokens == 0; });
    QVERIFY(withUser != stored.cend());
    QCOMPARE(withUser->userId, 4);
    QCOMPARE(withUser->ttftMs, 30);
    QCOMPARE(scalar(db, QStringLiteral("SELECT SUM(status_429) FROM usage_rollups")), 1);
    QCOMPARE(scalar(db, QStringLiteral("SELECT SUM(requests) FROM usage_rollups"
                                       " WHERE user_id = 4")),
             1);
}

void TestUsageWriter::traceRecordsEachWrite()
{
    // AISBF_USAGE_TRACE (tests/bench/trace-rr.sh): one line per write, saved when it stops.
    STORE_OPEN_DB(m_env, QStringLiteral("sqlite"), db);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("writes.trace"));
    qputenv("AISBF_USAGE_TRACE", path.toLocal8Bit());
    auto writer = std::make_unique<UsageWriter>(db);
    qunsetenv("AISBF_USAGE_TRACE");
    for (int i = 0; i < 30; ++i)
        writer->enqueue(record(i));
    QVERIFY(writer->flush());
    for (int i = 30; i < 50; ++i)
        writer->enqueue(record(i));
    writer->stop();
    QCOMPARE(rows(db), 50);
    QFile file(path);
    QVERIFY2(file.open(QIODevice::ReadOnly | QIODevice::Text), qPrintable(path));
    QCOMPARE(file.readLine().trimmed(), QByteArray("# start_ns written_ns freed_ns records"));
    qint64 records = 0, previousEnd = 0, writes = 0;
    while (!file.atEnd()) {
        const QList<QByteArray> fields = file.readLine().trimmed().split(' ');
        QCOMPARE(fields.size(), 4);
        const qint64 start = fields[0].toLongLong(), written = fields[1].toLongLong(),
                     freed = fields[2].toLongLong();
        QVERIFY(previousEnd <= start); // one writer: writes follow each other
        QVERIFY(start <= written);
        QVERIFY(written <= freed);
        previousEnd = freed;
        records += fields[3].toLongLong();
        ++writes;
    }
    QVERIFY(writes >= 2); // the flush, then the stop (and the timer, if it came between)
    QCOMPARE(records, 50);
}

QTEST_GUILESS_MAIN(TestUsageWriter)
#include "tst_usage_writer.moc"
