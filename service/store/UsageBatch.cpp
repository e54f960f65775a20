// SPDX-License-Identifier: GPL-3.0-or-later
#include "UsageBatch.h"

#include <QHash>

#include <algorithm>

namespace aisbf::store::usage_batch {

namespace {

constexpr char kFormat = 1;

quint64 zigzag(qint64 value)
{
    return (quint64(value) << 1) ^ quint64(value >> 63);
}

qint64 unzigzag(quint64 value)
{
    return qint64(value >> 1) ^ -qint64(value & 1);
}

// Writes @p value at @p out (10 bytes at most); returns the end.
char *putVarint(char *out, quint64 value)
{
    while (value >= 0x80) {
        *out++ = char(value | 0x80);
        value >>= 7;
    }
    *out++ = char(value);
    return out;
}

void putVarint(QByteArray &out, quint64 value)
{
    char bytes[10];
    out.append(bytes, putVarint(bytes, value) - bytes);
}

// The most bytes one record takes: 13 varints and the flags byte.
constexpr qsizetype kMaxRecordBytes = 13 * 10 + 1;

// A record's flags byte: which optional fields follow, and the cache hit.
enum Flag : quint8
{
    HasUser = 1,
    HasToken = 2,
    HasTtft = 4,
    CacheHit = 8,
};

// The string table. Consecutive records nearly always share their route, provider and model
// (the same QString data from config), so each column first compares with its last string.
class Strings
{
public:
    quint64 indexOf(int column, const QString &text)
    {
        Last &last = m_last[column];
        if (last.valid && (text.isSharedWith(last.text) || text == last.text))
            return last.index;
        auto it = m_indexes.constFind(text);
        if (it == m_indexes.cend())
            it = m_indexes.insert(text, quint64(m_order.size())), m_order.append(text);
        last = {text, *it, true};
        return *it;
    }
    const QList<QString> &order() const { return m_order; }

private:
    struct Last
    {
        QString text;
        quint64 index = 0;
        bool valid = false;
    };
    Last m_last[4];
    QHash<QString, quint64> m_indexes;
    QList<QString> m_order;
};

class Reader
{
public:
    explicit Reader(QByteArrayView data) : m_data(data) {}

    bool varint(quint64 &value)
    {
        value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_pos >= m_data.size())
                return fail("it ends inside a number");
            const auto byte = quint8(m_data[m_pos++]);
            if (shift == 63 && byte > 1)
                return fail("a number is longer than 64 bits");
            value |= quint64(byte & 0x7f) << shift;
            if (!(byte & 0x80))
                return true;
        }
        return fail("a number is longer than 64 bits");
    }
    bool signedVarint(qint64 &value)
    {
        quint64 raw = 0;
        if (!varint(raw))
            return false;
        value = unzigzag(raw);
        return true;
    }
    bool optional(bool present, std::optional<qint64> &value)
    {
        value.reset();
        qint64 raw = 0;
        if (!present)
            return true;
        if (!signedVarint(raw))
            return false;
        value = raw;
        return true;
    }
    bool byte(quint8 &value)
    {
        if (m_pos >= m_data.size())
            return fail("it ends inside a record");
        value = quint8(m_data[m_pos++]);
        return true;
    }
    bool bytes(qsizetype count, QByteArrayView &out)
    {
        if (count < 0 || count > m_data.size() - m_pos)
            return fail("it ends inside a string");
        out = m_data.sliced(m_pos, count);
        m_pos += count;
        return true;
    }
    bool atEnd() const { return m_pos == m_data.size(); }
    bool fail(const char *why)
    {
        if (m_error.isEmpty())
            m_error = QString::fromLatin1(why) +
                      QStringLiteral(" (byte %1 of %2)").arg(m_pos).arg(m_data.size());
        return false;
    }
    const QString &error() const { return m_error; }

private:
    QByteArrayView m_data;
    qsizetype m_pos = 0;
    QString m_error;
};

} // namespace

QList<Slice> slice(QList<UsageRecord> &records)
{
    // Enqueue order is nearly ts order already: the sort is a scan when nothing is out of place.
    if (!std::is_sorted(records.cbegin(), records.cend(),
                        [](const UsageRecord &a, const UsageRecord &b) { return a.ts < b.ts; }))
        std::stable_sort(records.begin(), records.end(),
                         [](const UsageRecord &a, const UsageRecord &b) { return a.ts < b.ts; });
    QList<Slice> slices;
    qsizetype begin = 0;
    for (qsizetype i = 0; i <= records.size(); ++i) {
        const bool cut = i == records.size() || i - begin == kMaxEvents ||
                         records.at(i).ts - records.at(begin).ts > kMaxSpanMs;
        if (!cut)
            continue;
        if (i > begin)
            slices.append({begin, i});
        begin = i;
    }
    return slices;
}

QByteArray encode(const UsageRecord *first, qsizetype count)
{
    Strings strings;
    // Written through a pointer into room for the largest records, then cut to size: an
    // append per field cost more than the rest of the encoding.
    QByteArray body(10 + count * kMaxRecordBytes, Qt::Uninitialized);
    char *out = putVarint(body.data(), quint64(count));
    qint64 previousTs = 0;
    for (const UsageRecord *r = first; r != first + count; ++r) {
        out = putVarint(out, zigzag(r->ts - previousTs));
        previousTs = r->ts;
        *out++ = char((r->userId ? HasUser : 0) | (r->tokenId ? HasToken : 0) |
                      (r->ttftMs ? HasTtft : 0) | (r->cacheHit ? CacheHit : 0));
        if (r->userId)
            out = putVarint(out, zigzag(*r->userId));
        if (r->tokenId)
            out = putVarint(out, zigzag(*r->tokenId));
        out = putVarint(out, strings.indexOf(0, r->routeKind));
        out = putVarint(out, strings.indexOf(1, r->routeId));
        out = putVarint(out, strings.indexOf(2, r->provider));
        out = putVarint(out, strings.indexOf(3, r->model));
        out = putVarint(out, zigzag(r->promptTokens));
        out = putVarint(out, zigzag(r->completionTokens));
        out = putVarint(out, zigzag(r->latencyMs));
        if (r->ttftMs)
            out = putVarint(out, zigzag(*r->ttftMs));
        out = putVarint(out, zigzag(r->status));
        out = putVarint(out, zigzag(r->failovers));
    }
    body.truncate(out - body.constData());

    QByteArray blob;
    blob.reserve(body.size() + 64);
    blob.append(kFormat);
    putVarint(blob, quint64(strings.order().size()));
    for (const QString &text : strings.order()) {
        const QByteArray utf8 = text.toUtf8();
        putVarint(blob, quint64(utf8.size()));
        blob.append(utf8);
    }
    blob.append(body);
    return blob;
}

Result<QList<UsageRecord>> decode(QByteArrayView blob)
{
    const auto corrupt = [](const QString &why) {
        return StoreError{
            StoreError::Kind::Query, QStringLiteral("a usage batch cannot be read: ") + why, {}};
    };
    if (blob.isEmpty() || blob[0] != kFormat)
        return corrupt(blob.isEmpty() ? QStringLiteral("it is empty")
                                      : QStringLiteral("unknown format %1").arg(int(blob[0])));
    Reader in(blob.sliced(1));
    quint64 stringCount = 0;
    if (!in.varint(stringCount))
        return corrupt(in.error());
    QList<QString> strings;
    for (quint64 i = 0; i < stringCount; ++i) {
        quint64 length = 0;
        QByteArrayView utf8;
        if (!in.varint(length) || !in.bytes(qsizetype(qMin<quint64>(length, 1u << 30)), utf8))
            return corrupt(in.error());
        strings.append(QString::fromUtf8(utf8));
    }
    quint64 count = 0;
    if (!in.varint(count))
        return corrupt(in.error());
    if (count > quint64(blob.size())) // every record takes more than a byte
        return corrupt(
            QStringLiteral("it claims %1 records in %2 bytes").arg(count).arg(blob.size()));

    QList<UsageRecord> records;
    records.reserve(qsizetype(count));
    qint64 ts = 0;
    const auto text = [&](QString &out) {
        quint64 index = 0;
        if (!in.varint(index))
            return false;
        if (index >= quint64(strings.size()))
            return in.fail("a string index is out of range");
        out = strings.at(qsizetype(index));
        return true;
    };
    for (quint64 i = 0; i < count; ++i) {
        UsageRecord r;
        qint64 delta = 0, status = 0, failovers = 0;
        quint8 flags = 0;
        const bool ok = in.signedVarint(delta) && in.byte(flags) &&
                        (flags & ~(HasUser | HasToken | HasTtft | CacheHit)
                             ? in.fail("a record has unknown flags")
                             : true) &&
                        in.optional(flags & HasUser, r.userId) &&
                        in.optional(flags & HasToken, r.tokenId) && text(r.routeKind) &&
                        text(r.routeId) && text(r.provider) && text(r.model) &&
                        in.signedVarint(r.promptTokens) && in.signedVarint(r.completionTokens) &&
                        in.signedVarint(r.latencyMs) && in.optional(flags & HasTtft, r.ttftMs) &&
                        in.signedVarint(status) && in.signedVarint(failovers);
        if (!ok)
            return corrupt(in.error());
        ts += delta;
        r.ts = ts;
        r.status = int(status);
        r.failovers = int(failovers);
        r.cacheHit = flags & CacheHit;
        records.append(std::move(r));
    }
    if (!in.atEnd())
        return corrupt(QStringLiteral("bytes follow the last record"));
    return records;
}

} // namespace aisbf::store::usage_batch
