// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "UsageRecord.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QVariantList>

#include <optional>

namespace aisbf::store {

/**
 * usage_rollups: the sums of usage per minute and key (user, token, route, provider, model),
 * which the analytics and the rate limits' restart read. The writer adds each write's records
 * into one row per minute and key (an upsert on (minute, key_digest)), so a busy route costs a
 * row a minute, not a row a request.
 */
namespace usage_rollup {

constexpr qint64 kMinuteMs = 60'000;

struct Key
{
    qint64 minute = 0; ///< the minute's start, ms since the epoch
    std::optional<qint64> userId;
    std::optional<qint64> tokenId;
    QString routeKind;
    QString routeId;
    QString provider;
    QString model;

    /** 16 bytes that tell keys apart within a minute: the unique key's second column (four
     *  VARCHAR(255) columns would not fit MySQL's 3072-byte key). */
    QByteArray digest() const;
    bool sameAs(const UsageRecord &r) const;
};

struct Sums
{
    qint64 requests = 0;
    qint64 errors = 0;    ///< status >= 400
    qint64 status429 = 0; ///< refused by a rate limit (ours or upstream's): not counted again
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    qint64 latencySumMs = 0;
    qint64 latencyMaxMs = 0;
    qint64 ttftCount = 0;
    qint64 ttftSumMs = 0;

    void add(const UsageRecord &r);
};

struct Row
{
    Key key;
    QByteArray digest; ///< key.digest()
    Sums sums;
};

bool operator==(const Key &a, const Key &b);
size_t qHash(const Key &key, size_t seed = 0);

/** Sums records by minute and key, as they come; rows() when they are to be written. */
class Accumulator
{
public:
    void add(const UsageRecord *first, qsizetype count);
    bool isEmpty() const { return m_entries.isEmpty(); }
    /** One row per minute and key, in (minute, digest) order: the order in which every node
     *  locks them (no deadlock between two nodes' upserts). */
    QList<Row> rows() const;

private:
    struct Entry
    {
        Key key;
        Sums sums;
    };
    QList<Entry> m_entries;
    QHash<Key, qsizetype> m_index;
    qsizetype m_last = -1; ///< the entry the previous record went to
};

/** The rows of @p count records from @p first (an Accumulator's). */
QList<Row> aggregate(const UsageRecord *first, qsizetype count);

/** The upsert of one row; adds to the row of its minute and key when there is one. */
QString upsertSql(bool sqlite);
QVariantList upsertValues(const Row &row);

} // namespace usage_rollup

} // namespace aisbf::store
