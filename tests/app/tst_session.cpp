// SPDX-License-Identifier: GPL-3.0-or-later
// Session (connect by token or by login, refusal, unreachable gateway, reconnect with retry)
// and the Playground's streamed chat, against a local HTTP fixture.
#include "ContractFixtures.h"
#include "FakeAdminServer.h"

#include <connection/Session.h>
#include <playground/PlaygroundModel.h>

#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace aisbf;
using namespace aisbf::app;
using aisbf::test::FakeAdminServer;

namespace {

void serveGateway(FakeAdminServer &server)
{
    server.onJson("GET /health", QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}});
    server.onJson("GET /api/admin/state", test::stateBody());
    server.onJson("GET /api/admin/config/server", QJsonObject());
    server.onJson("GET /api/admin/config/providers",
                  QJsonObject{{QStringLiteral("providers"), QJsonObject()}});
    server.onJson("GET /api/admin/config/rotations",
                  QJsonObject{{QStringLiteral("rotations"), QJsonObject()}});
    server.onJson("GET /api/admin/config/autoselect", QJsonObject());
    FakeAdminServer::Reply events;
    events.stream = true;
    server.on("GET /api/admin/events", events);
}

quint16 closedPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost);
    return probe.serverPort();
}

} // namespace

class TestSession : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void connectsWithToken()
    {
        FakeAdminServer server;
        QVERIFY(server.listen());
        serveGateway(server);
        Session session(nullptr);
        QSignalSpy connected(&session, &Session::connected);
        session.connectWithToken(server.url().toString(), QStringLiteral(" tok "));
        QCOMPARE(session.state(), Session::State::Connecting);
        QVERIFY(connected.wait());
        QCOMPARE(session.state(), Session::State::Connected);
        QCOMPARE(server.lastRequest().headers.value("authorization").isEmpty(), false);
        QCOMPARE(session.currentToken(), QStringLiteral("tok")); // trimmed
        // Live data follows: the event feed and the route documents.
        QTRY_VERIFY(session.isFeedConnected());
        QTRY_VERIFY(!session.routes()->isLoading());
        QTRY_COMPARE(session.overview()->nodeId(), QStringLiteral("gw-a:17765"));
        server.pushEvent("stats", QJsonObject{{QStringLiteral("requests_per_s"), 99.0}});
        QTRY_COMPARE(session.overview()->requestsPerSec(), 99.0);
        session.disconnectFromGateway();
        QCOMPARE(session.state(), Session::State::Disconnected);
        QVERIFY(!session.isFeedConnected());
    }

    void connectsWithPassword()
    {
        FakeAdminServer server;
        QVERIFY(server.listen());
        serveGateway(server);
        server.onJson("POST /api/admin/login",
                      QJsonObject{{QStringLiteral("token"), QStringLiteral("session-t")}});
        Session session(nullptr);
        QSignalSpy connected(&session, &Session::connected);
        session.connectWithPassword(server.url().toString(), QStringLiteral("admin"),
                                    QStringLiteral("pw"));
        QVERIFY(connected.wait());
        QCOMPARE(session.currentToken(), QStringLiteral("session-t"));
        QCOMPARE(session.identity(), QStringLiteral("admin"));
        QCOMPARE(server.requests().first().path, QByteArray("/api/admin/login"));
    }

    void refusals_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("expected");
        QTest::addRow("bad url") << 0 << QStringLiteral("not a gateway URL");
        QTest::addRow("refused token") << 1 << QStringLiteral("refused the credentials (HTTP 401)");
        QTest::addRow("bad login") << 2 << QStringLiteral("login as admin failed: wrong password");
        QTest::addRow("nobody listening") << 3 << QStringLiteral("connection refused");
    }
    void refusals()
    {
        QFETCH(int, kind);
        FakeAdminServer server;
        QVERIFY(server.listen());
        serveGateway(server);
        server.onJson(
            "GET /api/admin/state",
            test::json(R"({"error":{"message":"unknown token","type":"authentication_error"}})"),
            401);
        server.onJson(
            "POST /api/admin/login",
            test::json(R"({"error":{"message":"wrong password","type":"authentication_error"}})"),
            401);
        Session session(nullptr);
        QSignalSpy failed(&session, &Session::connectionFailed);
        switch (kind) {
        case 0:
            session.connectWithToken(QStringLiteral("ftp://x"), QStringLiteral("t"));
            break;
        case 1:
            session.connectWithToken(server.url().toString(), QStringLiteral("bad"));
            break;
        case 2:
            session.connectWithPassword(server.url().toString(), QStringLiteral("admin"),
                                        QStringLiteral("x"));
            break;
        default:
            session.connectWithToken(QStringLiteral("http://127.0.0.1:%1").arg(closedPort()),
                                     QStringLiteral("t"));
        }
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 5000);
        QFETCH(QString, expected);
        QVERIFY2(session.errorString().contains(expected), qPrintable(session.errorString()));
        QCOMPARE(session.state(), Session::State::Disconnected);
    }

    void reconnectsAfterTheGatewayComesBack()
    {
        auto server = std::make_unique<FakeAdminServer>();
        QVERIFY(server->listen());
        const quint16 port = server->port();
        serveGateway(*server);
        Session session(nullptr);
        session.setPollIntervalMs(200);
        QSignalSpy connected(&session, &Session::connected);
        session.connectWithToken(server->url().toString(), QStringLiteral("t"));
        QVERIFY(connected.wait());

        server.reset(); // the gateway goes away
        QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Reconnecting, 5000);
        QVERIFY(!session.errorString().isEmpty());
        QVERIFY(session.retryInSec() >= 0);

        FakeAdminServer again; // and comes back on the same port
        QVERIFY(again.listenOn(port));
        serveGateway(again);
        session.retry();
        QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Connected, 10000);
        QCOMPARE(connected.size(), 1); // a reconnect is not a new connection
    }

    void playgroundStreams()
    {
        FakeAdminServer server;
        QVERIFY(server.listen());
        server.onJson("GET /api/v1/models", test::json(R"({"object":"list","data":[
            {"id":"openai/gpt-4o","object":"model"},{"id":"rotation/coding","object":"model"},{"id":"autoselect/auto","object":"model"}]})"));
        FakeAdminServer::Reply chat;
        chat.stream = true;
        chat.headers = {{"X-AISBF-Provider", "local"},
                        {"X-AISBF-Model", "qwen"},
                        {"X-AISBF-Failover", "openai/gpt-4o"}};
        chat.streamPrefix = "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n";
        server.on("POST /api/v1/chat/completions", chat);
        api::AdminClient client;
        client.setBaseUrl(server.url());
        PlaygroundModel model(&client);
        model.refreshRoutes();
        QTRY_VERIFY(!model.isLoading());
        QCOMPARE(model.routes(),
                 (QStringList{QStringLiteral("rotation/coding"), QStringLiteral("openai/gpt-4o"),
                              QStringLiteral("autoselect/auto")}));

        QSignalSpy finished(&model, &PlaygroundModel::finished);
        model.send(QStringLiteral("rotation/coding"), QStringLiteral("hi"),
                   QStringLiteral("be brief"), 64);
        QVERIFY(model.isStreaming());
        QTRY_COMPARE(model.output(), QStringLiteral("Hel"));
        QCOMPARE(model.servedProvider(), QStringLiteral("local"));
        QCOMPARE(model.servedModel(), QStringLiteral("qwen"));
        QCOMPARE(model.failover(), QStringLiteral("openai/gpt-4o"));
        QVERIFY(model.firstTokenMs() >= 0);
        const QJsonObject sent = QJsonDocument::fromJson(server.lastRequest().body).object();
        QCOMPARE(sent.value(QStringLiteral("stream")).toBool(), true);
        QCOMPARE(sent.value(QStringLiteral("model")).toString(), QStringLiteral("rotation/coding"));
        QCOMPARE(sent.value(QStringLiteral("messages")).toArray().size(), 2);
        QCOMPARE(sent.value(QStringLiteral("max_tokens")).toInt(), 64);

        server.pushRaw(
            "data: {\"choices\":[{\"delta\":{\"content\":\"lo!\"}}]}\n\ndata: [DONE]\n\n");
        QTRY_COMPARE(model.output(), QStringLiteral("Hello!"));
        QCOMPARE(model.chunks(), 2);
        server.closeStreams();
        QVERIFY(finished.wait());
        QVERIFY(!model.isStreaming());
        QVERIFY(model.errorString().isEmpty());
        QCOMPARE(model.status(), 200);
    }

    void playgroundShowsErrors()
    {
        FakeAdminServer server;
        QVERIFY(server.listen());
        server.onJson(
            "POST /api/v1/chat/completions",
            test::json(R"({"error":{"message":"all 2 attempts failed","type":"server_error"}})"),
            503);
        api::AdminClient client;
        client.setBaseUrl(server.url());
        PlaygroundModel model(&client);
        QSignalSpy finished(&model, &PlaygroundModel::finished);
        model.send(QStringLiteral("rotation/x"), QStringLiteral("hi"));
        QVERIFY(finished.wait());
        QCOMPARE(model.status(), 503);
        QCOMPARE(model.errorString(), QStringLiteral("all 2 attempts failed"));
        QVERIFY(model.output().isEmpty());
    }
};

QTEST_MAIN(TestSession)
#include "tst_session.moc"
