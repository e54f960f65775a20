// SPDX-License-Identifier: GPL-3.0-or-later
// /api/admin/analytics and /api/admin/analytics/export over real HTTP, each test on SQLite and on
// MariaDB: real chat requests through the gateway (MockUpstream as the providers) grouped by
// provider, model, route and user; exact buckets from rows of known times; CSV (header, RFC 4180
// quoting, attachment headers) and JSON exports, streamed over many pages; 400s naming the
// parameter; 401/403 for no token and a user's token.
#include "GatewayTestMain.h"
#include "TestClient.h"
#include "TestGateway.h"

#include <MockUpstream.h>
#include <StoreTestEnv.h>

#include <control/ControlPlane.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTcpSocket>
#include <QTest>

using namespace aisbf::test;

namespace {

const QByteArray kGlobal = "global-secret-token-1";
// SHA-256 of "admin", as the operator guide's dashboard entry stores it.
const QString kAdminSha =
    QStringLiteral("8c6976e5b5410415bde908bd4dee15dfb167a9c873fc4bb8a81f6f2ab448a918");
// A model name CSV must quote: a comma and quotes.
const QString kOddModel = QStringLiteral("odd,\"model\"");
constexpr qint64 kT0 = 1'704'067'200'000; // 2024-01-01T00:00:00Z

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

HeaderList bearer(const QByteArray &token)
{
    return {{"Authorization", "Bearer " + token}};
}

/** A report's series as "group" -> requests (the sum of its points), in the report's order. */
struct Groups
{
    QMap<QString, qint64> requests;
    QStringList order;
    QStringList problems; ///< points out of order
};

Groups groupsOf(const QJsonObject &report)
{
    Groups out;
    for (const QJsonValue &value : report.value(QLatin1String("series")).toArray()) {
        const QJsonObject series = value.toObject();
        const QString group = series.value(QLatin1String("group")).toString();
        qint64 sum = 0;
        QString previousTs;
        for (const QJsonValue &point : series.value(QLatin1String("points")).toArray()) {
            const QString ts = point.toObject().value(QLatin1String("ts")).toString();
            if (!previousTs.isEmpty() && ts <= previousTs)
                out.problems.append(group % QLatin1String(": ") % ts % QLatin1String(" after ") %
                                    previousTs);
            previousTs = ts;
            sum += point.toObject().value(QLatin1String("requests")).toInteger();
        }
        out.requests.insert(group, sum);
        out.order.append(group);
    }
    return out;
}

aisbf::store::UsageRecord syntheticRow(qint64 ts, const QString &model = QStringLiteral("m"))
{
    aisbf::store::UsageRecord r;
    r.ts = ts;
    r.routeKind = QStringLiteral("rotation");
    r.routeId = QStringLiteral("coding");
    r.provider = QStringLiteral("p");
    r.model = model;
    r.promptTokens = 10;
    r.completionTokens = 4;
    r.latencyMs = 100;
    r.status = 200;
    return r;
}

/** The body of a complete chunked response in @p raw, or null when it is not complete. */
QByteArray dechunked(const QByteArray &raw)
{
    qsizetype at = raw.indexOf("\r\n\r\n");
    if (at < 0)
        return {};
    at += 4;
    QByteArray body("");
    for (;;) {
        const qsizetype eol = raw.indexOf("\r\n", at);
        if (eol < 0)
            return {};
        bool ok = false;
        const qsizetype size = raw.mid(at, eol - at).toLongLong(&ok, 16);
        if (!ok || raw.size() < eol + 2 + size + 2)
            return {};
        if (size == 0)
            return body;
        body += raw.mid(eol + 2, size);
        at = eol + 2 + size + 2;
    }
}

} // namespace

class TestAnalyticsApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void realRequestsByGroup_data() { StoreTestEnv::addBackendRows(); }
    void realRequestsByGroup();
    void exactBuckets_data() { StoreTestEnv::addBackendRows(); }
    void exactBuckets();
    void exportCsvAndJson_data() { StoreTestEnv::addBackendRows(); }
    void exportCsvAndJson();
    void exportCsvDefusesFormulas_data() { StoreTestEnv::addBackendRows(); }
    void exportCsvDefusesFormulas();
    void exportStreamsManyPages_data() { StoreTestEnv::addBackendRows(); }
    void exportStreamsManyPages();
    void slowReaderHoldsTheExportBack_data() { StoreTestEnv::addBackendRows(); }
    void slowReaderHoldsTheExportBack();
    void badParametersAre400_data() { StoreTestEnv::addBackendRows(); }
    void badParametersAre400();
    void onlyAdminsMayRead_data() { StoreTestEnv::addBackendRows(); }
    void onlyAdminsMayRead();

private:
    /** Auth on, the global token, the dashboard admin, providers "p" and "q", rotation
     *  "coding" (-> p/m). */
    bool startGateway(TestGateway &gateway, const aisbf::store::DatabaseConfig &database);
    QByteArray userWithToken(quint16 port, const QString &username);
    /** 9 chat requests (1 of them a 404) as the operator, alice and bob; usage written. */
    bool makeTraffic(TestGateway &gateway);

    MockUpstream m_mock;
    StoreTestEnv m_env;
};

void TestAnalyticsApi::initTestCase()
{
    QVERIFY(m_mock.listen());
}

void TestAnalyticsApi::cleanup()
{
    m_env.dropAll();
}

bool TestAnalyticsApi::startGateway(TestGateway &gateway,
                                    const aisbf::store::DatabaseConfig &database)
{
    TestConfig config;
    config.addProvider(s("p"), m_mock.baseUrl(), {s("m"), kOddModel});
    config.addProvider(s("q"), m_mock.baseUrl(), {s("m2")});
    config.addRotation(s("coding"), {rotationEntry(s("p"), s("m"))});
    config.set(s("auth"), s("enabled"), true);
    config.set(s("auth"), s("tokens"), QJsonArray{QString::fromLatin1(kGlobal)});
    config.set(s("dashboard"), s("username"), s("admin"));
    config.set(s("dashboard"), s("password"), kAdminSha);
    config.database = database;
    return gateway.start(config);
}

QByteArray TestAnalyticsApi::userWithToken(quint16 port, const QString &username)
{
    TestClient client(port);
    const HttpReply user =
        client.post("/api/admin/users",
                    json({{s("username"), username}, {s("password"), s("correct horse battery")}}),
                    bearer(kGlobal));
    if (user.status != 201)
        qWarning("create user: %d %s", user.status, user.body.constData());
    const HttpReply created = client.post("/api/admin/users/" + username.toUtf8() + "/tokens",
                                          json({{s("name"), s("app")}}), bearer(kGlobal));
    if (created.status != 201)
        qWarning("create token: %d %s", created.status, created.body.constData());
    return created.json().value(QLatin1String("token")).toString().toUtf8();
}

bool TestAnalyticsApi::makeTraffic(TestGateway &gateway)
{
    const QByteArray alice = userWithToken(gateway.port(), s("alice"));
    const QByteArray bob = userWithToken(gateway.port(), s("bob"));
    TestClient client(gateway.port());
    const QByteArray chat = "/api/v1/chat/completions";
    struct Call
    {
        QByteArray token;
        QString model;
        int status;
    };
    const QList<Call> calls{
        {kGlobal, s("p/m"), 200},
        {kGlobal, s("p/m"), 200},
        {alice, s("p/m"), 200},
        {alice, s("p/m"), 200},
        {alice, s("p/m"), 200},
        {alice, s("q/m2"), 200},
        {alice, s("p/") + kOddModel, 200},
        {alice, s("p/nope"), 404},
        {bob, s("rotation/coding"), 200},
    };
    bool ok = true;
    for (const Call &call : calls) {
        const HttpReply reply = client.post(chat, chatBody(call.model), bearer(call.token));
        if (reply.status != call.status) {
            qWarning("%s: %d %s", qPrintable(call.model), reply.status, reply.body.constData());
            ok = false;
        }
    }
    return ok && gateway->controlPlane()->usage().flush(10'000);
}

void TestAnalyticsApi::realRequestsByGroup()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database));
    QVERIFY(makeTraffic(gateway));
    QTest::qWait(5); // "to" defaults to now, and the range excludes its last ms
    TestClient client(gateway.port());

    // Defaults: the last 24 hours, by hour, one series "all".
    HttpReply reply = client.get("/api/admin/analytics", bearer(kGlobal));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("content-type"), QByteArray("application/json"));
    QJsonObject body = reply.json();
    QCOMPARE(body.value(QLatin1String("bucket")).toString(), s("hour"));
    QCOMPARE(body.value(QLatin1String("group_by")).toString(), s("none"));
    const QDateTime from =
        QDateTime::fromString(body.value(QLatin1String("from")).toString(), Qt::ISODateWithMs);
    const QDateTime to =
        QDateTime::fromString(body.value(QLatin1String("to")).toString(), Qt::ISODateWithMs);
    QVERIFY2(from.isValid() && to.isValid(), reply.body.constData());
    QCOMPARE(from.msecsTo(to), 24 * 3'600'000);
    QVERIFY(qAbs(to.msecsTo(QDateTime::currentDateTimeUtc())) < 60'000);
    QCOMPARE(groupsOf(body).requests, (QMap<QString, qint64>{{s("all"), 9}}));
    const QJsonObject totals = body.value(QLatin1String("totals")).toObject();
    QCOMPARE(totals.value(QLatin1String("requests")).toInteger(), 9);
    QCOMPARE(totals.value(QLatin1String("errors")).toInteger(), 1);
    QVERIFY(totals.value(QLatin1String("prompt_tokens")).toInteger() > 0);
    QVERIFY(totals.value(QLatin1String("completion_tokens")).isDouble());
    const QJsonObject point = body.value(QLatin1String("series"))
                                  .toArray()
                                  .at(0)
                                  .toObject()
                                  .value(QLatin1String("points"))
                                  .toArray()
                                  .at(0)
                                  .toObject();
    for (const char *key : {"ts", "requests", "errors", "prompt_tokens", "completion_tokens",
                            "latency_avg_ms", "latency_max_ms", "ttft_avg_ms"})
        QVERIFY2(point.contains(QLatin1String(key)), key);
    QVERIFY(point.value(QLatin1String("latency_avg_ms")).isDouble());

    struct Case
    {
        const char *groupBy;
        QMap<QString, qint64> expected; ///< these groups at least, with these counts
        QStringList firstInOrder;       ///< the leading series, in order
    };
    const QList<Case> cases{
        {"provider", {{s("p"), 7}, {s("q"), 1}, {s("(none)"), 1}}, {s("p"), s("(none)"), s("q")}},
        {"model",
         {{s("m"), 6}, {s("m2"), 1}, {kOddModel, 1}, {s("(none)"), 1}},
         {s("m"), s("(none)"), s("m2"), kOddModel}},
        {"route",
         {{s("provider/p/m"), 5},
          {s("provider/q/m2"), 1},
          {s("provider/p/") + kOddModel, 1},
          {s("rotation/coding"), 1}},
         {s("provider/p/m")}},
        {"user",
         {{s("alice"), 6}, {s("(no user)"), 2}, {s("bob"), 1}},
         {s("alice"), s("(no user)"), s("bob")}},
    };
    for (const Case &c : cases) {
        reply = client.get(QByteArray("/api/admin/analytics?bucket=minute&group_by=") + c.groupBy,
                           bearer(kGlobal));
        QCOMPARE(reply.status, 200);
        body = reply.json();
        QCOMPARE(body.value(QLatin1String("group_by")).toString(), QLatin1String(c.groupBy));
        QCOMPARE(body.value(QLatin1String("bucket")).toString(), s("minute"));
        const Groups groups = groupsOf(body);
        QVERIFY2(groups.problems.isEmpty(), qPrintable(groups.problems.join(u'\n')));
        const QMap<QString, qint64> &got = groups.requests;
        const QStringList &order = groups.order;
        qint64 total = 0;
        for (qint64 n : got)
            total += n;
        QVERIFY2(total == 9, reply.body.constData());
        for (auto it = c.expected.cbegin(); it != c.expected.cend(); ++it)
            QVERIFY2(got.value(it.key(), -1) == it.value(),
                     qPrintable(QLatin1String(c.groupBy) + u' ' + it.key() + QStringLiteral(": ") +
                                QString::fromUtf8(reply.body)));
        QVERIFY2(order.mid(0, c.firstInOrder.size()) == c.firstInOrder,
                 qPrintable(order.join(u'|')));
    }
}

void TestAnalyticsApi::exactBuckets()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database));
    aisbf::store::UsageWriter &usage = gateway->controlPlane()->usage();
    auto a = syntheticRow(kT0); // on the first edge
    a.ttftMs = 30;
    a.latencyMs = 101;
    auto b = syntheticRow(kT0 + 59'999); // the same minute
    b.status = 502;
    b.latencyMs = 200;
    auto c = syntheticRow(kT0 + 120'000); // the third minute; the second has no data
    c.ttftMs = 7;
    usage.enqueue(a);
    usage.enqueue(b);
    usage.enqueue(c);
    usage.enqueue(syntheticRow(kT0 + 180'000)); // on "to": out
    QVERIFY(usage.flush(10'000));
    TestClient client(gateway.port());

    // The same range as ISO (Z, an offset, no zone = UTC) and as ms since the epoch.
    const QList<QByteArray> ranges{
        "from=2024-01-01T00:00:00Z&to=2024-01-01T00:03:00Z",
        "from=2024-01-01T01:00:00%2B01:00&to=2024-01-01T00:03:00.000Z",
        "from=2024-01-01T00:00:00&to=2024-01-01T00:03:00",
        "from=1704067200000&to=1704067380000",
    };
    for (const QByteArray &range : ranges) {
        const HttpReply reply =
            client.get("/api/admin/analytics?bucket=minute&" + range, bearer(kGlobal));
        QVERIFY2(reply.status == 200, reply.body.constData());
        const QJsonObject body = reply.json();
        QCOMPARE(body.value(QLatin1String("from")).toString(), s("2024-01-01T00:00:00.000Z"));
        QCOMPARE(body.value(QLatin1String("to")).toString(), s("2024-01-01T00:03:00.000Z"));
        const QJsonArray series = body.value(QLatin1String("series")).toArray();
        QCOMPARE(series.size(), 1);
        QCOMPARE(series.at(0).toObject().value(QLatin1String("group")).toString(), s("all"));
        const QJsonArray points = series.at(0).toObject().value(QLatin1String("points")).toArray();
        QCOMPARE(points.size(), 2);
        const QJsonObject first = points.at(0).toObject();
        QCOMPARE(first.value(QLatin1String("ts")).toString(), s("2024-01-01T00:00:00.000Z"));
        QCOMPARE(first.value(QLatin1String("requests")).toInteger(), 2);
        QCOMPARE(first.value(QLatin1String("errors")).toInteger(), 1);
        QCOMPARE(first.value(QLatin1String("prompt_tokens")).toInteger(), 20);
        QCOMPARE(first.value(QLatin1String("completion_tokens")).toInteger(), 8);
        QCOMPARE(first.value(QLatin1String("latency_avg_ms")).toDouble(), 150.5);
        QCOMPARE(first.value(QLatin1String("latency_max_ms")).toInteger(), 200);
        QCOMPARE(first.value(QLatin1String("ttft_avg_ms")).toDouble(), 30.0); // null not counted
        const QJsonObject second = points.at(1).toObject();
        QCOMPARE(second.value(QLatin1String("ts")).toString(), s("2024-01-01T00:02:00.000Z"));
        QCOMPARE(second.value(QLatin1String("ttft_avg_ms")).toDouble(), 7.0);
        const QJsonObject totals = body.value(QLatin1String("totals")).toObject();
        QCOMPARE(totals.value(QLatin1String("requests")).toInteger(), 3);
        QCOMPARE(totals.value(QLatin1String("errors")).toInteger(), 1);
    }

    // No time to first byte at all: null. An empty range: no series, zero totals.
    HttpReply reply = client.get(
        "/api/admin/analytics?from=2024-01-01T00:00:30Z&to=2024-01-01T00:01:00Z", bearer(kGlobal));
    QCOMPARE(reply.status, 200);
    const QJsonObject only = reply.json()
                                 .value(QLatin1String("series"))
                                 .toArray()
                                 .at(0)
                                 .toObject()
                                 .value(QLatin1String("points"))
                                 .toArray()
                                 .at(0)
                                 .toObject();
    QCOMPARE(only.value(QLatin1String("ts")).toString(), s("2024-01-01T00:00:00.000Z"));
    QVERIFY2(only.value(QLatin1String("ttft_avg_ms")).isNull(), reply.body.constData());
    reply = client.get("/api/admin/analytics?from=1704067200000&to=1704067200000", bearer(kGlobal));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json().value(QLatin1String("series")).toArray().size(), 0);
    QCOMPARE(reply.json()
                 .value(QLatin1String("totals"))
                 .toObject()
                 .value(QLatin1String("requests"))
                 .toInteger(),
             0);
    // Exactly 10,000 buckets is allowed.
    reply = client.get("/api/admin/analytics?bucket=minute&from=1704067200000&to=" +
                           QByteArray::number(kT0 + 10'000 * 60'000),
                       bearer(kGlobal));
    QCOMPARE(reply.status, 200);
}

void TestAnalyticsApi::exportCsvAndJson()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database));
    QVERIFY(makeTraffic(gateway));
    QTest::qWait(5);
    TestClient client(gateway.port());

    HttpReply reply = client.get("/api/admin/analytics/export?format=csv", bearer(kGlobal));
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.complete);
    QCOMPARE(reply.header("content-type"), QByteArray("text/csv; charset=utf-8"));
    const QByteArray disposition = reply.header("content-disposition");
    QVERIFY2(disposition.startsWith("attachment; filename=\"aisbf-usage-") &&
                 disposition.endsWith(".csv\""),
             disposition.constData());
    QVERIFY(reply.body.endsWith("\r\n"));
    const QList<QByteArray> lines = reply.body.chopped(2).split('\n');
    QCOMPARE(lines.size(), 1 + 9);
    QCOMPARE(lines.at(0), QByteArray("id,ts,user,token_id,route_kind,route_id,provider,model,"
                                     "prompt_tokens,completion_tokens,latency_ms,ttft_ms,status,"
                                     "failovers,cache_hit\r"));
    // The odd model, quoted per RFC 4180 in both columns it appears in.
    const auto odd = std::find_if(lines.cbegin(), lines.cend(),
                                  [](const QByteArray &line) { return line.contains("odd"); });
    QVERIFY(odd != lines.cend());
    QVERIFY2(odd->contains(",alice,") &&
                 odd->contains(",provider,\"p/odd,\"\"model\"\"\",p,\"odd,\"\"model\"\"\",") &&
                 odd->endsWith(",200,0,false\r"),
             odd->constData());
    // A request with the operator's token has no user: an empty field.
    QCOMPARE(std::count_if(
                 lines.cbegin(), lines.cend(),
                 [](const QByteArray &line) { return line.contains("Z,,,provider,p/m,p,m,"); }),
             2);

    reply = client.get("/api/admin/analytics/export", bearer(kGlobal)); // json by default
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("content-type"), QByteArray("application/json"));
    const QJsonArray data = reply.json().value(QLatin1String("data")).toArray();
    QCOMPARE(data.size(), 9);
    QString previous;
    int alices = 0;
    for (const QJsonValue &value : data) {
        const QJsonObject row = value.toObject();
        QCOMPARE(row.keys().size(), 15);
        const QString ts = row.value(QLatin1String("ts")).toString();
        QVERIFY(QDateTime::fromString(ts, Qt::ISODateWithMs).isValid());
        QVERIFY(previous <= ts);
        previous = ts;
        if (row.value(QLatin1String("user")).toString() == s("alice")) {
            ++alices;
            QVERIFY(row.value(QLatin1String("token_id")).isDouble());
        }
        if (row.value(QLatin1String("user")).isNull())
            QVERIFY(row.value(QLatin1String("token_id")).isNull());
        QVERIFY(row.value(QLatin1String("cache_hit")).isBool());
        QVERIFY(row.value(QLatin1String("id")).isDouble());
    }
    QCOMPARE(alices, 6);
    const auto bobs = std::find_if(data.cbegin(), data.cend(), [](const QJsonValue &v) {
        return v.toObject().value(QLatin1String("user")).toString() == s("bob");
    });
    QVERIFY(bobs != data.cend());
    QCOMPARE(bobs->toObject().value(QLatin1String("route_kind")).toString(), s("rotation"));
    QCOMPARE(bobs->toObject().value(QLatin1String("route_id")).toString(), s("coding"));
    QCOMPARE(bobs->toObject().value(QLatin1String("model")).toString(), s("m"));
}

void TestAnalyticsApi::exportCsvDefusesFormulas()
{
    // A model name is whatever a client or an upstream said: in a spreadsheet, "=…", "+…",
    // "-…" and "@…" would run as formulas, so the export prefixes them with an apostrophe.
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database));
    aisbf::store::UsageWriter &usage = gateway->controlPlane()->usage();
    usage.enqueue(syntheticRow(kT0 + 1, QStringLiteral("=HYPERLINK(\"http://x\")")));
    usage.enqueue(syntheticRow(kT0 + 2, QStringLiteral("@SUM(A1)")));
    usage.enqueue(syntheticRow(kT0 + 3, QStringLiteral("-1+2")));
    usage.enqueue(syntheticRow(kT0 + 4, QStringLiteral("plain=model")));
    QVERIFY(usage.flush(10'000));
    TestClient client(gateway.port());
    const HttpReply reply =
        client.get("/api/admin/analytics/export?format=csv&from=1704067200000&to=1704067300000",
                   bearer(kGlobal));
    QCOMPARE(reply.status, 200);
    const QList<QByteArray> lines = reply.body.chopped(2).split('\n');
    QCOMPARE(lines.size(), 1 + 4);
    QVERIFY2(lines.at(1).contains(",p,\"'=HYPERLINK(\"\"http://x\"\")\","),
             lines.at(1).constData());
    QVERIFY2(lines.at(2).contains(",p,'@SUM(A1),"), lines.at(2).constData());
    QVERIFY2(lines.at(3).contains(",p,'-1+2,"), lines.at(3).constData());
    QVERIFY2(lines.at(4).contains(",p,plain=model,"), lines.at(4).constData());
}

void TestAnalyticsApi::exportStreamsManyPages()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database));
    aisbf::store::UsageWriter &usage = gateway->controlPlane()->usage();
    // More rows than two pages, many sharing a ms, enqueued out of order.
    const int count = 2'345;
    for (int i = count - 1; i >= 0; --i)
        usage.enqueue(syntheticRow(kT0 + (i / 3) * 1000, QString::number(i)));
    usage.enqueue(syntheticRow(kT0 + 86'400'000)); // on "to": out
    QVERIFY(usage.flush(30'000));
    TestClient client(gateway.port());

    HttpReply reply = client.request(
        "GET", "/api/admin/analytics/export?format=csv&from=2024-01-01T00:00:00Z&to=1704153600000",
        {}, bearer(kGlobal), 30'000);
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.complete);
    QVERIFY(reply.chunked); // streamed in pages
    QCOMPARE(
        reply.header("content-disposition"),
        QByteArray("attachment; filename=\"aisbf-usage-20240101T000000Z-20240102T000000Z.csv\""));
    const QList<QByteArray> lines = reply.body.chopped(2).split('\n');
    QCOMPARE(lines.size(), 1 + count);
    QSet<QByteArray> models;
    QByteArray previousTs;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QList<QByteArray> fields = lines.at(i).split(',');
        QCOMPARE(fields.size(), 15);
        QVERIFY(previousTs <= fields.at(1));
        previousTs = fields.at(1);
        models.insert(fields.at(7));
    }
    QCOMPARE(models.size(), count); // each row once

    reply = client.request("GET",
                           "/api/admin/analytics/export?format=json&from=1704067200000&to="
                           "1704153600000",
                           {}, bearer(kGlobal), 30'000);
    QCOMPARE(reply.status, 200);
    QCOMPARE(
        reply.header("content-disposition"),
        QByteArray("attachment; filename=\"aisbf-usage-20240101T000000Z-20240102T000000Z.json\""));
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(reply.body, &error);
    QVERIFY2(document.isObject(), qPrintable(error.errorString()));
    QCOMPARE(document.object().value(QLatin1String("data")).toArray().size(), count);

    // The gateway still answers while and after streaming; nothing is left counted in flight.
    QCOMPARE(client.get("/health").status, 200);
    QTRY_COMPARE(gateway->activeSessions(), 0);
}

void TestAnalyticsApi::slowReaderHoldsTheExportBack()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database));
    aisbf::store::UsageWriter &usage = gateway->controlPlane()->usage();
    // ~8 MB of CSV: more than the kernel buffers between the two sockets take.
    const int count = 25'000;
    const QString padding(200, u'x');
    for (int i = 0; i < count; ++i)
        usage.enqueue(syntheticRow(kT0 + i, QString::number(i) + padding));
    QVERIFY(usage.flush(60'000));

    QTcpSocket client;
    client.setReadBufferSize(16 * 1024); // Qt stops reading from the kernel when it is full
    client.connectToHost(QHostAddress::LocalHost, gateway.port());
    QVERIFY(client.waitForConnected(5000));
    client.write("GET /api/admin/analytics/export?format=csv&from=1704067200000&to=1704153600000 "
                 "HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " +
                 kGlobal + "\r\n\r\n");
    // A client that does not read holds the export back: without pacing every page would be
    // read and queued at once, and the export would have ended long before this.
    QTest::qWait(1500);
    QCOMPARE(gateway->activeSessions(), 1);
    QCOMPARE(client.bytesAvailable(), 16 * 1024);

    client.setReadBufferSize(0); // now it reads everything
    QByteArray raw;
    QByteArray body;
    QVERIFY(QTest::qWaitFor(
        [&] {
            raw += client.readAll();
            body = dechunked(raw);
            return !body.isNull();
        },
        60'000));
    QVERIFY2(raw.startsWith("HTTP/1.1 200"), raw.left(200).constData());
    QCOMPARE(body.count('\n'), 1 + count);
    const QByteArray lastRow =
        QByteArray::number(count - 1) + padding.toLatin1() + ",10,4,100,,200,0,false\r\n";
    QVERIFY(body.endsWith(lastRow));
    QTRY_COMPARE(gateway->activeSessions(), 0);

    // A client that goes away mid-export ends it: nothing left in flight, the gateway serves on.
    QTcpSocket quitter;
    quitter.setReadBufferSize(16 * 1024);
    quitter.connectToHost(QHostAddress::LocalHost, gateway.port());
    QVERIFY(quitter.waitForConnected(5000));
    quitter.write("GET /api/admin/analytics/export?from=1704067200000&to=1704153600000 "
                  "HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " +
                  kGlobal + "\r\n\r\n");
    QTest::qWait(500);
    QCOMPARE(gateway->activeSessions(), 1);
    quitter.abort();
    QTRY_COMPARE(gateway->activeSessions(), 0);
    QCOMPARE(httpRequest(gateway.port(), "GET", "/health").status, 200);
}

void TestAnalyticsApi::badParametersAre400()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database));
    TestClient client(gateway.port());
    struct Case
    {
        QByteArray path;
        const char *param;
        const char *mentions; ///< the message names what is accepted
    };
    const QByteArray a = "/api/admin/analytics?";
    const QByteArray e = "/api/admin/analytics/export?";
    const QList<Case> cases{
        {a + "bucket=week", "bucket", "minute, hour, day"},
        {a + "bucket=", nullptr, nullptr}, // empty: the default
        {a + "group_by=tier", "group_by", "provider, model, route, user"},
        {a + "from=yesterday", "from", "ISO 8601"},
        {a + "to=2024-13-01T00:00:00Z", "to", "ISO 8601"},
        {a + "from=-5", "from", "ms since the epoch"},
        {a + "from=2024-01-02T00:00:00Z&to=2024-01-01T00:00:00Z", "from", "after 'to'"},
        {a + "bucket=minute&from=2024-01-01T00:00:00Z&to=2024-01-08T00:00:00Z", "bucket",
         "at most 10000"},
        {a + "bucket=day&from=0&to=2000000000000", "from", "at most 10000"},
        {e + "format=xml", "format", "json or csv"},
        {e + "from=2024-01-02T00:00:00Z&to=2024-01-01T00:00:00Z", "from", "after 'to'"},
        {e + "to=nope", "to", "ISO 8601"},
    };
    for (const Case &c : cases) {
        const HttpReply reply = client.get(c.path, bearer(kGlobal));
        const QString what = QString::fromLatin1(c.path) + QStringLiteral(": ") +
                             QString::number(reply.status) + u' ' + QString::fromUtf8(reply.body);
        if (!c.param) {
            QVERIFY2(reply.status == 200, qPrintable(what));
            continue;
        }
        QVERIFY2(reply.status == 400, qPrintable(what));
        const QJsonObject error = reply.error();
        QVERIFY2(error.value(QLatin1String("param")).toString() == QLatin1String(c.param),
                 qPrintable(what));
        QVERIFY2(
            error.value(QLatin1String("message")).toString().contains(QLatin1String(c.mentions)),
            qPrintable(what));
        QVERIFY2(!error.value(QLatin1String("type")).toString().isEmpty(), qPrintable(what));
    }
}

void TestAnalyticsApi::onlyAdminsMayRead()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database));
    const QByteArray user = userWithToken(gateway.port(), s("mallory"));
    QVERIFY(user.startsWith("aisbf_"));
    TestClient client(gateway.port());
    HttpReply login = client.post("/api/admin/login",
                                  json({{s("username"), s("admin")}, {s("password"), s("admin")}}));
    QCOMPARE(login.status, 200);
    const QByteArray session = login.json().value(QLatin1String("token")).toString().toUtf8();
    for (const QByteArray &path :
         {QByteArray("/api/admin/analytics"), QByteArray("/api/admin/analytics/export"),
          QByteArray("/api/admin/analytics/export?format=csv")}) {
        QCOMPARE(client.get(path).status, 401);
        QCOMPARE(client.get(path, bearer("aisbf_unknown")).status, 401);
        const HttpReply forbidden = client.get(path, bearer(user));
        QCOMPARE(forbidden.status, 403);
        QVERIFY(!forbidden.body.contains("series") && !forbidden.body.contains("data"));
        QCOMPARE(client.get(path, bearer(kGlobal)).status, 200);
        QCOMPARE(client.get(path, bearer(session)).status, 200);
    }
    QCOMPARE(client.post("/api/admin/analytics", "{}", bearer(kGlobal)).status, 405);
}

AISBF_GATEWAY_TEST_MAIN(TestAnalyticsApi)
#include "tst_analytics_api.moc"
