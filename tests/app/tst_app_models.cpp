// SPDX-License-Identifier: GPL-3.0-or-later
// The list models and page models of aisbf-control, fed contract-shaped JSON directly and over
// a local HTTP fixture: roles, updates in place, ordering, edge cases, actions.
#include "ContractFixtures.h"
#include "FakeAdminServer.h"

#include <analytics/AnalyticsModel.h>
#include <cluster/ClusterModel.h>
#include <common/Format.h>
#include <connection/ConnectionStore.h>
#include <overview/OverviewModel.h>
#include <screenshot/CommandLine.h>
#include <users/TiersModel.h>
#include <users/TokensModel.h>
#include <users/UsersModel.h>

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QPointF>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace aisbf;
using namespace aisbf::app;
using aisbf::test::FakeAdminServer;

namespace {

QVariant role(const QAbstractItemModel &model, int row, const QByteArray &name)
{
    const auto roles = model.roleNames();
    return model.data(model.index(row, 0), roles.key(name));
}

} // namespace

class TestAppModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void overviewAppliesState()
    {
        OverviewModel model(nullptr);
        QAbstractItemModelTester routesTester(model.topRoutes());
        QAbstractItemModelTester errorsTester(model.recentErrors());
        QSignalSpy changed(&model, &OverviewModel::changed);
        model.applyState(test::stateBody());
        QVERIFY(changed.size() >= 1);
        QCOMPARE(model.nodeId(), QStringLiteral("gw-a:17765"));
        QCOMPARE(model.requestsPerSec(), 12.5);
        QCOMPARE(model.errorRate(), 0.02);
        QCOMPARE(model.latencyP50Ms(), 41.5);
        QCOMPARE(model.latencyP99Ms(), 380.0);
        QCOMPARE(model.activeStreams(), 2);
        QCOMPARE(model.providerCount(), 2);
        QCOMPARE(model.coolingCount(), 1);
        QCOMPARE(model.failingCount(), 1);
        // Busiest first, share relative to the busiest.
        QCOMPARE(model.topRoutes()->rowCount(), 2);
        QCOMPARE(role(*model.topRoutes(), 0, "route").toString(),
                 QStringLiteral("rotation/coding"));
        QCOMPARE(role(*model.topRoutes(), 1, "share").toDouble(), 4.0 / 12.0);
        // Newest error first.
        QCOMPARE(role(*model.recentErrors(), 0, "provider").toString(), QStringLiteral("local"));
        QCOMPARE(role(*model.recentErrors(), 0, "status").toInt(), 0);
        QCOMPARE(role(*model.recentErrors(), 1, "modelName").toString(), QStringLiteral("gpt-4o"));
        QCOMPARE(model.rateHistory().size(), 1);
    }

    void overviewStatsUpdateInPlace()
    {
        OverviewModel model(nullptr);
        model.applyState(test::stateBody());
        QSignalSpy reset(model.topRoutes(), &QAbstractItemModel::modelReset);
        QSignalSpy dataChanged(model.topRoutes(), &QAbstractItemModel::dataChanged);
        QJsonObject stats{
            {QStringLiteral("requests_per_s"), 20.0},
            {QStringLiteral("active_requests"), 7},
            {QStringLiteral("routes"), QJsonObject{{QStringLiteral("rotation/coding"), 15.0},
                                                   {QStringLiteral("openai/gpt-4o-mini"), 5.0}}}};
        model.applyStats(stats);
        QCOMPARE(model.requestsPerSec(), 20.0);
        QCOMPARE(model.activeRequests(), 7);
        QCOMPARE(reset.size(), 0); // same routes, same order: no reset
        QCOMPARE(dataChanged.size(), 1);
        QCOMPARE(role(*model.topRoutes(), 0, "requestsPerSec").toDouble(), 15.0);
        // A new busiest route reorders (reset).
        stats[QStringLiteral("routes")] = QJsonObject{{QStringLiteral("openai/gpt-4o-mini"), 30.0},
                                                      {QStringLiteral("rotation/coding"), 1.0}};
        model.applyStats(stats);
        QCOMPARE(reset.size(), 1);
        QCOMPARE(role(*model.topRoutes(), 0, "route").toString(),
                 QStringLiteral("openai/gpt-4o-mini"));
        // The history is bounded.
        for (int i = 0; i < OverviewModel::HistoryLength + 10; ++i)
            model.applyStats(stats);
        QCOMPARE(model.rateHistory().size(), OverviewModel::HistoryLength);
    }

    void overviewHistoryStartsFromTheServers()
    {
        // On connect the chart shows the last minute the gateway remembers, not an empty line;
        // later states do not replace what the live feed has drawn since.
        OverviewModel model(nullptr);
        model.applyStats(QJsonObject{{QStringLiteral("requests_per_s"), 3.0}}); // feed came first
        QJsonObject state = test::stateBody();
        QJsonObject node = state.value(QLatin1String("node")).toObject();
        QJsonArray history;
        for (int i = 0; i < 50; ++i)
            history.append(i < 40 ? 0.0 : double(i - 39));
        node.insert(QStringLiteral("requests_per_s_history"), history);
        state.insert(QStringLiteral("node"), node);
        QSignalSpy historyChanged(&model, &OverviewModel::historyChanged);
        model.applyState(state);
        QCOMPARE(historyChanged.size(), 1);
        QVariantList shown = model.rateHistory();
        QCOMPARE(shown.size(), 50);
        QCOMPARE(shown.first().toDouble(), 0.0);
        QCOMPARE(shown.last().toDouble(), 10.0);
        model.applyStats(QJsonObject{{QStringLiteral("requests_per_s"), 11.0}});
        model.applyState(state); // a later poll: the feed is live, nothing is replaced
        shown = model.rateHistory();
        QCOMPARE(shown.size(), 51);
        QCOMPARE(shown.last().toDouble(), 11.0);
    }

    void routeRatesAreLimited()
    {
        RouteRateModel model;
        QAbstractItemModelTester tester(&model);
        QList<api::RouteRate> rates;
        for (int i = 0; i < 20; ++i)
            rates.append({QStringLiteral("r%1").arg(i, 2, 10, QLatin1Char('0')), double(i % 5)});
        model.setRates(rates, 8);
        QCOMPARE(model.rowCount(), 8);
        QCOMPARE(role(model, 0, "requestsPerSec").toDouble(), 4.0);
        QCOMPARE(role(model, 0, "route").toString(), QStringLiteral("r04")); // ties by name
        model.setRates({});
        QCOMPARE(model.rowCount(), 0);
    }

    void overviewRefreshOverHttp()
    {
        FakeAdminServer server;
        QVERIFY(server.listen());
        server.onJson("GET /health",
                      QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")},
                                  {QStringLiteral("version"), QStringLiteral("0.1.0")}});
        server.onJson("GET /api/admin/state", test::stateBody());
        api::AdminClient client;
        client.setBaseUrl(server.url());
        OverviewModel model(&client);
        QSignalSpy state(&model, &OverviewModel::stateReceived);
        model.refresh();
        QVERIFY(model.isLoading());
        QTRY_VERIFY(!model.isLoading());
        QCOMPARE(model.health(), QStringLiteral("ok"));
        QCOMPARE(model.nodeId(), QStringLiteral("gw-a:17765"));
        QCOMPARE(state.size(), 1);
        QVERIFY(model.errorString().isEmpty());
    }

    void overviewWithoutStateEndpoint()
    {
        FakeAdminServer server; // /api/admin/state answers 404
        QVERIFY(server.listen());
        server.onJson("GET /health", QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}});
        api::AdminClient client;
        client.setBaseUrl(server.url());
        OverviewModel model(&client);
        model.refresh();
        QTRY_VERIFY(!model.isLoading());
        QCOMPARE(model.health(), QStringLiteral("ok"));
        QVERIFY(model.errorString().contains(QStringLiteral("no route")));
    }

    void clusterRolesAndOrder()
    {
        ClusterModel model(nullptr);
        QAbstractItemModelTester tester(&model);
        model.applyCluster(test::clusterBody(),
                           QDateTime(QDate(2026, 11, 24), QTime(10, 0, 0), Qt::UTC));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(role(model, 0, "nodeId").toString(), QStringLiteral("gw-a:17765")); // self first
        QCOMPARE(role(model, 0, "self").toBool(), true);
        QCOMPARE(role(model, 0, "heartbeatAgeSec").toInt(), 2);
        QCOMPARE(role(model, 0, "stale").toBool(), false);
        QCOMPARE(role(model, 1, "heartbeatAgeSec").toInt(), 60);
        QCOMPARE(role(model, 1, "stale").toBool(), true);
        QCOMPARE(role(model, 1, "port").toInt(), 17765);
        QCOMPARE(model.totalRequestsPerSec(), 11.5);
        model.applyCluster(QJsonObject());
        QCOMPARE(model.rowCount(), 0);
    }

    void clusterRefreshError()
    {
        FakeAdminServer server;
        QVERIFY(server.listen());
        api::AdminClient client;
        client.setBaseUrl(server.url());
        ClusterModel model(&client);
        model.refresh();
        QVERIFY(model.isLoading());
        QTRY_VERIFY(!model.isLoading());
        QVERIFY(!model.errorString().isEmpty());
        server.onJson("GET /api/admin/cluster", test::clusterBody());
        model.refresh();
        QTRY_VERIFY(!model.isLoading());
        QVERIFY(model.errorString().isEmpty());
        QCOMPARE(model.rowCount(), 2);
    }

    void usersTokensTiers()
    {
        FakeAdminServer server;
        QVERIFY(server.listen());
        server.onJson("GET /api/admin/users", test::json(R"({"data":[
            {"id":1,"username":"admin","role":"admin","tier_id":null,"disabled":false,"created_at":"2026-11-24T09:00:00Z"},
            {"id":2,"username":"alice","role":"user","tier_id":1,"disabled":true,"created_at":"2026-11-24T09:00:00Z"}]})"));
        server.onJson("GET /api/admin/tiers", test::json(R"({"data":[
            {"id":1,"name":"free","requests_per_minute":20,"requests_per_day":1000,"requests_per_month":null,"tokens_per_minute":40000,"max_routes":null}]})"));
        server.onJson("GET /api/admin/users/alice/tokens", test::json(R"({"data":[
            {"id":7,"name":"laptop","scope":"api","token":"aisbf_…abcd","created_at":"2026-11-24T09:00:00Z","expires_at":null,
             "revoked_at":null,"last_used_at":null,"requests_per_minute":null},
            {"id":8,"name":"old","scope":"admin","token":"aisbf_…wxyz","created_at":"2026-11-24T09:00:00Z","expires_at":null,
             "revoked_at":"2026-11-24T09:30:00Z","last_used_at":"2026-11-24T09:10:00Z","requests_per_minute":5}]})"));
        server.onJson(
            "POST /api/admin/users/alice/tokens",
            test::json(
                R"({"id":9,"token":"aisbf_SECRETSECRET","name":"ci","scope":"api","expires_at":null})"),
            201);
        server.onJson("DELETE /api/admin/users/alice/tokens/7", QJsonObject{});
        server.onJson(
            "POST /api/admin/users",
            test::json(
                R"({"error":{"message":"username bob is taken","type":"invalid_request_error","code":"conflict"}})"),
            409);
        api::AdminClient client;
        client.setBaseUrl(server.url());

        UsersModel users(&client);
        QAbstractItemModelTester usersTester(&users);
        users.refresh();
        QTRY_VERIFY(!users.isLoading());
        QCOMPARE(users.rowCount(), 2);
        QCOMPARE(role(users, 0, "tierId").toInt(), -1);
        QCOMPARE(role(users, 1, "tierId").toInt(), 1);
        QCOMPARE(role(users, 1, "disabled").toBool(), true);
        QCOMPARE(users.indexOf(QStringLiteral("alice")), 1);
        QCOMPARE(users.indexOf(QStringLiteral("nobody")), -1);

        QSignalSpy userAction(&users, &UsersModel::actionFinished);
        users.createUser(QStringLiteral("bob"), QStringLiteral("pw"), QStringLiteral("user"), 1);
        QVERIFY(userAction.wait());
        QCOMPARE(userAction.first().at(0).toBool(), false);
        QCOMPARE(userAction.first().at(1).toString(), QStringLiteral("username bob is taken"));
        const QJsonObject sent = QJsonDocument::fromJson(server.lastRequest().body).object();
        QCOMPARE(sent.value(QStringLiteral("tier_id")).toInt(), 1);

        TiersModel tiers(&client);
        QAbstractItemModelTester tiersTester(&tiers);
        tiers.refresh();
        QTRY_VERIFY(!tiers.isLoading());
        QCOMPARE(role(tiers, 0, "requestsPerMonth").toLongLong(), -1);
        QCOMPARE(role(tiers, 0, "tokensPerMinute").toLongLong(), 40000);
        QCOMPARE(tiers.nameOf(1), QStringLiteral("free"));
        QCOMPARE(tiers.nameOf(-1), QStringLiteral("—"));
        QCOMPARE(tiers.nameOf(9), QStringLiteral("#9"));
        QCOMPARE(tiers.choiceNames(),
                 (QStringList{QStringLiteral("No tier"), QStringLiteral("free")}));
        QCOMPARE(tiers.choiceId(0), -1);
        QCOMPARE(tiers.choiceId(1), 1);

        TokensModel tokens(&client);
        QAbstractItemModelTester tokensTester(&tokens);
        tokens.setUsername(QStringLiteral("alice"));
        QTRY_VERIFY(!tokens.isLoading());
        QCOMPARE(tokens.rowCount(), 2);
        QCOMPARE(role(tokens, 0, "maskedToken").toString(), QStringLiteral("aisbf_…abcd"));
        QCOMPARE(role(tokens, 0, "requestsPerMinute").toInt(), -1);
        QCOMPARE(role(tokens, 1, "revoked").toBool(), true);
        QCOMPARE(role(tokens, 1, "requestsPerMinute").toInt(), 5);

        QSignalSpy created(&tokens, &TokensModel::createdTokenChanged);
        tokens.createToken(QStringLiteral("ci"), QStringLiteral("api"), QString(), 0);
        QVERIFY(created.wait());
        QCOMPARE(tokens.createdToken(), QStringLiteral("aisbf_SECRETSECRET"));
        const QJsonObject tokenBody =
            QJsonDocument::fromJson(server.requests().at(server.requests().size() - 1).body)
                .object();
        QCOMPARE(tokenBody.value(QStringLiteral("name")).toString(), QStringLiteral("ci"));
        QVERIFY(!tokenBody.contains(QStringLiteral("expires_at")));
        QVERIFY(!tokenBody.contains(QStringLiteral("requests_per_minute")));
        tokens.clearCreatedToken();
        QVERIFY(tokens.createdToken().isEmpty());

        QSignalSpy revoked(&tokens, &TokensModel::actionFinished);
        tokens.revoke(7);
        QVERIFY(revoked.wait());
        QCOMPARE(revoked.first().at(0).toBool(), true);
        QCOMPARE(server.count("DELETE /api/admin/users/alice/tokens/7"), 1);

        // Switching user clears rows and the shown-once secret.
        tokens.setUsername(QStringLiteral("admin"));
        QCOMPARE(tokens.rowCount(), 0);
    }

    void analyticsSeries()
    {
        AnalyticsModel model(nullptr);
        QAbstractItemModelTester tester(&model);
        model.applyAnalytics(test::analyticsBody());
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.totalRequests(), 45.0);
        QCOMPARE(model.totalTokens(), 600.0);
        QCOMPARE(role(model, 0, "group").toString(), QStringLiteral("openai"));
        QCOMPARE(role(model, 0, "total").toDouble(), 40.0);
        // Counts: one point per minute bucket of 09:00-10:00, 0 where there was no traffic.
        const QVariantList points = role(model, 0, "points").toList();
        QCOMPARE(points.size(), 60);
        QCOMPARE(points[0].toPointF().y(), 10.0);
        QCOMPARE(points[1].toPointF().y(), 30.0);
        QCOMPARE(points[2].toPointF().y(), 0.0);
        QCOMPARE(qint64(points[0].toPointF().x()),
                 QDateTime(QDate(2026, 11, 24), QTime(9, 0), Qt::UTC).toMSecsSinceEpoch());
        QCOMPARE(qint64(points[59].toPointF().x()),
                 QDateTime(QDate(2026, 11, 24), QTime(9, 59), Qt::UTC).toMSecsSinceEpoch());
        QCOMPARE(role(model, 1, "points").toList().size(), 60);
        QCOMPARE(model.maxValue(), 30.0);
        QVERIFY(role(model, 0, "color").value<QColor>() != role(model, 1, "color").value<QColor>());

        model.setMetric(QStringLiteral("tokens"));
        QCOMPARE(role(model, 0, "total").toDouble(), 600.0);
        model.setMetric(QStringLiteral("errors"));
        QCOMPARE(role(model, 1, "total").toDouble(), 5.0);
        model.setMetric(QStringLiteral("latency")); // request-weighted average
        QCOMPARE(role(model, 0, "total").toDouble(), (200.0 * 10 + 100.0 * 30) / 40);
        QCOMPARE(role(model, 0, "points").toList().size(), 2); // averages: real buckets only
        QCOMPARE(model.metricLabel(), QStringLiteral("Avg latency (ms)"));
        QVERIFY(model.seriesAt(5).isEmpty());
    }

    void analyticsQuery_data()
    {
        QTest::addColumn<QString>("range");
        QTest::addColumn<QString>("bucket");
        QTest::addColumn<qint64>("seconds");
        QTest::addRow("1h") << QStringLiteral("1h") << QStringLiteral("minute") << qint64(3600);
        QTest::addRow("6h") << QStringLiteral("6h") << QStringLiteral("minute") << qint64(6 * 3600);
        QTest::addRow("24h") << QStringLiteral("24h") << QStringLiteral("hour") << qint64(86400);
        QTest::addRow("7d") << QStringLiteral("7d") << QStringLiteral("hour") << qint64(7 * 86400);
        QTest::addRow("30d") << QStringLiteral("30d") << QStringLiteral("day")
                             << qint64(30 * 86400);
    }
    void analyticsQuery()
    {
        QFETCH(QString, range);
        AnalyticsModel model(nullptr);
        model.setRange(range);
        model.setGroupBy(QStringLiteral("route"));
        const QDateTime now(QDate(2026, 11, 24), QTime(10, 0), Qt::UTC);
        const QUrlQuery q = model.query(now);
        QFETCH(QString, bucket);
        QCOMPARE(q.queryItemValue(QStringLiteral("bucket")), bucket);
        QCOMPARE(q.queryItemValue(QStringLiteral("group_by")), QStringLiteral("route"));
        QCOMPARE(q.queryItemValue(QStringLiteral("to")), QStringLiteral("2026-11-24T10:00:00Z"));
        QFETCH(qint64, seconds);
        QCOMPARE(api::parseTimestamp(q.queryItemValue(QStringLiteral("from"))),
                 now.addSecs(-seconds));
    }

    void analyticsRefreshOverHttp()
    {
        FakeAdminServer server;
        QVERIFY(server.listen());
        server.onJson("GET /api/admin/analytics", test::analyticsBody());
        api::AdminClient client;
        client.setBaseUrl(server.url());
        AnalyticsModel model(&client);
        model.refresh();
        QTRY_VERIFY(!model.isLoading());
        QCOMPARE(model.rowCount(), 2);
        QVERIFY(server.lastRequest().query.contains("group_by=provider"));
    }

    void format_data()
    {
        QTest::addColumn<QString>("actual");
        QTest::addColumn<QString>("expected");
        QTest::addRow("duration s") << Format::duration(42) << QStringLiteral("42s");
        QTest::addRow("duration m") << Format::duration(125) << QStringLiteral("2m 5s");
        QTest::addRow("duration h") << Format::duration(3725) << QStringLiteral("1h 2m");
        QTest::addRow("duration d") << Format::duration(93784) << QStringLiteral("1d 2h");
        QTest::addRow("duration negative") << Format::duration(-5) << QStringLiteral("0s");
        QTest::addRow("percent small") << Format::percent(0.0123) << QStringLiteral("1.2%");
        QTest::addRow("percent big") << Format::percent(0.5) << QStringLiteral("50%");
        QTest::addRow("rate small") << Format::rate(3.456) << QStringLiteral("3.46");
        QTest::addRow("rate big") << Format::rate(1234.5) << QStringLiteral("1,235");
        QTest::addRow("millis") << Format::millis(0.734) << QStringLiteral("0.73 ms");
        QTest::addRow("seconds") << Format::millis(1520) << QStringLiteral("1.52 s");
        QTest::addRow("compact k") << Format::compact(5300) << QStringLiteral("5.3k");
        QTest::addRow("compact M") << Format::compact(1234567) << QStringLiteral("1.23M");
        QTest::addRow("compact int") << Format::compact(12) << QStringLiteral("12");
        QTest::addRow("ago never") << Format::ago(0, 1000) << QStringLiteral("never");
        QTest::addRow("ago") << Format::ago(1000, 4000) << QStringLiteral("3s ago");
    }
    void format()
    {
        QFETCH(QString, actual);
        QFETCH(QString, expected);
        QCOMPARE(actual, expected);
    }

    void connectionStoreKeepsNoPasswords()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("settings.ini"));
        {
            ConnectionStore store;
            store.setSettingsFile(file);
            QAbstractItemModelTester tester(&store);
            QCOMPARE(store.rowCount(), 0);
            store.save(QStringLiteral("prod"), QStringLiteral("https://gw.example"),
                       QStringLiteral("token"), QString(), QStringLiteral("tok-1"), true);
            store.save(QStringLiteral("lab"), QStringLiteral("http://lab:17765"),
                       QStringLiteral("token"), QString(), QStringLiteral("tok-2"), false);
            store.save(QStringLiteral(""), QStringLiteral("http://x:1"), QStringLiteral("password"),
                       QStringLiteral("admin"), QString(), false);
            QCOMPARE(store.rowCount(), 3);
            QCOMPARE(store.lastUsed(), 2);
            QCOMPARE(store.get(2, QStringLiteral("name")).toString(), QStringLiteral("http://x:1"));
            // Saving under an existing name updates it.
            store.save(QStringLiteral("prod"), QStringLiteral("https://gw2.example"),
                       QStringLiteral("token"), QString(), QStringLiteral("tok-3"), true);
            QCOMPARE(store.rowCount(), 3);
            QCOMPARE(store.lastUsed(), 0);
        }
        ConnectionStore reloaded;
        reloaded.setSettingsFile(file);
        QCOMPARE(reloaded.rowCount(), 3);
        QCOMPARE(reloaded.get(0, QStringLiteral("url")).toString(),
                 QStringLiteral("https://gw2.example"));
        QCOMPARE(reloaded.get(0, QStringLiteral("token")).toString(), QStringLiteral("tok-3"));
        QCOMPARE(reloaded.get(1, QStringLiteral("token")).toString(), QString()); // not remembered
        QCOMPARE(reloaded.get(2, QStringLiteral("username")).toString(), QStringLiteral("admin"));
        QCOMPARE(reloaded.lastUsed(), 0);
        QVERIFY(!reloaded.get(7, QStringLiteral("url")).isValid());
        // Nothing secret but the remembered token is on disk.
        QFile raw(file);
        QVERIFY(raw.open(QIODevice::ReadOnly));
        const QByteArray text = raw.readAll();
        QVERIFY(text.contains("tok-3"));
        QVERIFY(!text.contains("tok-2"));
        QVERIFY(!text.contains("password="));
        reloaded.remove(0);
        QCOMPARE(reloaded.rowCount(), 2);
    }

    void commandLine_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("errorPart");
        const QString app = QStringLiteral("aisbf-control");
        QTest::addRow("nothing") << QStringList{app} << true << QString();
        QTest::addRow("screenshot") << QStringList{app,
                                                   QStringLiteral("--connect"),
                                                   QStringLiteral("http://h:1"),
                                                   QStringLiteral("--token"),
                                                   QStringLiteral("t"),
                                                   QStringLiteral("--page"),
                                                   QStringLiteral("graph"),
                                                   QStringLiteral("--screenshot"),
                                                   QStringLiteral("/tmp/x.png")}
                                    << true << QString();
        QTest::addRow("bad page") << QStringList{app, QStringLiteral("--page"),
                                                 QStringLiteral("nope")}
                                  << false << QStringLiteral("unknown page");
        QTest::addRow("screenshot without url")
            << QStringList{app, QStringLiteral("--screenshot"), QStringLiteral("x.png")} << false
            << QStringLiteral("--connect");
        QTest::addRow("url without credentials")
            << QStringList{app, QStringLiteral("--connect"), QStringLiteral("http://h:1")} << false
            << QStringLiteral("--token");
        QTest::addRow("both credentials") << QStringList{app,
                                                         QStringLiteral("--connect"),
                                                         QStringLiteral("http://h:1"),
                                                         QStringLiteral("--token"),
                                                         QStringLiteral("t"),
                                                         QStringLiteral("--username"),
                                                         QStringLiteral("u")}
                                          << false << QStringLiteral("either");
        QTest::addRow("small size")
            << QStringList{app, QStringLiteral("--size"), QStringLiteral("800x600")} << false
            << QStringLiteral("1280x800");
    }
    void commandLine()
    {
        QFETCH(QStringList, args);
        QFETCH(bool, ok);
        QFETCH(QString, errorPart);
        qunsetenv("AISBF_ADMIN_TOKEN"); // the rows are about flags alone
        QString error;
        const auto cl = CommandLine::parse(args, &error);
        QCOMPARE(cl.has_value(), ok);
        if (!ok)
            QVERIFY2(error.contains(errorPart), qPrintable(error));
        else if (args.contains(QStringLiteral("--screenshot")))
            QVERIFY(cl->isHeadless());
    }

    void commandLineSecretsFromEnvironment()
    {
        const QString app = QStringLiteral("aisbf-control");
        const QString url = QStringLiteral("http://h:1");
        qputenv("AISBF_ADMIN_TOKEN", "env-token");
        qputenv("AISBF_ADMIN_PASSWORD", "env-password");
        QString error;
        auto cl = CommandLine::parse({app, QStringLiteral("--connect"), url}, &error);
        QVERIFY2(cl, qPrintable(error));
        QCOMPARE(cl->token, QStringLiteral("env-token"));
        // The command line wins over the environment.
        cl = CommandLine::parse({app, QStringLiteral("--connect"), url, QStringLiteral("--token"),
                                 QStringLiteral("flag-token")},
                                &error);
        QVERIFY2(cl, qPrintable(error));
        QCOMPARE(cl->token, QStringLiteral("flag-token"));
        // A login takes the password from the environment and no token.
        cl = CommandLine::parse({app, QStringLiteral("--connect"), url,
                                 QStringLiteral("--username"), QStringLiteral("u")},
                                &error);
        QVERIFY2(cl, qPrintable(error));
        QCOMPARE(cl->password, QStringLiteral("env-password"));
        QVERIFY(cl->token.isEmpty());
        qunsetenv("AISBF_ADMIN_TOKEN");
        qunsetenv("AISBF_ADMIN_PASSWORD");
    }
};

QTEST_MAIN(TestAppModels)
#include "tst_app_models.moc"
