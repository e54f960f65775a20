// SPDX-License-Identifier: GPL-3.0-or-later
// shared/api over real sockets: AdminClient (bearer, JSON, errors as values), the SSE event
// reader in any fragmentation, and EventFeed's reconnect with backoff.
#include "FakeAdminServer.h"

#include <api/AdminClient.h>
#include <api/AdminData.h>
#include <api/EventFeed.h>
#include <api/SseEventReader.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace aisbf;
using aisbf::test::FakeAdminServer;

class TestAdminClient : public QObject
{
    Q_OBJECT

private:
    static api::ApiResponse wait(api::ApiCall *call)
    {
        QSignalSpy spy(call, &api::ApiCall::finished);
        if (!spy.wait(5000))
            return {};
        return spy.first().first().value<api::ApiResponse>();
    }

private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<api::ApiResponse>(); }

    void getSendsBearerAndParsesJson()
    {
        FakeAdminServer server;
        QVERIFY(server.listen());
        server.onJson("GET /api/admin/state",
                      QJsonObject{{QStringLiteral("node"),
                                   QJsonObject{{QStringLiteral("id"), QStringLiteral("h:1")}}}});
        api::AdminClient client;
        client.setBaseUrl(QUrl(server.url().toString() + QStringLiteral("/")));
        client.setToken(QStringLiteral("secret-token"));
        const auto r = wait(client.get(QStringLiteral("/api/admin/state")));
        QVERIFY(r.ok());
        QCOMPARE(r.status, 200);
        QCOMPARE(r.object()
                     .value(QStringLiteral("node"))
                     .toObject()
                     .value(QStringLiteral("id"))
                     .toString(),
                 QStringLiteral("h:1"));
        QCOMPARE(server.lastRequest().headers.value("authorization"),
                 QByteArray("Bearer secret-token"));
        QCOMPARE(server.lastRequest().path, QByteArray("/api/admin/state")); // no double slash
    }

    void putSendsBodyAndQuery()
    {
        FakeAdminServer server;
        QVERIFY(server.listen());
        server.onJson("PUT /api/admin/config/providers",
                      QJsonObject{{QStringLiteral("valid"), true}});
        api::AdminClient client;
        client.setBaseUrl(server.url());
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("dry_run"), QStringLiteral("true"));
        const QJsonObject doc{{QStringLiteral("providers"), QJsonObject()}};
        const auto r = wait(client.put(QStringLiteral("/api/admin/config/providers"), doc, query));
        QVERIFY(r.ok());
        QCOMPARE(server.lastRequest().method, QByteArray("PUT"));
        QCOMPARE(server.lastRequest().query, QByteArray("dry_run=true"));
        QCOMPARE(QJsonDocument::fromJson(server.lastRequest().body).object(), doc);
        QVERIFY(server.lastRequest().headers.value("content-type").startsWith("application/json"));
    }

    void errorsAreValues_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("diagnostics");
        QTest::addRow("401 openai shape")
            << 401
            << QByteArray(
                   R"({"error":{"message":"unknown token","type":"authentication_error","code":"invalid_api_key"}})")
            << QStringLiteral("unknown token") << QStringLiteral("invalid_api_key") << 0;
        QTest::addRow("422 with diagnostics")
            << 422
            << QByteArray(
                   R"({"error":{"message":"providers.json has 2 problems","type":"invalid_request_error","code":"config_invalid"},)"
                   R"("diagnostics":[{"file":"providers.json","path":"/providers/a/endpoint","severity":"error","message":"m1"},)"
                   R"({"file":"providers.json","path":"/providers/a/type","severity":"error","message":"m2"}]})")
            << QStringLiteral("providers.json has 2 problems") << QStringLiteral("config_invalid")
            << 2;
        QTest::addRow("plain text body")
            << 502 << QByteArray("bad gateway") << QStringLiteral("bad gateway") << QString() << 0;
        QTest::addRow("empty body")
            << 500 << QByteArray() << QStringLiteral("the gateway answered HTTP 500") << QString()
            << 0;
    }
    void errorsAreValues()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        FakeAdminServer server;
        QVERIFY(server.listen());
        FakeAdminServer::Reply reply;
        reply.status = status;
        reply.body = body;
        server.on("GET /x", reply);
        api::AdminClient client;
        client.setBaseUrl(server.url());
        QSignalSpy unauthorized(&client, &api::AdminClient::unauthorized);
        const auto r = wait(client.get(QStringLiteral("/x")));
        QVERIFY(!r.ok());
        QCOMPARE(r.error.status, status);
        QFETCH(QString, message);
        QCOMPARE(r.error.message, message);
        QFETCH(QString, code);
        QCOMPARE(r.error.code, code);
        QFETCH(int, diagnostics);
        QCOMPARE(r.error.diagnostics.size(), diagnostics);
        QVERIFY(!r.error.isNetwork());
        QCOMPARE(unauthorized.size(), status == 401 ? 1 : 0);
    }

    void unreachableGatewayIsANetworkError()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();
        api::AdminClient client;
        client.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
        QSignalSpy unreachable(&client, &api::AdminClient::unreachable);
        const auto r = wait(client.get(QStringLiteral("/health")));
        QVERIFY(!r.ok());
        QVERIFY(r.error.isNetwork());
        QVERIFY2(r.error.message.contains(QStringLiteral("refused")), qPrintable(r.error.message));
        QCOMPARE(unreachable.size(), 1);
    }

    void slowAnswerTimesOut()
    {
        FakeAdminServer server;
        QVERIFY(server.listen());
        FakeAdminServer::Reply reply;
        reply.body = "{}";
        reply.delayMs = 3000;
        server.on("GET /slow", reply);
        api::AdminClient client;
        client.setBaseUrl(server.url());
        client.setTimeoutMs(300);
        const auto r = wait(client.get(QStringLiteral("/slow")));
        QVERIFY(!r.ok());
        QVERIFY(r.error.isNetwork());
    }

    void loginPostsCredentials()
    {
        FakeAdminServer server;
        QVERIFY(server.listen());
        server.onJson("POST /api/admin/login",
                      QJsonObject{{QStringLiteral("token"), QStringLiteral("sess")}});
        api::AdminClient client;
        client.setBaseUrl(server.url());
        const auto r = wait(client.login(QStringLiteral("admin"), QStringLiteral("pw")));
        QVERIFY(r.ok());
        QCOMPARE(r.object().value(QStringLiteral("token")).toString(), QStringLiteral("sess"));
        const QJsonObject sent = QJsonDocument::fromJson(server.lastRequest().body).object();
        QCOMPARE(sent.value(QStringLiteral("username")).toString(), QStringLiteral("admin"));
        QCOMPARE(sent.value(QStringLiteral("password")).toString(), QStringLiteral("pw"));
        QVERIFY(!server.lastRequest().headers.contains("authorization"));
    }

    void sseReaderSplitsAnyFragmentation_data()
    {
        QTest::addColumn<int>("piece");
        for (int piece : {1, 2, 5, 7, 1000})
            QTest::addRow("pieces of %d", piece) << piece;
    }
    void sseReaderSplitsAnyFragmentation()
    {
        QFETCH(int, piece);
        const QByteArray stream =
            ": keep-alive\r\n\r\nevent: stats\r\ndata: {\"requests_per_s\":2}\r\n\r\n"
            "data: a\ndata: b\n\nevent: cooldown\ndata:{\"state\":\"started\"}\n\n"
            "event: ignored-without-data\n\n";
        api::SseEventReader reader;
        QList<api::SseEventReader::Event> events;
        for (qsizetype i = 0; i < stream.size(); i += piece)
            events += reader.feed(stream.mid(i, piece));
        QCOMPARE(events.size(), 3);
        QCOMPARE(events[0].name, QByteArray("stats"));
        QCOMPARE(events[0].data, QByteArray("{\"requests_per_s\":2}"));
        QCOMPARE(events[1].name, QByteArray("message"));
        QCOMPARE(events[1].data, QByteArray("a\nb"));
        QCOMPARE(events[2].name, QByteArray("cooldown"));
        QCOMPARE(events[2].data, QByteArray("{\"state\":\"started\"}"));
        QCOMPARE(reader.comments(), 1);
    }

    void eventFeedDeliversAndReconnects()
    {
        FakeAdminServer server;
        QVERIFY(server.listen());
        FakeAdminServer::Reply stream;
        stream.stream = true;
        stream.streamPrefix = ": keep-alive\n\n";
        server.on("GET /api/admin/events", stream);
        api::AdminClient client;
        client.setBaseUrl(server.url());
        client.setToken(QStringLiteral("t"));
        api::EventFeed feed(&client);
        feed.setBackoffLimits(50, 200);
        QSignalSpy events(&feed, &api::EventFeed::eventReceived);
        QSignalSpy connected(&feed, &api::EventFeed::connectedChanged);
        QSignalSpy dropped(&feed, &api::EventFeed::disconnected);
        feed.start();
        QTRY_VERIFY_WITH_TIMEOUT(feed.isConnected(), 5000);
        QTRY_COMPARE(server.openStreams(), 1);
        server.pushEvent("stats", QJsonObject{{QStringLiteral("requests_per_s"), 4.5}});
        QVERIFY(events.wait(5000));
        QCOMPARE(events.first().at(0).toString(), QStringLiteral("stats"));
        QCOMPARE(
            events.first().at(1).toJsonObject().value(QStringLiteral("requests_per_s")).toDouble(),
            4.5);
        QCOMPARE(server.lastRequest().headers.value("accept"), QByteArray("text/event-stream"));

        // The stream ends: the feed says so, then comes back by itself.
        server.closeStreams();
        QVERIFY(dropped.wait(5000));
        QVERIFY(!feed.isConnected());
        QTRY_VERIFY_WITH_TIMEOUT(feed.isConnected(), 5000);
        QCOMPARE(server.count("GET /api/admin/events"), 2);
        server.pushEvent("cooldown",
                         QJsonObject{{QStringLiteral("provider"), QStringLiteral("p")}});
        QTRY_COMPARE_WITH_TIMEOUT(events.size(), 2, 5000);

        feed.stop();
        QVERIFY(!feed.isConnected());
    }

    void eventFeedBacksOffWhileRefused()
    {
        FakeAdminServer server;
        QVERIFY(server.listen());
        server.onJson("GET /api/admin/events",
                      QJsonObject{{QStringLiteral("error"), QJsonObject{{QStringLiteral("message"),
                                                                         QStringLiteral("nope")}}}},
                      503);
        api::AdminClient client;
        client.setBaseUrl(server.url());
        api::EventFeed feed(&client);
        feed.setBackoffLimits(40, 160);
        QSignalSpy dropped(&feed, &api::EventFeed::disconnected);
        feed.start();
        QVERIFY(dropped.wait(5000));
        QVERIFY(dropped.first().first().toString().contains(QStringLiteral("nope")));
        QTRY_VERIFY_WITH_TIMEOUT(dropped.size() >= 4, 5000);
        QCOMPARE(feed.nextRetryMs(), 160); // doubled up to the cap
        QVERIFY(!feed.isConnected());
        feed.stop();
    }

    void dataTypesParseContractShapes()
    {
        const auto node = api::ClusterNode::fromJson(
            QJsonDocument::fromJson(
                R"({"id":"h:1","host":"h","port":17765,"version":"0.1.0","started_at":"2026-11-24T09:00:00Z",
                "uptime_s":12.5,"requests_per_s":3,"active_requests":2,"last_heartbeat":"2026-11-24T09:00:10.250Z","self":true})")
                .object());
        QCOMPARE(node.port, 17765);
        QVERIFY(node.self);
        QCOMPARE(node.lastHeartbeat, QDateTime(QDate(2026, 11, 24), QTime(9, 0, 10, 250), Qt::UTC));
        const auto user = api::User::fromJson(
            QJsonDocument::fromJson(
                R"({"id":3,"username":"alice","role":"user","tier_id":null,"disabled":true})")
                .object());
        QVERIFY(!user.tierId.has_value());
        QVERIFY(user.disabled);
        QCOMPARE(api::documentFileName(api::ConfigDocument::Server), QStringLiteral("aisbf.json"));
        QCOMPARE(api::documentFromName(QStringLiteral("rotations.json")),
                 api::ConfigDocument::Rotations);
        QVERIFY(!api::documentFromName(QStringLiteral("x")).has_value());
        QCOMPARE(api::formatTimestamp(QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC)),
                 QStringLiteral("2026-01-02T03:04:05Z"));
    }
};

QTEST_MAIN(TestAdminClient)
#include "tst_admin_client.moc"
