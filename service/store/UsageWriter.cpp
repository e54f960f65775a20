// SPDX-License-Identifier: GPL-3.0-or-later
#include "UsageWriter.h"

#include "Database.h"
#include "StoreLog.h"

#include <QDeadlineTimer>
#include <QThread>

#include <sqlite3.h>

namespace aisbf::store {

namespace {

constexpr int kColumns = 14;
// One transaction takes at most this many batches, so a backlog after an outage is written in
// pieces instead of one huge transaction.
constexpr int kBatchesPerTransaction = 20;
// Attempts left for the final write at stop() before the rest is given up (and logged).
constexpr int kAttemptsAtStop = 3;

QString insertSql(qsizetype rows)
{
    QString sql = QStringLiteral("INSERT INTO usage_events (ts, user_id, token_id, route_kind, "
                                 "route_id, provider, model, prompt_tokens, completion_tokens, "
                                 "latency_ms, ttft_ms, status, failovers, cache_hit) VALUES ");
    sql.reserve(sql.size() + rows * (kColumns * 3 + 4));
    for (qsizetype i = 0; i < rows; ++i)
        sql += i == 0 ? QLatin1String("(?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
                      : QLatin1String(",(?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    return sql;
}

// The text columns are VARCHAR(255) on MySQL, where strict mode refuses longer values: one
// overlong model name must not cost a whole batch.
// A null QString would bind as NULL; the columns are NOT NULL DEFAULT ''.
QString clip(const QString &s)
{
    if (s.isNull())
        return QStringLiteral("");
    return s.size() <= 255 ? s : s.left(255);
}

void appendValues(QVariantList &values, const UsageRecord &r)
{
    values << r.ts << nullableInt(r.userId) << nullableInt(r.tokenId) << clip(r.routeKind)
           << clip(r.routeId) << clip(r.provider) << clip(r.model) << r.promptTokens
           << r.completionTokens << r.latencyMs << nullableInt(r.ttftMs) << r.status << r.failovers
           << (r.cacheHit ? 1 : 0);
}

// A text column's UTF-8, converted once for a run of rows with the same string: a row's route,
// provider and model come from config, so consecutive rows nearly always share them.
class Utf8Column
{
public:
    const QByteArray &of(const QString &text)
    {
        if (!m_valid || !(text.isSharedWith(m_text) || text == m_text)) {
            m_text = text;
            m_utf8 = clip(text).toUtf8();
            m_valid = true;
        }
        return m_utf8;
    }

private:
    QString m_text;
    QByteArray m_utf8;
    bool m_valid = false;
};

struct Utf8Columns
{
    Utf8Column routeKind, routeId, provider, model;
};

// One record's values, in insertSql()'s column order, bound without a QVariant in between. The
// text stays in @p text until the row is stepped (SQLITE_STATIC: SQLite does not copy it).
int bindRecord(sqlite3_stmt *statement, const UsageRecord &r, Utf8Columns &text)
{
    int index = 0;
    int code = SQLITE_OK;
    const auto integer = [&](qint64 value) {
        if (code == SQLITE_OK)
            code = sqlite3_bind_int64(statement, ++index, value);
    };
    const auto nullable = [&](const std::optional<qint64> &value) {
        if (code == SQLITE_OK)
            code = value ? sqlite3_bind_int64(statement, ++index, *value)
                         : sqlite3_bind_null(statement, ++index);
    };
    const auto string = [&](Utf8Column &column, const QString &value) {
        const QByteArray &utf8 = column.of(value);
        if (code == SQLITE_OK)
            code = sqlite3_bind_text(statement, ++index, utf8.constData(), int(utf8.size()),
                                     SQLITE_STATIC);
    };
    integer(r.ts);
    nullable(r.userId);
    nullable(r.tokenId);
    string(text.routeKind, r.routeKind);
    string(text.routeId, r.routeId);
    string(text.provider, r.provider);
    string(text.model, r.model);
    integer(r.promptTokens);
    integer(r.completionTokens);
    integer(r.latencyMs);
    nullable(r.ttftMs);
    integer(r.status);
    integer(r.failovers);
    integer(r.cacheHit ? 1 : 0);
    return code;
}

} // namespace

UsageWriter::UsageWriter(Database &db) : UsageWriter(db, Options{}) {}

UsageWriter::UsageWriter(Database &db, Options options)
    : m_db(db), m_options([&options, &db] {
          options.batchSize = qMax(1, options.batchSize);
          options.flushIntervalMs = qMax(1, options.flushIntervalMs);
          options.maxQueued = qMax<qsizetype>(options.batchSize, options.maxQueued);
          if (options.rowsPerInsert <= 0)
              options.rowsPerInsert = db.isSqlite() ? 1 : options.batchSize;
          options.rowsPerInsert = qMin(options.rowsPerInsert, options.batchSize);
          return options;
      }())
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
    if (m_finished >= target)
        return true;
    ++m_flushWaiters;
    m_wake.wakeOne();
    const QDeadlineTimer deadline(timeoutMs);
    while (m_finished < target && !deadline.hasExpired())
        m_done.wait(&m_mutex, deadline);
    --m_flushWaiters;
    return m_finished >= target;
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
    QMutexLocker lock(&m_mutex);
    int failures = 0;
    int failuresAtStop = 0;
    for (;;) {
        const bool due = m_stopping || m_queue.size() >= m_options.batchSize ||
                         (m_flushWaiters > 0 && !m_queue.isEmpty());
        if (!due)
            m_wake.wait(&m_mutex, QDeadlineTimer(m_options.flushIntervalMs));
        if (m_queue.isEmpty()) {
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
        const Status written = write(batch);
        const qsizetype writtenCount = batch.size();
        // Freeing a batch (hundreds of records, several strings each) takes tens of
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
        lock.relock();
        if (written && m_spare.capacity() < batch.capacity())
            m_spare.swap(batch);
        m_inFlight = 0;

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
                << "stopping: dropping" << lost
                << "usage records the database would not take:" << written.error().toString();
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
}

Status UsageWriter::write(const QList<UsageRecord> &records)
{
    Status done = writeBatches(records);
    if (done || done.error().kind != StoreError::Kind::Constraint)
        return done;
    // One record the database refuses would otherwise block the queue for good: write them one
    // by one and drop only the refused (a failed statement does not end the transaction).
    qsizetype refused = 0;
    StoreError firstRefusal;
    const QString sql = insertSql(1);
    done = m_db.transaction([&]() -> Status {
        QVariantList values;
        for (const UsageRecord &r : records) {
            values.clear();
            appendValues(values, r);
            auto inserted = m_db.exec(sql, values);
            if (inserted)
                continue;
            if (inserted.error().kind != StoreError::Kind::Constraint)
                return inserted.error();
            if (refused++ == 0)
                firstRefusal = inserted.error();
        }
        return {};
    });
    if (done) {
        const auto written = static_cast<quint64>(records.size() - refused);
        m_rowsWritten.fetch_add(written, std::memory_order_relaxed);
        m_inserts.fetch_add(written, std::memory_order_relaxed);
        m_rowsDropped.fetch_add(static_cast<quint64>(refused), std::memory_order_relaxed);
        qCWarning(lcStore).noquote()
            << "dropped" << refused
            << "usage records the database refused:" << firstRefusal.toString();
    }
    return done;
}

Status UsageWriter::writeBatches(const QList<UsageRecord> &records)
{
    if (m_options.rowsPerInsert == 1 && m_db.isSqlite()) {
        // The per-request path on the default backend: one prepared INSERT, typed binding.
        if (m_fullInsertSql.isEmpty())
            m_fullInsertSql = insertSql(1);
        Utf8Columns text;
        const auto bindRow = [&records, &text](sqlite3_stmt *statement, qsizetype row) {
            return bindRecord(statement, records.at(row), text);
        };
        bool typed = true;
        Status done = m_db.transaction([&]() -> Status {
            auto inserted = m_db.execSqliteRows(m_fullInsertSql, records.size(), bindRow);
            typed = inserted.has_value(); // no sqlite3 handle: the QVariant path below
            if (inserted && !*inserted)
                return inserted->error();
            return {};
        });
        if (typed) {
            if (done) {
                m_rowsWritten.fetch_add(static_cast<quint64>(records.size()),
                                        std::memory_order_relaxed);
                m_inserts.fetch_add(static_cast<quint64>(records.size()),
                                    std::memory_order_relaxed);
            }
            return done;
        }
    }
    // Full statements of rowsPerInsert rows share one prepared INSERT; the rest gets its own.
    const qsizetype perInsert = m_options.rowsPerInsert;
    const qsizetype fullRows = records.size() / perInsert * perInsert;
    QList<QVariantList> statements;
    statements.reserve(fullRows / perInsert);
    for (qsizetype start = 0; start < fullRows; start += perInsert) {
        QVariantList values;
        values.reserve(perInsert * kColumns);
        for (qsizetype i = start; i < start + perInsert; ++i)
            appendValues(values, records.at(i));
        statements.append(std::move(values));
    }
    QVariantList rest;
    for (qsizetype i = fullRows; i < records.size(); ++i)
        appendValues(rest, records.at(i));
    if (m_fullInsertSql.isEmpty())
        m_fullInsertSql = insertSql(perInsert);

    Status done = m_db.transaction([&]() -> Status {
        if (!statements.isEmpty())
            if (auto inserted = m_db.execEach(m_fullInsertSql, statements); !inserted)
                return inserted.error();
        if (!rest.isEmpty())
            if (auto inserted = m_db.exec(insertSql(records.size() - fullRows), rest); !inserted)
                return inserted.error();
        return {};
    });
    if (done) {
        m_rowsWritten.fetch_add(static_cast<quint64>(records.size()), std::memory_order_relaxed);
        m_inserts.fetch_add(static_cast<quint64>(statements.size() + (rest.isEmpty() ? 0 : 1)),
                            std::memory_order_relaxed);
    }
    return done;
}

} // namespace aisbf::store
