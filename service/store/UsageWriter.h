// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Result.h"

#include <QList>
#include <QMutex>
#include <QString>
#include <QWaitCondition>

#include <atomic>
#include <memory>
#include <optional>

class QThread;

namespace aisbf::store {

class Database;

/** One finished request, as the usage_events table keeps it. */
struct UsageRecord
{
    qint64 ts = 0; ///< ms since the epoch; 0 means "when enqueued"
    std::optional<qint64> userId;
    std::optional<qint64> tokenId;
    QString routeKind; ///< "provider", "rotation", "autoselect", "user-rotation", ...
    QString routeId;
    QString provider;
    QString model;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    qint64 latencyMs = 0;
    std::optional<qint64> ttftMs; ///< time to first token, for streams
    int status = 0;               ///< HTTP status sent to the client
    int failovers = 0;            ///< attempts that failed before the one that answered
    bool cacheHit = false;
};

/**
 * Writes usage records off the request path. enqueue() only appends to a queue under a mutex;
 * a thread of its own (with its own connection) writes what is queued every flushInterval, or
 * at once when batchSize records wait, as multi-row INSERTs in one transaction.
 *
 * If the database fails, the records stay queued and the write is retried; past maxQueued the
 * oldest are dropped (counted in rowsDropped(), logged). stop() and the destructor write
 * everything still queued before they return.
 */
class UsageWriter
{
public:
    struct Options
    {
        int flushIntervalMs = 100;
        int batchSize = 500; ///< queue depth that wakes the writer; rows per INSERT at most
        /**
         * Rows per INSERT statement; the statement is prepared once per transaction and reused.
         * 0 picks per backend, as measured (aisbf-usage-writer-bench, 2 cores):
         * - MySQL/MariaDB: batchSize (a round trip per statement): 500 rows ~73k rows/s, 1 row
         *   ~10k rows/s.
         * - SQLite: 1 (no round trips; Qt's QSQLITE binds "?" as named parameters, which SQLite
         *   looks up linearly, so wide statements cost more per row): 1 row ~107k rows/s, 500
         *   rows ~42k rows/s.
         */
        int rowsPerInsert = 0;
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
     * Waits until every record enqueued before this call is written (or dropped). Returns false
     * when that took longer than @p timeoutMs (the database is down, say).
     */
    bool flush(int timeoutMs = 30'000);
    /** Writes everything still queued, then ends the thread. Later enqueues are dropped. */
    void stop();

    /** The options in use (rowsPerInsert resolved). */
    const Options &options() const { return m_options; }
    /** Rows inserted since start. */
    quint64 rowsWritten() const { return m_rowsWritten.load(std::memory_order_relaxed); }
    /** INSERT statements executed (each carries up to batchSize rows). */
    quint64 insertsExecuted() const { return m_inserts.load(std::memory_order_relaxed); }
    /** Rows given up on: queue overflow, enqueued after stop(), or unwritable at stop(). */
    quint64 rowsDropped() const { return m_rowsDropped.load(std::memory_order_relaxed); }
    /** Records enqueued and not yet written: queued plus the batch being written. */
    qsizetype queueDepth() const;

private:
    void run();
    Status write(const QList<UsageRecord> &records);
    Status writeBatches(const QList<UsageRecord> &records);
    void dropOldest(qsizetype count); // m_mutex held

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
    QString m_fullInsertSql; ///< the writer thread's INSERT of rowsPerInsert rows, built once

    std::atomic<quint64> m_rowsWritten{0};
    std::atomic<quint64> m_inserts{0};
    std::atomic<quint64> m_rowsDropped{0};
    std::unique_ptr<QThread> m_thread;
};

} // namespace aisbf::store
