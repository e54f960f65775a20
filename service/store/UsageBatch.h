// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Result.h"
#include "UsageRecord.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace aisbf::store {

/**
 * Usage events are kept as batches: one usage_batches row holds the records one write of the
 * usage writer took, packed into a blob, instead of one indexed row per request. A row per
 * request cost SQLite ~18k instructions (two B-tree inserts, the statement's own overhead) on
 * the writer thread; a packed record costs a few hundred. The analytics read usage_rollups;
 * the batches are read back for export only.
 *
 * The blob (format 1), all integers as LEB128 varints, signed ones zigzag-encoded:
 *   byte    format (1)
 *   varint  number of strings S; S times: varint byte length, UTF-8
 *   varint  number of records N; N times:
 *           zigzag ts - previous record's ts (the first: ts itself)
 *           byte    flags: 1 user id follows, 2 token id follows, 4 time to first token
 *                   follows, 8 cache hit
 *           zigzag user id, zigzag token id (when flagged)
 *           route kind, route id, provider, model: indexes into the strings
 *           zigzag prompt tokens, completion tokens, latency ms
 *           zigzag time to first token (when flagged)
 *           zigzag status, failovers
 */
namespace usage_batch {

/** The most records one batch holds; an event's export id is batch id * kIdStride + index. */
constexpr qsizetype kMaxEvents = 4096;
constexpr qint64 kIdStride = 65536;
/**
 * The most time one batch spans (last ts - first ts), so that a time range finds its batches
 * through the index on first_ts: those with first_ts in [from - kMaxSpanMs, to).
 */
constexpr qint64 kMaxSpanMs = 60'000;

/** A run of records [begin, end) that fits one batch. */
struct Slice
{
    qsizetype begin = 0;
    qsizetype end = 0;
};

/** Sorts @p records by ts (stable) and cuts them into slices of at most kMaxEvents records
 *  and kMaxSpanMs. */
QList<Slice> slice(QList<UsageRecord> &records);

/** The blob of records [@p first, @p first + @p count), in that order. */
QByteArray encode(const UsageRecord *first, qsizetype count);

/** The records of a blob; an error names what is wrong with it (truncated, bad index…). */
Result<QList<UsageRecord>> decode(QByteArrayView blob);

} // namespace usage_batch

} // namespace aisbf::store
