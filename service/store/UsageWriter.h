// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Result.h"
#include "UsageRecord.h"
#include "UsageRollup.h"

#include <QList>
#include <QMutex>
#include <QString>
#include <QWaitCondition>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

class QThread;

namespace aisbf::store {

class Database;

/**
 * Writes usage records off the request path. enqueue() only appends to a queue under a mutex;
 * a thread of its own (with its own connection) writes what is queued every flushInterval, or
 * at once when batchSize records wait, in one transaction: the records as usage_batches rows
 * (usage_batch::encode), and every rollupInterval their sums per minute and key as
 * usage_rollups upserts (usage_rollup::Accumulator) — a few statements per write however many
 * records. A crash loses what is queued (up to flushInterval) and the sums of the last
 * rollupInterval.
 *
 * If the database fails, the records stay queued and the write is retried; past maxQueued the
 * oldest are dropped (counted in rowsDropped(), logged). stop() and the destructor write
 * everything still queued before they return. At start the thread first converts the rows of
 * the old per-request usage_events table (schema 3 and before) to batches and rollups.
 */
class UsageWriter
{
public:
    struct Options
    {
        /**
         * A write is one SQLite transaction, and most of its time is the transaction's own
         * (on this project's VM ~0.5 ms for 500 records, ~2.4 ms for 8,000): writing once a
         * second instead of every 100 ms cut the writer's time 4× and the share of the
         * gateway's p99 requests that overlap a write from ~20 % to 2–4 % (README, benchmark,
         * session 12). The price: a crash loses up to a second of events (as of the sums).
         */
        int flushIntervalMs = 1000;
        int batchSize = 8192; ///< queue depth that wakes the writer before the interval
        /**
         * How long the per-minute sums gather in memory before they are added to
         * usage_rollups (flush() and stop() write them at once). A write then costs one upsert
         * per minute and key per interval, not per write: with many keys (users × tokens ×
         * routes) that is most of the writer's work.
         */
        int rollupIntervalMs = 1000;
        qsizetype maxQueued = 1'000'000; ///< memory bound while the database is away
        int retryDelayMs = 1000;         ///< after a failed write
    };

    /** Starts the writer thread. @p db must be open (migrated) and outlive this object. */
    explicit UsageWriter(Database &db);
    UsageWriter(Database &db, Options options);
    ~UsageWriter();
    Q_DISABLE_COPY_MOVE(UsageWriter)

    /** Queues @p record; never waits for the database. Thread-safe. */
    void enqueue(UsageRecord record);
    /**
     * Waits until every record enqueued before this call is written (or dropped), and the
     * conversion of old usage_events rows at start has ended. Returns false
     * when that took longer than @p timeoutMs (the database is down, say).
     */
    bool flush(int timeoutMs = 30'000);
    /** Writes everything still queued, then ends the thread. Later enqueues are dropped. */
    void stop();

    /** The options in use. */
    const Options &options() const { return m_options; }
    /** Rows inserted since start. */
    quint64 rowsWritten() const { return m_rowsWritten.load(std::memory_order_relaxed); }
    /** Statements executed: a batch insert or a rollup upsert each. */
    quint64 insertsExecuted() const { return m_inserts.load(std::memory_order_relaxed); }
    /** Rows given up on: queue overflow, enqueued after stop(), or unwritable at stop(). */
    quint64 rowsDropped() const { return m_rowsDropped.load(std::memory_order_relaxed); }
    /** Records enqueued and not yet written: queued plus the batch being written. */
    qsizetype queueDepth() const;

private:
    void run();
    /**
     * Writes @p records (sorted by time on the way) and, when @p rollupsDue, the sums waiting
     * with theirs; drops what the database refuses.
     */
    Status write(QList<UsageRecord> &records, bool rollupsDue);
    /** One transaction of batches and (when due) rollups; the statements it executed. */
    Result<qint64> writeRecords(QList<UsageRecord> &records, bool rollupsDue);
    /** Converts the old usage_events rows; a failure is logged and left for the next start. */
    void convertLegacyRows();
    void dropOldest(qsizetype count); // m_mutex held
    void saveTrace() const;

    /** One write, for AISBF_USAGE_TRACE (steady clock, ns: CLOCK_MONOTONIC, as loadgen's). */
    struct TracedWrite
    {
        qint64 startNs = 0;
        qint64 writtenNs = 0; ///< the transaction ended
        qint64 freedNs = 0;   ///< the records were freed
        qsizetype records = 0;
    };

    Database &m_db;
    const Options m_options;

    mutable QMutex m_mutex;
    QWaitCondition m_wake; ///< the writer: records to write, a flush, or stop
    QWaitCondition m_done; ///< flush(): m_finished moved
    QList<UsageRecord> m_queue;
    QList<UsageRecord> m_spare; ///< an empty queue with room, swapped in when a batch is taken
    qsizetype m_inFlight = 0;
    quint64 m_enqueued = 0; ///< records ever enqueued
    quint64 m_finished = 0; ///< records written or dropped, in enqueue order
    int m_flushWaiters = 0;
    bool m_stopping = false;
    bool m_overflowLogged = false;
    bool m_converting = true;      ///< old usage_events rows are being converted (start)
    bool m_rollupsPending = false; ///< m_pendingRollups is not empty
    QString m_upsertSql;           ///< the writer thread's rollup upsert, built once
    usage_rollup::Accumulator m_pendingRollups; ///< written sums not yet upserted (writer thread)

    std::atomic<quint64> m_rowsWritten{0};
    std::atomic<quint64> m_inserts{0};
    std::atomic<quint64> m_rowsDropped{0};
    std::unique_ptr<QThread> m_thread;
    /**
     * AISBF_USAGE_TRACE=FILE (a diagnostic): every write's times, saved to FILE when the
     * thread ends, to line up with aisbf-loadgen --trace (tests/bench/trace-rr.sh).
     */
    const QString m_tracePath;
    std::vector<TracedWrite> m_trace; ///< writer thread
};

} // namespace aisbf::store
