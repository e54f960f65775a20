// SPDX-License-Identifier: GPL-3.0-or-later
// Everything a client can get wrong, and what the gateway answers: OpenAI-shaped errors with the
// right status, limits on bodies and slow clients, bearer auth, and no secret in any answer.
#include "GatewayTestMain.h"
#include "TestClient.h"
#include "TestGateway.h"

#include <MockUpstream.h>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace aisbf::test;

namespace {

const QByteArray kApiKey = "sk-secret-upstream-key-0123456789";
const QByteArray kToken = "tok-caller-5b8e2f";
constexpr int kMaxBody = 4096;

QByteArray chatRequestHead(qint64 length, const QByteArray &extra = {})
{
    return "POST /api/v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: "
           "application/json\r\n" +
           extra + "Content-Length: " + QByteArray::number(length) + "\r\n\r\n";
}

// A valid chat body padded with spaces to exactly @p size bytes.
QByteArray paddedChat(qsizetype size)
{
    QByteArray body = chatBody(QStringLiteral("p1/m1"));
    body.insert(1, QByteArray(size - body.size(), ' '));
    return body;
}

} // namespace

class TestGatewayErrors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void badRequests_data();
    void badRequests();
    void bodyLimits_data();
    void bodyLimits();
    void stalledClient_data();
    void stalledClient();
    void auth_data();
    void auth();
    void upstreamErrorsHideKey_data();
    void upstreamErrorsHideKey();

private:
    TestConfig baseConfig() const;

    MockUpstream m_mock;
    TestGateway m_gateway;
};

TestConfig TestGatewayErrors::baseConfig() const
{
    TestConfig config;
    config.addProvider(QStringLiteral("p1"), m_mock.baseUrl(), {QStringLiteral("m1")},
                       {{QStringLiteral("api_key"), QString::fromLatin1(kApiKey)}});
    config.addRotation(QStringLiteral("r1"),
                       {rotationEntry(QStringLiteral("p1"), QStringLiteral("m1"))});
    config.set(QStringLiteral("limits"), QStringLiteral("max_body_bytes"), kMaxBody);
    config.set(QStringLiteral("limits"), QStringLiteral("client_timeout"), 0.5);
    return config;
}

void TestGatewayErrors::initTestCase()
{
    QVERIFY(m_mock.listen());
    QVERIFY(m_gateway.start(baseConfig()));
}

void TestGatewayErrors::init()
{
    m_mock.clearFaults();
}

void TestGatewayErrors::badRequests_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("param");
    QTest::addColumn<QStringList>("phrases"); // each must appear in error.message

    const QByteArray v1 = "/api/v1/chat/completions";
    const QByteArray post = "POST";
    const QString invalid = QStringLiteral("invalid_request_error");
    const QString notFound = QStringLiteral("not_found_error");
    const auto row = [&](const char *name, const QByteArray &body, const QString &param,
                         const QString &phrase) {
        QTest::addRow("%s", name) << post << v1 << body << 400 << invalid
                                  << QStringLiteral("invalid_request") << param
                                  << QStringList{phrase};
    };
    row("malformed JSON", R"({"model":"p1/m1","messages":[)", {}, QStringLiteral("not valid JSON"));
    row("empty body", {}, {}, QStringLiteral("body is empty"));
    row("array body", "[]", {}, QStringLiteral("must be a JSON object"));
    row("model missing", R"({"messages":[{"role":"user","content":"x"}]})", QStringLiteral("model"),
        QStringLiteral("'model' is required"));
    row("model a number", R"({"model":5,"messages":[{"role":"user","content":"x"}]})",
        QStringLiteral("model"), QStringLiteral("non-empty string"));
    row("model empty", R"({"model":" ","messages":[{"role":"user","content":"x"}]})",
        QStringLiteral("model"), QStringLiteral("non-empty string"));
    row("messages missing", R"({"model":"p1/m1"})", QStringLiteral("messages"),
        QStringLiteral("non-empty array"));
    row("messages empty", R"({"model":"p1/m1","messages":[]})", QStringLiteral("messages"),
        QStringLiteral("non-empty array"));
    row("messages an object", R"({"model":"p1/m1","messages":{"role":"user"}})",
        QStringLiteral("messages"), QStringLiteral("non-empty array"));
    row("message without role",
        R"({"model":"p1/m1","messages":[{"role":"user","content":"a"},{"content":"b"}]})",
        QStringLiteral("messages"), QStringLiteral("messages[1]"));
    row("stream a string",
        R"({"model":"p1/m1","stream":"yes","messages":[{"role":"user","content":"x"}]})",
        QStringLiteral("stream"), QStringLiteral("'stream' must be true or false"));
    row("max_tokens zero",
        R"({"model":"p1/m1","max_tokens":0,"messages":[{"role":"user","content":"x"}]})",
        QStringLiteral("max_tokens"), QStringLiteral("positive integer"));
    row("max_tokens a string",
        R"({"model":"p1/m1","max_tokens":"20","messages":[{"role":"user","content":"x"}]})",
        QStringLiteral("max_tokens"), QStringLiteral("positive integer"));
    row("max_tokens fractional",
        R"({"model":"p1/m1","max_tokens":2.5,"messages":[{"role":"user","content":"x"}]})",
        QStringLiteral("max_tokens"), QStringLiteral("positive integer"));
    row("max_completion_tokens negative",
        R"({"model":"p1/m1","max_completion_tokens":-1,"messages":[{"role":"user","content":"x"}]})",
        QStringLiteral("max_completion_tokens"), QStringLiteral("positive integer"));

    const QStringList available{QStringLiteral("p1/m1"), QStringLiteral("rotation/r1")};
    const auto missing = [&](const char *name, const QByteArray &path, const QString &model,
                             const QString &phrase) {
        QTest::addRow("%s", name) << post << path << chatBody(model) << 404 << notFound
                                  << QStringLiteral("model_not_found") << QStringLiteral("model")
                                  << (QStringList{phrase} + available);
    };
    missing("unknown bare model", v1, QStringLiteral("gpt-9"), QStringLiteral("model 'gpt-9'"));
    missing("unknown provider", v1, QStringLiteral("p9/m1"), QStringLiteral("provider 'p9'"));
    missing("unknown model of provider", v1, QStringLiteral("p1/m9"), QStringLiteral("'p1/m9'"));
    missing("unknown rotation", v1, QStringLiteral("rotation/r9"), QStringLiteral("rotation 'r9'"));
    missing("unknown rotation on rotations path", "/api/rotations/chat/completions",
            QStringLiteral("r9"), QStringLiteral("rotation 'r9'"));
    missing("unknown provider path", "/api/p9/chat/completions", QStringLiteral("m1"),
            QStringLiteral("provider 'p9'"));
    QTest::addRow("model not a route")
        << post << v1 << chatBody(QStringLiteral("rotation/")) << 400 << invalid
        << QStringLiteral("invalid_model") << QStringLiteral("model")
        << QStringList{QStringLiteral("provider/model")};

    QTest::addRow("unknown route")
        << QByteArray("GET") << QByteArray("/api/v2/nothing") << QByteArray() << 404 << notFound
        << QStringLiteral("unknown_endpoint") << QString()
        << QStringList{QStringLiteral("GET /api/v2/nothing"),
                       QStringLiteral("/api/v1/chat/completions")};
    QTest::addRow("GET on chat") << QByteArray("GET") << v1 << QByteArray() << 405 << invalid
                                 << QStringLiteral("method_not_allowed") << QString()
                                 << QStringList{QStringLiteral("use POST")};
    QTest::addRow("POST on models") << post << QByteArray("/api/v1/models") << QByteArray("{}")
                                    << 405 << invalid << QStringLiteral("method_not_allowed")
                                    << QString() << QStringList{QStringLiteral("use GET")};
    QTest::addRow("DELETE on health")
        << QByteArray("DELETE") << QByteArray("/health") << QByteArray() << 405 << invalid
        << QStringLiteral("method_not_allowed") << QString()
        << QStringList{QStringLiteral("use GET")};
}

void TestGatewayErrors::badRequests()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, type);
    QFETCH(QString, code);
    QFETCH(QString, param);
    QFETCH(QStringList, phrases);

    const int before = m_mock.requestCount();
    const HttpReply reply =
        httpRequest(m_gateway.port(), method, path, body, {{"Content-Type", "application/json"}});
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.header("content-type"), QByteArray("application/json"));
    QVERIFY(!reply.header("x-request-id").isEmpty());
    const QJsonObject error = reply.error();
    QCOMPARE(error.value(QLatin1String("type")).toString(), type);
    QCOMPARE(error.value(QLatin1String("code")).toString(), code);
    QCOMPARE(error.value(QLatin1String("param")).toString(), param);
    QVERIFY(error.contains(QLatin1String("param"))); // null when empty, but present
    const QString message = error.value(QLatin1String("message")).toString();
    for (const QString &phrase : std::as_const(phrases))
        QVERIFY2(message.contains(phrase),
                 qPrintable(phrase + QStringLiteral(" not in: ") + message));
    if (status == 405)
        QCOMPARE(reply.header("allow"), method == "GET" ? QByteArray("POST") : QByteArray("GET"));
    QVERIFY(!reply.body.contains(kApiKey));
    QCOMPARE(m_mock.requestCount(), before); // nothing reached the upstream
}

void TestGatewayErrors::bodyLimits_data()
{
    QTest::addColumn<QList<QByteArray>>("parts"); // sent one after another, with a pause
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QStringList>("phrases");

    const QByteArray over = paddedChat(kMaxBody + 1);
    const QStringList tooLarge{QStringLiteral("4097 bytes"), QStringLiteral("4096 bytes"),
                               QStringLiteral("limits.max_body_bytes")};
    QTest::addRow("one byte over") << QList<QByteArray>{chatRequestHead(over.size()) + over} << 413
                                   << QStringLiteral("request_too_large") << tooLarge;
    QTest::addRow("refused from the head alone")
        << QList<QByteArray>{chatRequestHead(100'000'000)} << 413
        << QStringLiteral("request_too_large") << QStringList{QStringLiteral("100000000 bytes")};
    const QByteArray head = chatRequestHead(over.size());
    QTest::addRow("head split over two packets")
        << QList<QByteArray>{head.left(30), head.mid(30) + over} << 413
        << QStringLiteral("request_too_large") << tooLarge;
    QTest::addRow("head split inside the blank line")
        << QList<QByteArray>{head.chopped(2), head.right(2) + over} << 413
        << QStringLiteral("request_too_large") << tooLarge;
    const QByteArray exact = paddedChat(kMaxBody);
    QTest::addRow("exactly at the limit")
        << QList<QByteArray>{chatRequestHead(exact.size()) + exact} << 200 << QString()
        << QStringList();
    const QByteArray chunked =
        "POST /api/v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n";
    const QByteArray small = chatBody(QStringLiteral("p1/m1"));
    QTest::addRow("chunked body") << QList<QByteArray>{chunked +
                                                       QByteArray::number(small.size(), 16) +
                                                       "\r\n" + small + "\r\n0\r\n\r\n"}
                                  << 411 << QStringLiteral("length_required")
                                  << QStringList{QStringLiteral("Content-Length")};
    QTest::addRow("not HTTP") << QList<QByteArray>{"HELLO THERE\r\n\r\n"} << 400
                              << QStringLiteral("malformed_request")
                              << QStringList{QStringLiteral("not valid HTTP")};
    QTest::addRow("head over 64 KiB")
        << QList<QByteArray>{"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " +
                             QByteArray(70 * 1024, 'a') + "\r\n\r\n"}
        << 431 << QStringLiteral("request_header_too_large")
        << QStringList{QStringLiteral("64 KiB")};
    QTest::addRow("chunked, head split")
        << QList<QByteArray>{chunked.left(20), chunked.mid(20)} << 411
        << QStringLiteral("length_required") << QStringList{QStringLiteral("Content-Length")};
}

void TestGatewayErrors::bodyLimits()
{
    QFETCH(QList<QByteArray>, parts);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QStringList, phrases);

    const int before = m_mock.requestCount();
    TestClient client(m_gateway.port());
    QVERIFY(client.connectToServer());
    client.sendRaw(parts.first());
    for (const QByteArray &part : parts.mid(1)) {
        QTest::qWait(50); // let the gateway read the first packet on its own
        QVERIFY(client.isConnected());
        client.sendRaw(part);
    }
    QVERIFY(client.waitForComplete());
    const HttpReply reply = client.reply();
    QCOMPARE(reply.status, status);
    if (status == 200) {
        QCOMPARE(m_mock.requestCount(), before + 1);
        return;
    }
    QCOMPARE(reply.error().value(QLatin1String("code")).toString(), code);
    const QString message = reply.error().value(QLatin1String("message")).toString();
    for (const QString &phrase : std::as_const(phrases))
        QVERIFY2(message.contains(phrase), qPrintable(message));
    QCOMPARE(reply.header("connection"), QByteArray("close"));
    QVERIFY(client.waitForClosed());
    QCOMPARE(m_mock.requestCount(), before);
}

void TestGatewayErrors::stalledClient_data()
{
    QTest::addColumn<QByteArray>("partial");
    QTest::addRow("request line only") << QByteArray("POST /api/v1/chat/completions HTTP/1.1\r\n");
    QTest::addRow("head without blank line") << QByteArray(
        "POST /api/v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n");
    QTest::addRow("body short of Content-Length")
        << chatRequestHead(200) + QByteArray(R"({"model":"p1/m1",)");
}

void TestGatewayErrors::stalledClient()
{
    QFETCH(QByteArray, partial);
    TestClient client(m_gateway.port());
    QVERIFY(client.connectToServer());
    QElapsedTimer clock;
    clock.start();
    client.sendRaw(partial);
    QVERIFY(client.waitForComplete(5000));
    const qint64 elapsed = clock.elapsed();
    QCOMPARE(client.reply().status, 408);
    QCOMPARE(client.reply().error().value(QLatin1String("code")).toString(),
             QStringLiteral("request_timeout"));
    // client_timeout is 0.5 s; the gateway checks stalls once a second.
    QVERIFY2(elapsed >= 450 && elapsed <= 2500, qPrintable(QString::number(elapsed)));
    QVERIFY(client.waitForClosed());
}

void TestGatewayErrors::auth_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("authorization"); // empty = header not sent
    QTest::addColumn<int>("status");

    const QByteArray chat = "/api/v1/chat/completions";
    QTest::addRow("no token") << QByteArray("POST") << chat << QByteArray() << 401;
    QTest::addRow("wrong token") << QByteArray("POST") << chat << QByteArray("Bearer tok-wrong")
                                 << 401;
    QTest::addRow("token prefix") << QByteArray("POST") << chat
                                  << QByteArray("Bearer " + kToken.chopped(1)) << 401;
    QTest::addRow("token as Basic")
        << QByteArray("POST") << chat << QByteArray("Basic " + kToken) << 401;
    QTest::addRow("empty bearer") << QByteArray("POST") << chat << QByteArray("Bearer ") << 401;
    QTest::addRow("right token") << QByteArray("POST") << chat << QByteArray("Bearer " + kToken)
                                 << 200;
    QTest::addRow("second token") << QByteArray("POST") << chat << QByteArray("Bearer tok-other-91")
                                  << 200;
    QTest::addRow("lower-case scheme")
        << QByteArray("POST") << chat << QByteArray("bearer " + kToken) << 200;
    QTest::addRow("models without token")
        << QByteArray("GET") << QByteArray("/api/v1/models") << QByteArray() << 401;
    QTest::addRow("models with token") << QByteArray("GET") << QByteArray("/api/v1/models")
                                       << QByteArray("Bearer " + kToken) << 200;
    QTest::addRow("health is open")
        << QByteArray("GET") << QByteArray("/health") << QByteArray() << 200;
}

void TestGatewayErrors::auth()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, authorization);
    QFETCH(int, status);

    TestConfig config = baseConfig();
    config.server.insert(
        QStringLiteral("auth"),
        QJsonObject{{QStringLiteral("enabled"), true},
                    {QStringLiteral("tokens"),
                     QJsonArray{QString::fromLatin1(kToken), QStringLiteral("tok-other-91")}}});
    TestGateway gateway;
    QVERIFY(gateway.start(config));

    HeaderList headers{{"Content-Type", "application/json"}};
    if (!authorization.isEmpty())
        headers.emplaceBack("Authorization", authorization);
    const int before = m_mock.requestCount();
    const HttpReply reply =
        httpRequest(gateway.port(), method, path,
                    method == "POST" ? chatBody(QStringLiteral("p1/m1")) : QByteArray(), headers);
    QCOMPARE(reply.status, status);
    if (status == 200) {
        QCOMPARE(m_mock.requestCount(), before + (method == "POST" ? 1 : 0));
        return;
    }
    QCOMPARE(reply.header("www-authenticate"), QByteArray("Bearer"));
    QCOMPARE(reply.error().value(QLatin1String("type")).toString(),
             QStringLiteral("authentication_error"));
    QCOMPARE(reply.error().value(QLatin1String("code")).toString(),
             QStringLiteral("invalid_api_key"));
    QVERIFY(
        reply.error().value(QLatin1String("message")).toString().contains(QLatin1String("Bearer")));
    QVERIFY(!reply.body.contains(kToken.chopped(1)));
    QVERIFY(!reply.body.contains("tok-wrong"));
    QCOMPARE(m_mock.requestCount(), before);
}

void TestGatewayErrors::upstreamErrorsHideKey_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<int>("upstreamStatus");
    QTest::addColumn<int>("status");

    // Upstreams echo the credential they were given more often than one would hope.
    QTest::addRow("direct call, 500 passed on") << QStringLiteral("p1/m1") << 500 << 500;
    QTest::addRow("direct call, 401 passed on") << QStringLiteral("p1/m1") << 401 << 401;
    QTest::addRow("direct call, 400 passed on") << QStringLiteral("p1/m1") << 400 << 400;
    QTest::addRow("rotation, 500 in the summary") << QStringLiteral("rotation/r1") << 500 << 503;
    QTest::addRow("rotation, 400 passed on") << QStringLiteral("rotation/r1") << 400 << 400;
}

void TestGatewayErrors::upstreamErrorsHideKey()
{
    QFETCH(QString, model);
    QFETCH(int, upstreamStatus);
    QFETCH(int, status);

    FaultParams params;
    params.status = upstreamStatus;
    params.body = R"({"error":{"message":"Incorrect API key provided: )" + kApiKey +
                  R"(","type":"invalid_request_error"}})";
    m_mock.setFault(Fault::Status, params);
    TestGateway gateway; // a fresh one: the failure puts p1/m1 in cooldown
    QVERIFY(gateway.start(baseConfig()));
    const HttpReply reply = httpRequest(gateway.port(), "POST", "/api/v1/chat/completions",
                                        chatBody(model), {{"Content-Type", "application/json"}});
    QCOMPARE(reply.status, status);
    QCOMPARE(m_mock.lastRequest().header("authorization"), "Bearer " + kApiKey);
    QVERIFY2(!reply.body.contains(kApiKey), reply.body.constData());
    const QString message = reply.error().value(QLatin1String("message")).toString();
    QVERIFY2(message.contains(QLatin1String("Incorrect API key provided: ***")),
             qPrintable(message));
    if (status == 503)
        QVERIFY2(message.contains(QLatin1String("HTTP 500")), qPrintable(message));
}

AISBF_GATEWAY_TEST_MAIN(TestGatewayErrors)
#include "tst_gateway_errors.moc"
