// SPDX-License-Identifier: GPL-3.0-or-later
#include "UsageWriter.h"

#include "Database.h"
#include "StoreLog.h"
#include "UsageBatch.h"
#include "UsageRollup.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QSqlQuery>
#include <QTextStream>
#include <QThread>

#include <chrono>

namespace aisbf::store {

namespace {

// One transaction takes at most this many batches, so a backlog after an outage is written in
// pieces instead of one huge transaction.
constexpr int kBatchesPerTransaction = 20;
// Attempts left for the final write at stop() before the rest is given up (and logged).
constexpr int kAttemptsAtStop = 3;
// AISBF_USAGE_TRACE keeps at most this many writes (hours at one a second).
constexpr std::size_t kMaxTracedWrites = 1'000'000;

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Rows of the pre-batch usage_events table converted per transaction.
constexpr int kLegacyRowsPerTransaction = 4096;

const QString kInsertBatchSql = QStringLiteral(
    "INSERT INTO usage_batches (first_ts, last_ts, events, data) VALUES (?, ?, ?, ?)");

UsageRecord legacyRecord(const QSqlQuery &q)
{
    UsageRecord r;
    r.ts = q.value(1).toLongLong();
    r.userId = optionalInt(q.value(2));
    r.tokenId = optionalInt(q.value(3));
    r.routeKind = q.value(4).toString();
    r.routeId = q.value(5).toString();
    r.provider = q.value(6).toString();
    r.model = q.value(7).toString();
    r.promptTokens = q.value(8).toLongLong();
    r.completionTokens = q.value(9).toLongLong();
    r.latencyMs = q.value(10).toLongLong();
    r.ttftMs = optionalInt(q.value(11));
    r.status = q.value(12).toInt();
    r.failovers = q.value(13).toInt();
    r.cacheHit = q.value(14).toInt() != 0;
    return r;
}

} // namespace

UsageWriter::UsageWriter(Database &db) : UsageWriter(db, Options{}) {}

UsageWriter::UsageWriter(Database &db, Options options)
    : m_db(db), m_options([&options] {
          options.batchSize = qMax(1, options.batchSize);
          options.flushIntervalMs = qMax(1, options.flushIntervalMs);
          options.rollupIntervalMs = qMax(0, options.rollupIntervalMs); // < 0 would be "never"
          options.maxQueued = qMax<qsizetype>(options.batchSize, options.maxQueued);
          return options;
      }()),
      m_tracePath(qEnvironmentVariable("AISBF_USAGE_TRACE"))
{
    // Room for two intervals' worth, so enqueue() does not reallocate on the request path.
    m_queue.reserve(m_options.batchSize * 2);
    m_spare.reserve(m_options.batchSize * 2);
    m_thread.reset(QThread::create([this] { run(); }));
    m_thread->setObjectName(QStringLiteral("aisbf-usage-writer"));
    m_thread->start();
}

UsageWriter::~UsageWriter()
{
    stop();
}

void UsageWriter::enqueue(UsageRecord record)
{
    if (record.ts == 0)
        record.ts = m_db.nowMs();
    QMutexLocker lock(&m_mutex);
    ++m_enqueued;
    if (m_stopping) {
        ++m_finished;
        if (m_rowsDropped.fetch_add(1, std::memory_order_relaxed) == 0)
            qCWarning(lcStore) << "usage record enqueued after stop(); dropped";
        return;
    }
    m_queue.append(std::move(record));
    if (m_queue.size() > m_options.maxQueued)
        dropOldest(m_queue.size() - m_options.maxQueued);
    if (m_queue.size() == m_options.batchSize)
        m_wake.wakeOne();
}

bool UsageWriter::flush(int timeoutMs)
{
    QMutexLocker lock(&m_mutex);
    const quint64 target = m_enqueued;
    const auto done = [&] {
        return m_finished >= target && !m_converting && !m_rollupsPending;
    };
    if (done())
        return true;
    ++m_flushWaiters;
    m_wake.wakeOne();
    const QDeadlineTimer deadline(timeoutMs);
    while (!done() && !deadline.hasExpired())
        m_done.wait(&m_mutex, deadline);
    --m_flushWaiters;
    return done();
}

void UsageWriter::stop()
{
    {
        QMutexLocker lock(&m_mutex);
        if (!m_thread)
            return;
        m_stopping = true;
        m_wake.wakeAll();
    }
    m_thread->wait();
    m_thread.reset();
}

qsizetype UsageWriter::queueDepth() const
{
    QMutexLocker lock(&m_mutex);
    return m_queue.size() + m_inFlight;
}

void UsageWriter::dropOldest(qsizetype count)
{
    m_queue.remove(0, count);
    m_finished += static_cast<quint64>(count);
    m_rowsDropped.fetch_add(static_cast<quint64>(count), std::memory_order_relaxed);
    if (!m_overflowLogged)
        qCWarning(lcStore) << "usage queue is full (" << m_options.maxQueued
                           << "records): dropping the oldest until the database keeps up";
    m_overflowLogged = true;
}

void UsageWriter::run()
{
    convertLegacyRows();
    QMutexLocker lock(&m_mutex);
    m_converting = false;
    m_done.wakeAll();
    int failures = 0;
    int failuresAtStop = 0;
    QDeadlineTimer rollupsDueAt(m_options.rollupIntervalMs);
    for (;;) {
        const bool due = m_stopping || m_queue.size() >= m_options.batchSize ||
                         (m_flushWaiters > 0 && (!m_queue.isEmpty() || m_rollupsPending)) ||
                         (m_rollupsPending && rollupsDueAt.hasExpired());
        if (!due) {
            QDeadlineTimer wakeAt(m_options.flushIntervalMs);
            if (m_rollupsPending && rollupsDueAt.deadline() < wakeAt.deadline())
                wakeAt = rollupsDueAt;
            m_wake.wait(&m_mutex, wakeAt);
        }
        const bool writeRollups = m_stopping || m_flushWaiters > 0 || rollupsDueAt.hasExpired();
        if (m_queue.isEmpty() && !(m_rollupsPending && writeRollups)) {
            if (m_stopping)
                break;
            continue;
        }
        QList<UsageRecord> batch;
        const qsizetype take = qMin<qsizetype>(m_queue.size(), qsizetype(m_options.batchSize) *
                                                                   kBatchesPerTransaction);
        if (take == m_queue.size()) {
            // The request path appends to a queue that already has room for the next interval:
            // growing it there meant reallocating (and copying) up to hundreds of KiB now and
            // then in the middle of a request.
            batch.swap(m_queue);
            m_queue.swap(m_spare);
        } else {
            batch = m_queue.first(take);
            m_queue.remove(0, take);
        }
        m_inFlight = batch.size();
        lock.unlock();
        TracedWrite traced;
        if (!m_tracePath.isEmpty())
            traced = {nowNs(), 0, 0, batch.size()};
        const Status written = write(batch, writeRollups);
        if (!m_tracePath.isEmpty())
            traced.writtenNs = nowNs();
        const qsizetype writtenCount = batch.size();
        // Freeing a batch (thousands of records, several strings each) takes a few hundred
        // microseconds: do it before taking the lock enqueue() needs on the request path.
        if (written) {
            // Cleared, it keeps its capacity: the next spare queue, allocated off the lock
            // (unless a backlog made it huge; that memory goes back).
            if (batch.capacity() > qsizetype(m_options.batchSize) * 8)
                batch = QList<UsageRecord>();
            batch.clear();
            if (batch.capacity() < m_options.batchSize * 2)
                batch.reserve(m_options.batchSize * 2);
        }
        if (!m_tracePath.isEmpty() && m_trace.size() < kMaxTracedWrites) {
            traced.freedNs = nowNs();
            m_trace.push_back(traced);
        }
        lock.relock();
        if (written && m_spare.capacity() < batch.capacity())
            m_spare.swap(batch);
        m_inFlight = 0;
        m_rollupsPending = !m_pendingRollups.isEmpty();
        if (written && writeRollups)
            rollupsDueAt = QDeadlineTimer(m_options.rollupIntervalMs);

        if (written) {
            if (failures > 0)
                qCInfo(lcStore) << "usage writes work again after" << failures << "failures";
            failures = 0;
            m_overflowLogged = false;
            m_finished += static_cast<quint64>(writtenCount);
            m_done.wakeAll();
            continue;
        }
        if (++failures == 1)
            qCWarning(lcStore).noquote()
                << "writing" << batch.size()
                << "usage records failed; keeping them queued:" << written.error().toString();
        if (m_stopping && ++failuresAtStop >= kAttemptsAtStop) {
            const qsizetype lost = batch.size() + m_queue.size();
            qCCritical(lcStore).noquote()
                << "stopping: dropping" << lost << "usage records"
                << (m_rollupsPending ? "and the per-minute sums not yet written" : "")
                << "the database would not take:" << written.error().toString();
            m_queue.clear();
            m_finished += static_cast<quint64>(lost);
            m_rowsDropped.fetch_add(static_cast<quint64>(lost), std::memory_order_relaxed);
            m_done.wakeAll();
            break;
        }
        batch.append(std::move(m_queue)); // back in front, order kept
        m_queue = std::move(batch);
        if (m_queue.size() > m_options.maxQueued)
            dropOldest(m_queue.size() - m_options.maxQueued);
        m_done.wakeAll();
        // Wait before retrying; stop() cuts the wait short and gets a few quick attempts.
        const QDeadlineTimer retryAt(m_options.retryDelayMs);
        while (!m_stopping && !retryAt.hasExpired())
            m_wake.wait(&m_mutex, retryAt);
        if (m_stopping)
            m_wake.wait(&m_mutex, QDeadlineTimer(200));
    }
    lock.unlock();
    m_db.closeThreadConnection();
    if (!m_tracePath.isEmpty())
        saveTrace();
}

void UsageWriter::saveTrace() const
{
    QFile file(m_tracePath);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) {
        qCWarning(lcStore).noquote() << "cannot write the usage trace to" << m_tracePath;
        return;
    }
    QTextStream out(&file);
    out << "# start_ns written_ns freed_ns records\n";
    for (const TracedWrite &w : m_trace)
        out << w.startNs << ' ' << w.writtenNs << ' ' << w.freedNs << ' ' << w.records << '\n';
}

Status UsageWriter::write(QList<UsageRecord> &records, bool rollupsDue)
{
    auto written = writeRecords(records, rollupsDue);
    if (written) {
        m_rowsWritten.fetch_add(static_cast<quint64>(records.size()), std::memory_order_relaxed);
        m_inserts.fetch_add(static_cast<quint64>(*written), std::memory_order_relaxed);
        return {};
    }
    if (written.error().kind != StoreError::Kind::Constraint)
        return written.error();
    // Something the database refuses would otherwise block the queue for good. The sums still
    // waiting go first, alone: refused, they are dropped (their events are in batches already).
    // Then the records one by one, each with its own sums; only the refused are dropped (a
    // failed statement does not end the transaction).
    if (!m_pendingRollups.isEmpty()) {
        QList<UsageRecord> none;
        auto sums = writeRecords(none, true);
        if (!sums && sums.error().kind != StoreError::Kind::Constraint)
            return sums.error();
        if (!sums) {
            qCWarning(lcStore).noquote()
                << "dropped usage sums the database refused:" << sums.error().toString();
            m_pendingRollups = {};
        }
    }
    qsizetype refused = 0;
    qint64 statements = 0;
    StoreError firstRefusal;
    Status done = m_db.transaction([&]() -> Status {
        for (const UsageRecord &r : std::as_const(records)) {
            QList<UsageRecord> one{r};
            auto alone = writeRecords(one, true);
            if (alone) {
                statements += *alone;
                continue;
            }
            if (alone.error().kind != StoreError::Kind::Constraint)
                return alone.error();
            if (refused++ == 0)
                firstRefusal = alone.error();
        }
        return {};
    });
    if (done) {
        m_rowsWritten.fetch_add(static_cast<quint64>(records.size() - refused),
                                std::memory_order_relaxed);
        m_inserts.fetch_add(static_cast<quint64>(statements), std::memory_order_relaxed);
        m_rowsDropped.fetch_add(static_cast<quint64>(refused), std::memory_order_relaxed);
        if (refused > 0)
            qCWarning(lcStore).noquote()
                << "dropped" << refused
                << "usage records the database refused:" << firstRefusal.toString();
    }
    return done;
}

Result<qint64> UsageWriter::writeRecords(QList<UsageRecord> &records, bool rollupsDue)
{
    // Batches of events for export, and the per-minute sums the analytics read: a statement per
    // batch and, when the sums are due, one per minute and key, however many records.
    const QList<usage_batch::Slice> slices = usage_batch::slice(records);
    QList<QVariantList> batches;
    batches.reserve(slices.size());
    for (const usage_batch::Slice &slice : slices) {
        const UsageRecord *first = records.constData() + slice.begin;
        const qsizetype count = slice.end - slice.begin;
        batches.append(
            {first->ts, first[count - 1].ts, qint64(count), usage_batch::encode(first, count)});
    }
    usage_rollup::Accumulator sums = m_pendingRollups;
    sums.add(records.constData(), records.size());
    QList<QVariantList> rollups;
    if (rollupsDue) {
        for (const usage_rollup::Row &row : sums.rows())
            rollups.append(usage_rollup::upsertValues(row));
    }
    if (m_upsertSql.isEmpty())
        m_upsertSql = usage_rollup::upsertSql(m_db.isSqlite());

    Status done = m_db.transaction([&]() -> Status {
        // The rollups first: when write() goes record by record, a refused one leaves nothing.
        if (auto upserted = m_db.execEach(m_upsertSql, rollups); !upserted)
            return upserted.error();
        if (auto inserted = m_db.execEach(kInsertBatchSql, batches); !inserted)
            return inserted.error();
        return {};
    });
    if (!done)
        return done.error();
    m_pendingRollups = rollupsDue ? usage_rollup::Accumulator() : std::move(sums);
    return qint64(batches.size() + rollups.size());
}

void UsageWriter::convertLegacyRows()
{
    // Before schema 4 each request was a usage_events row. They become batches and rollups
    // like new records, a transaction at a time (FOR UPDATE: two MySQL nodes starting together
    // do not both convert the same rows), and leave usage_events.
    const QString select =
        QStringLiteral("SELECT id, ts, user_id, token_id, route_kind, route_id, provider, model,"
                       " prompt_tokens, completion_tokens, latency_ms, ttft_ms, status,"
                       " failovers, cache_hit FROM usage_events ORDER BY id LIMIT %1%2")
            .arg(kLegacyRowsPerTransaction)
            .arg(m_db.isSqlite() ? QLatin1String("") : QLatin1String(" FOR UPDATE"));
    qint64 converted = 0;
    for (;;) {
        qsizetype rows = 0;
        Status done = m_db.transaction([&]() -> Status {
            auto q = m_db.query(select);
            if (!q)
                return q.error();
            QList<UsageRecord> records;
            qint64 lastId = 0;
            while (q->next()) {
                lastId = q->value(0).toLongLong();
                records.append(legacyRecord(*q));
            }
            rows = records.size();
            if (rows == 0)
                return {};
            if (auto written = writeRecords(records, true); !written)
                return written.error();
            if (auto deleted =
                    m_db.exec(QStringLiteral("DELETE FROM usage_events WHERE id <= ?"), {lastId});
                !deleted)
                return deleted.error();
            return {};
        });
        if (!done) {
            qCWarning(lcStore).noquote()
                << "converting usage_events rows to usage batches failed; they stay where they"
                   " are until the next start:"
                << done.error().toString();
            return;
        }
        if (rows == 0)
            break;
        converted += rows;
    }
    if (converted > 0)
        qCInfo(lcStore) << "converted" << converted
                        << "usage_events rows (schema 3 and before) to usage batches and rollups";
}

} // namespace aisbf::store
