// SPDX-License-Identifier: GPL-3.0-or-later
// The usage batch blob (encode/decode/slice) and the per-minute rollup of usage records.
#include "store/UsageBatch.h"
#include "store/UsageRollup.h"

#include <QTest>

#include <limits>

using namespace aisbf::store;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(aisbf::store::UsageRecord)

class TestUsageBatch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void sharedStringsAreSmall();
    void decodeRejects_data();
    void decodeRejects();
    void decodeRejectsEveryTruncation();
    void slice_data();
    void slice();
    void aggregate();
    void aggregateMinute_data();
    void aggregateMinute();
    void aggregateClipsLongText();
    void digestTellsKeysApart();
    void upsert();
};

namespace {

constexpr qint64 kMin = std::numeric_limits<qint64>::min();
constexpr qint64 kMax = std::numeric_limits<qint64>::max();
constexpr qint64 kMinute = 1'700'000'040'000; // a minute's start

// A fresh QString each call: equal text, never shared data.
QString fresh(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

UsageRecord record(qint64 ts, std::optional<qint64> userId = 7, int status = 200)
{
    UsageRecord r;
    r.ts = ts, r.userId = userId, r.tokenId = 11, r.status = status, r.failovers = 1;
    r.routeKind = fresh("provider"), r.routeId = fresh("openai"), r.provider = fresh("openai");
    r.model = fresh("gpt-4o"), r.promptTokens = 120, r.completionTokens = 45;
    r.latencyMs = 800, r.ttftMs = 150, r.cacheHit = true;
    return r;
}

// Every field of @p r, for a readable QCOMPARE.
QString dump(const UsageRecord &r)
{
    const auto opt = [](const std::optional<qint64> &v) {
        return v ? QString::number(*v) : QStringLiteral("none");
    };
    return QStringLiteral("ts=%1 user=%2 token=%3 kind=%4 id=%5 provider=%6 model=%7 prompt=%8 "
                          "completion=%9 latency=%10 ttft=%11 status=%12 failovers=%13 hit=%14")
        .arg(QString::number(r.ts), opt(r.userId), opt(r.tokenId), r.routeKind, r.routeId,
             r.provider, r.model, QString::number(r.promptTokens),
             QString::number(r.completionTokens), QString::number(r.latencyMs), opt(r.ttftMs),
             QString::number(r.status), QString::number(r.failovers), QString::number(r.cacheHit));
}

QList<qint64> sumsOf(const usage_rollup::Sums &s)
{
    return {s.requests,     s.errors,       s.status429, s.promptTokens, s.completionTokens,
            s.latencySumMs, s.latencyMaxMs, s.ttftCount, s.ttftSumMs};
}

QByteArray encodeAll(const QList<UsageRecord> &records)
{
    return usage_batch::encode(records.constData(), records.size());
}

// A valid blob with several strings, ids, optional fields and a backwards ts.
QByteArray sampleBlob()
{
    QList<UsageRecord> records{record(1000), record(900, std::nullopt, 429), record(5000)};
    records[1].model = fresh("模型-ü");
    records[1].ttftMs.reset();
    records[2].routeKind = fresh("rotation");
    return encodeAll(records);
}

} // namespace

void TestUsageBatch::roundTrip_data()
{
    QTest::addColumn<QList<UsageRecord>>("records");
    QTest::newRow("empty batch") << QList<UsageRecord>{};
    QTest::newRow("all fields set") << QList<UsageRecord>{record(1'700'000'000'123)};
    UsageRecord none = record(5);
    none.userId.reset(), none.tokenId.reset(), none.ttftMs.reset(), none.cacheHit = false;
    QTest::newRow("optionals empty") << QList<UsageRecord>{none, record(6), none};
    UsageRecord zeros = record(0, 0);
    zeros.tokenId = 0, zeros.ttftMs = 0, zeros.status = 0, zeros.failovers = 0;
    QTest::newRow("optionals zero") << QList<UsageRecord>{zeros, none};
    UsageRecord large = record(4'102'444'800'000, 3'000'000'000);
    large.tokenId = kMax, large.promptTokens = 3'000'000'000, large.completionTokens = kMax;
    large.latencyMs = 3'000'000'000, large.ttftMs = 3'000'000'000;
    large.status = std::numeric_limits<int>::max(), large.failovers = 1'000'000;
    QTest::newRow("large values") << QList<UsageRecord>{large, record(1)};
    UsageRecord negative = record(-86'400'000, -1);
    negative.tokenId = -2, negative.promptTokens = -5, negative.completionTokens = kMin;
    negative.latencyMs = -1, negative.ttftMs = -7, negative.status = -1,
    negative.failovers = std::numeric_limits<int>::min();
    QTest::newRow("negative values") << QList<UsageRecord>{negative, record(3), negative};
    // Optional fields at the bottom of qint64 (once encoded as zigzag + 1, which wrapped to
    // "none"): presence is a flag of its own now.
    UsageRecord minOptional = record(10, kMin);
    minOptional.tokenId = kMin, minOptional.ttftMs = kMin;
    QTest::newRow("optional INT64_MIN") << QList<UsageRecord>{minOptional};
    UsageRecord unicode = record(42);
    unicode.routeKind = fresh("user-rotation"), unicode.routeId = fresh("größe 🚀");
    unicode.provider = fresh("供应商"), unicode.model = fresh("模型-ü");
    QTest::newRow("unicode") << QList<UsageRecord>{unicode, record(43), unicode};
    UsageRecord empty = record(1);
    empty.routeKind = QString(), empty.routeId = QStringLiteral(""), empty.provider = QString(),
    empty.model = fresh("");
    QTest::newRow("empty strings") << QList<UsageRecord>{empty, record(2), empty};
    QTest::newRow("ts backwards") << QList<UsageRecord>{record(1000), record(500), record(-200),
                                                        record(2000), record(kMax / 4)};
    QList<UsageRecord> hits{record(1), record(2), record(3)};
    hits[1].cacheHit = false;
    QTest::newRow("cache hit mixed") << hits;
    QList<UsageRecord> distinct;
    for (int i = 0; i < 300; ++i) { // string indexes past 127 take two varint bytes
        distinct.append(record(i));
        distinct.last().model = QStringLiteral("model-%1").arg(i);
        distinct.last().routeId = QStringLiteral("route-%1").arg(i % 7);
    }
    QTest::newRow("300 distinct strings") << distinct;
}

void TestUsageBatch::roundTrip()
{
    QFETCH(QList<UsageRecord>, records);
    const QByteArray blob = encodeAll(records);
    QCOMPARE(blob.at(0), char(1));
    const auto decoded = usage_batch::decode(blob);
    QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().message));
    QCOMPARE(decoded->size(), records.size());
    for (qsizetype i = 0; i < records.size(); ++i)
        QCOMPARE(dump(decoded->at(i)), dump(records.at(i)));
}

void TestUsageBatch::sharedStringsAreSmall()
{
    QList<UsageRecord> records;
    for (int i = 0; i < 1000; ++i) {
        records.append(record(kMinute + i * 37));
        records.last().model = fresh("模型-ü"); // equal text, separate data
    }
    const QByteArray blob = encodeAll(records);
    QVERIFY2(blob.size() < 30 * records.size(), qPrintable(QString::number(blob.size())));
    QCOMPARE(blob.count(QByteArray("模型-ü")), 1);
    QCOMPARE(blob.count(QByteArray("openai")), 1); // routeId and provider share one string
    const auto decoded = usage_batch::decode(blob);
    QVERIFY(decoded.ok());
    QCOMPARE(decoded->size(), records.size());
    for (qsizetype i = 0; i < records.size(); ++i)
        QCOMPARE(dump(decoded->at(i)), dump(records.at(i)));
}

void TestUsageBatch::decodeRejects_data()
{
    QTest::addColumn<QByteArray>("blob");
    // One record of zeros: ts, user, token, 4 string indexes (0), 3 counts, ttft, status,
    // failovers, cache hit.
    const QByteArray record0(14, '\0');
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("format 0") << sampleBlob().replace(0, 1, QByteArray(1, '\0'));
    QTest::newRow("format 2") << sampleBlob().replace(0, 1, QByteArray(1, '\2'));
    // format 1, 0 strings, 1 record that refers to string 0
    QTest::newRow("index out of range, no strings") << QByteArray::fromHex("010001") + record0;
    // format 1, 1 string "x", 1 record whose model is string 1
    QTest::newRow("index out of range, one string")
        << QByteArray::fromHex("010101780100000000000001") + record0.left(7);
    QTest::newRow("trailing byte") << sampleBlob() + '\0';
    QTest::newRow("huge record count") << QByteArray::fromHex("0100ffffffff0f") + record0;
    QTest::newRow("record count 2^63") << QByteArray::fromHex("010080808080808080808001") + record0;
    QTest::newRow("huge string count") << QByteArray::fromHex("01ffffffffffffffff7f00");
    QTest::newRow("string past end") << QByteArray::fromHex("01017f61626300");
    QTest::newRow("varint over 64 bits") << QByteArray::fromHex("01808080808080808080808000");
    QTest::newRow("10th varint byte over 1") << QByteArray::fromHex("0180808080808080808002");
    // format 1, 0 strings, 1 record: ts delta 0, flags 0x10 (not a flag)
    QTest::newRow("unknown flags") << QByteArray::fromHex("0100010010");
}

void TestUsageBatch::decodeRejects()
{
    QFETCH(QByteArray, blob);
    const auto decoded = usage_batch::decode(blob);
    QVERIFY(!decoded.ok());
    QVERIFY(decoded.error().message.startsWith(QStringLiteral("a usage batch cannot be read: ")));
}

void TestUsageBatch::decodeRejectsEveryTruncation()
{
    const QByteArray blob = sampleBlob();
    QVERIFY(usage_batch::decode(blob).ok());
    for (qsizetype size = 0; size < blob.size(); ++size) {
        const auto decoded = usage_batch::decode(QByteArrayView(blob).first(size));
        QVERIFY2(!decoded.ok(),
                 qPrintable(QStringLiteral("%1 of %2 bytes").arg(size).arg(blob.size())));
    }
}

void TestUsageBatch::slice_data()
{
    QTest::addColumn<QList<qint64>>("ts");
    QTest::addColumn<QList<qint64>>("ends"); // each slice's end; begins follow from them
    QTest::newRow("empty") << QList<qint64>{} << QList<qint64>{};
    QTest::newRow("one") << QList<qint64>{5} << QList<qint64>{1};
    QTest::newRow("exactly 60 s") << QList<qint64>{0, 60'000} << QList<qint64>{2};
    QTest::newRow("60 s + 1 ms") << QList<qint64>{0, 60'001} << QList<qint64>{1, 2};
    QTest::newRow("span from first")
        << QList<qint64>{0, 30'000, 60'000, 90'000, 150'000} << QList<qint64>{3, 5};
    QTest::newRow("unsorted") << QList<qint64>{5, 1, 3, 1} << QList<qint64>{4};
    QTest::newRow("unsorted with gap")
        << QList<qint64>{70'000, 0, 5'000, -100'000} << QList<qint64>{1, 3, 4};
    constexpr qint64 kEvents = usage_batch::kMaxEvents;
    QTest::newRow("exactly max events") << QList<qint64>(kEvents, 7) << QList<qint64>{kEvents};
    QList<qint64> alternating; // equal ts out of order with others: the sort must be stable
    for (qint64 i = 0; i < 2 * kEvents + 1; ++i)
        alternating.append(i % 2 ? 1000 : 2000);
    QTest::newRow("max events, unsorted")
        << alternating << QList<qint64>{kEvents, 2 * kEvents, 2 * kEvents + 1};
}

void TestUsageBatch::slice()
{
    QFETCH(QList<qint64>, ts);
    QFETCH(QList<qint64>, ends);
    QList<UsageRecord> records;
    for (qsizetype i = 0; i < ts.size(); ++i) {
        records.append(record(ts.at(i)));
        records.last().promptTokens = i; // the original position
    }
    const auto slices = usage_batch::slice(records);
    QCOMPARE(records.size(), ts.size());
    for (qsizetype i = 1; i < records.size(); ++i) { // sorted by ts, equal ts in input order
        const UsageRecord &a = records.at(i - 1), &b = records.at(i);
        QVERIFY(a.ts < b.ts || (a.ts == b.ts && a.promptTokens < b.promptTokens));
    }
    QList<qint64> sortedTs = ts, gotTs, gotEnds;
    std::sort(sortedTs.begin(), sortedTs.end());
    for (const UsageRecord &r : records)
        gotTs.append(r.ts);
    QCOMPARE(gotTs, sortedTs);
    qsizetype begin = 0;
    for (const auto &s : slices) { // contiguous, in order, each within the limits
        QCOMPARE(s.begin, begin);
        QVERIFY(s.end > s.begin && s.end - s.begin <= usage_batch::kMaxEvents);
        QVERIFY(records.at(s.end - 1).ts - records.at(s.begin).ts <= usage_batch::kMaxSpanMs);
        begin = s.end;
        gotEnds.append(s.end);
    }
    QCOMPARE(gotEnds, ends);
    QCOMPARE(begin, records.size());
}

void TestUsageBatch::aggregate()
{
    using usage_rollup::Key;
    QList<UsageRecord> records;
    const auto add = [&](qint64 ts, int status, qint64 prompt, qint64 latency,
                         std::optional<qint64> ttft) -> UsageRecord & {
        records.append(record(ts, 7, status));
        UsageRecord &r = records.last();
        r.promptTokens = prompt, r.completionTokens = 2 * prompt, r.latencyMs = latency;
        r.ttftMs = ttft;
        return r;
    };
    add(kMinute, 200, 10, 100, 30);                   // key A, minute 0, on the boundary
    add(kMinute + 59'999, 429, 1, 300, std::nullopt); // key A
    add(kMinute + 1'000, 500, 5, 50, 5).userId = 8;   // user
    add(kMinute + 2'000, 200, 5, 50, 5).userId.reset();
    add(kMinute + 3'000, 200, 5, 50, 5).tokenId = 12;
    add(kMinute + 4'000, 200, 5, 50, 5).routeKind = fresh("rotation");
    add(kMinute + 5'000, 200, 5, 50, 5).routeId = fresh("other");
    add(kMinute + 6'000, 200, 5, 50, 5).provider = fresh("anthropic");
    add(kMinute + 7'000, 200, 5, 50, 5).model = fresh("gpt-4o-mini");
    add(kMinute + 30'000, 503, 100, 200, 0);            // key A again, after other keys
    add(kMinute + 60'000, 400, 1000, 10, std::nullopt); // key A, next minute
    add(kMinute + 61'000, 200, 1000, 20, 40);           // key A, next minute

    const auto rows = usage_rollup::aggregate(records.constData(), records.size());
    QCOMPARE(rows.size(), 9);
    qint64 requests = 0;
    for (qsizetype i = 0; i < rows.size(); ++i) {
        QCOMPARE(rows[i].digest, rows[i].key.digest());
        requests += rows[i].sums.requests;
        if (i > 0) {
            const auto &a = rows[i - 1], &b = rows[i];
            QVERIFY(a.key.minute < b.key.minute ||
                    (a.key.minute == b.key.minute && a.digest < b.digest));
        }
    }
    QCOMPARE(requests, records.size());
    const Key keyA{kMinute, 7, 11, u"provider"_s, u"openai"_s, u"openai"_s, u"gpt-4o"_s};
    const auto find = [&](qint64 minute) -> const usage_rollup::Row * {
        for (const auto &row : rows)
            if (row.key.minute == minute && row.digest == keyA.digest())
                return &row;
        return nullptr;
    };
    const auto *first = find(kMinute);
    QVERIFY(first);
    QCOMPARE(first->key.model, QStringLiteral("gpt-4o"));
    // requests, errors, 429s, prompt, completion, latency sum and max, ttft count and sum;
    // ttft: 30 and 0 (the 429 had none).
    QCOMPARE(sumsOf(first->sums), (QList<qint64>{3, 2, 1, 111, 222, 600, 300, 2, 30}));
    const auto *second = find(kMinute + 60'000);
    QVERIFY(second);
    QCOMPARE(sumsOf(second->sums), (QList<qint64>{2, 1, 0, 2000, 4000, 30, 20, 1, 40}));
    QCOMPARE(rows.first().key.minute, kMinute);
    QCOMPARE(rows.last().key.minute, kMinute + 60'000);
    QVERIFY(usage_rollup::aggregate(records.constData(), 0).isEmpty());
}

void TestUsageBatch::aggregateMinute_data()
{
    QTest::addColumn<qint64>("ts");
    QTest::addColumn<qint64>("minute");
    QTest::newRow("zero") << qint64(0) << qint64(0);
    QTest::newRow("last ms") << qint64(59'999) << qint64(0);
    QTest::newRow("boundary") << qint64(60'000) << qint64(60'000);
    QTest::newRow("now") << kMinute + 12'345 << kMinute;
    QTest::newRow("-1") << qint64(-1) << qint64(-60'000);
    QTest::newRow("-60000") << qint64(-60'000) << qint64(-60'000);
    QTest::newRow("-60001") << qint64(-60'001) << qint64(-120'000);
}

void TestUsageBatch::aggregateMinute()
{
    QFETCH(qint64, ts);
    QFETCH(qint64, minute);
    const QList<UsageRecord> records{record(ts), record(minute)};
    const auto rows = usage_rollup::aggregate(records.constData(), records.size());
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows[0].key.minute, minute);
    QCOMPARE(rows[0].sums.requests, 2);
}

void TestUsageBatch::aggregateClipsLongText()
{
    const QString x255(255, u'x');
    QList<UsageRecord> records{record(1), record(2), record(3), record(4)};
    records[0].model = x255 + QString(45, u'a');
    records[1].model = x255;
    records[2].model = x255 + QString(1, u'b');
    records[3].model = QString(254, u'x');
    for (auto &r : records)
        r.routeId = QString(300, u'r');
    const auto rows = usage_rollup::aggregate(records.constData(), records.size());
    QCOMPARE(rows.size(), 2);
    for (const auto &row : rows) {
        QCOMPARE(row.key.routeId, QString(255, u'r'));
        QCOMPARE(row.sums.requests, row.key.model == x255 ? 3 : 1);
        QVERIFY(row.key.model.size() <= 255);
        QCOMPARE(usage_rollup::upsertValues(row).at(5).toString(), QString(255, u'r'));
    }
    QCOMPARE(clipUsageText(QString()), QStringLiteral(""));
    // A character of two UTF-16 units across the limit is left out whole, not cut in half.
    const QString rocket = QString(254, u'x') + QStringLiteral("🚀") + QStringLiteral("tail");
    QCOMPARE(clipUsageText(rocket), QString(254, u'x'));
    QCOMPARE(clipUsageText(QString(253, u'x') + QStringLiteral("🚀")).size(), 255);
    QVERIFY(!clipUsageText(QString()).isNull());
}

void TestUsageBatch::digestTellsKeysApart()
{
    using usage_rollup::Key;
    const Key base{kMinute, 1, 2, u"ab"_s, u"c"_s, u"openai"_s, u"gpt"_s};
    const QList<Key> keys{
        base,
        {kMinute, std::nullopt, 2, u"ab"_s, u"c"_s, u"openai"_s, u"gpt"_s},
        {kMinute, 0, 2, u"ab"_s, u"c"_s, u"openai"_s, u"gpt"_s},
        {kMinute, 1, std::nullopt, u"ab"_s, u"c"_s, u"openai"_s, u"gpt"_s},
        {kMinute, 1, 0, u"ab"_s, u"c"_s, u"openai"_s, u"gpt"_s},
        {kMinute, 2, 1, u"ab"_s, u"c"_s, u"openai"_s, u"gpt"_s},
        {kMinute, 1, 2, u"a"_s, u"bc"_s, u"openai"_s, u"gpt"_s},
        {kMinute, 1, 2, u"abc"_s, u""_s, u"openai"_s, u"gpt"_s},
        {kMinute, 1, 2, u"ab"_s, u"co"_s, u"penai"_s, u"gpt"_s},
        {kMinute, 1, 2, u"ab"_s, u"c"_s, u"openaig"_s, u"pt"_s},
        {kMinute, 1, 2, u"ab"_s, u"c"_s, u"gpt"_s, u"openai"_s},
        {kMinute, 1, 2, u"ab"_s, u"c"_s, u"openai"_s, u"gpt-4"_s},
        {kMinute, 1, 2, u"ab"_s, u"c"_s, u"openai"_s, u"GPT"_s},
    };
    QList<QByteArray> digests;
    for (const Key &k : keys) {
        const QByteArray d = k.digest();
        QCOMPARE(d.size(), 16);
        QVERIFY2(!digests.contains(d), qPrintable(QString::number(digests.size())));
        digests.append(d);
    }
    const Key copy{kMinute, 1, 2, fresh("ab"), fresh("c"), fresh("openai"), fresh("gpt")};
    QCOMPARE(copy.digest(), base.digest());
}

void TestUsageBatch::upsert()
{
    const QString sqlite = usage_rollup::upsertSql(true);
    const QString mysql = usage_rollup::upsertSql(false);
    QVERIFY(sqlite.contains(QStringLiteral("ON CONFLICT (minute, key_digest)")));
    QVERIFY(!sqlite.contains(QStringLiteral("ON DUPLICATE KEY UPDATE")));
    QVERIFY(mysql.contains(QStringLiteral("ON DUPLICATE KEY UPDATE")));
    QVERIFY(!mysql.contains(QStringLiteral("ON CONFLICT")));

    usage_rollup::Row row;
    row.key = {kMinute, std::nullopt, 42, u"rotation"_s, u"r1"_s, u"openai"_s, u"gpt"_s};
    row.digest = row.key.digest();
    row.sums = {101, 102, 103, 104, 105, 106, 107, 108, 109};
    const QVariantList values = usage_rollup::upsertValues(row);
    QCOMPARE(values.size(), 17);
    const QStringList names =
        QStringLiteral(
            "minute key_digest user_id token_id route_kind route_id provider model requests errors "
            "status_429 prompt_tokens completion_tokens latency_sum_ms latency_max_ms ttft_count "
            "ttft_sum_ms")
            .split(u' ');
    const QVariantList expected{kMinute, row.digest,  QVariant(), qint64(42), u"rotation"_s,
                                u"r1"_s, u"openai"_s, u"gpt"_s,   101,        102,
                                103,     104,         105,        106,        107,
                                108,     109};
    QVERIFY(values.at(2).isNull());
    QCOMPARE(values.at(2).typeId(), QMetaType::LongLong);
    for (const QString &sql : {sqlite, mysql}) {
        const qsizetype open = sql.indexOf(u'('), close = sql.indexOf(u')');
        QStringList columns = sql.mid(open + 1, close - open - 1).split(u',');
        for (QString &c : columns)
            c = c.trimmed();
        QCOMPARE(columns, names); // the INSERT's column list
        QCOMPARE(sql.count(u'?'), 17);
        for (qsizetype i = 8; i < names.size(); ++i) // every sum is updated on conflict
            QVERIFY2(sql.mid(close).contains(names[i] + QStringLiteral(" = ")),
                     qPrintable(names[i]));
    }
    QCOMPARE(values.at(0).toLongLong(), kMinute);
    QCOMPARE(values.at(1).toByteArray(), row.digest);
    for (qsizetype i = 3; i < values.size(); ++i) // numbers and strings, in text form
        QCOMPARE(values[i].toString(), expected[i].toString());
}

QTEST_GUILESS_MAIN(TestUsageBatch)
#include "tst_usage_batch.moc"
