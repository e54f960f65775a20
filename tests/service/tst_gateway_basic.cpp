// SPDX-License-Identifier: GPL-3.0-or-later
// The operator guide's config and curl calls against a real gateway: health, model lists, every
// chat path, request ids, and an access log that never holds a secret or a prompt.
#include "GatewayTestMain.h"
#include "TestClient.h"
#include "TestGateway.h"

#include <MockUpstream.h>

#include <routing/SelectionPrompt.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryFile>
#include <QTest>

#include <cstdio>
#include <unistd.h>

using namespace aisbf::test;

namespace {

const QByteArray kToken = "global-admin-token-only-for-admin-scripts"; // the guide's aisbf.json
const QByteArray kRunpodKey = "sk-runpod-secret-4f2a9c1e77";
const QByteArray kOpenAiKey = "sk-test-not-a-real-key"; // written literally in the guide

QJsonObject readGuide(const QString &name)
{
    QFile file(QStringLiteral(AISBF_TEST_DATA_DIR "/guide/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qUtf8Printable(file.fileName()));
    return QJsonDocument::fromJson(file.readAll()).object();
}

HeaderList authorized(HeaderList headers = {})
{
    headers.emplaceBack("Authorization", "Bearer " + kToken);
    headers.emplaceBack("Content-Type", "application/json");
    return headers;
}

/** Redirects file descriptor 2 into a temporary file until finish(). */
class StderrCapture
{
public:
    StderrCapture()
    {
        m_file.open();
        std::fflush(stderr);
        m_saved = ::dup(2);
        ::dup2(m_file.handle(), 2);
    }
    ~StderrCapture() { finish(); }

    QByteArray finish()
    {
        if (m_saved >= 0) {
            std::fflush(stderr);
            ::dup2(m_saved, 2);
            ::close(m_saved);
            m_saved = -1;
        }
        QFile copy(m_file.fileName());
        copy.open(QIODevice::ReadOnly);
        return copy.readAll();
    }

private:
    QTemporaryFile m_file;
    int m_saved = -1;
};

} // namespace

class TestGatewayBasic : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void health();
    void models_data();
    void models();
    void providerModels_data();
    void providerModels();
    void guideCurls_data();
    void guideCurls();
    void keepAliveServesSeveralRequests();
    void pipelinedRequestsAnsweredInOrder();
    void connectionEnd_data();
    void connectionEnd();
    void expectContinue();
    void percentEncodedPath();
    void guideAutoselect_data();
    void guideAutoselect();
    void requestId_data();
    void requestId();
    void accessLogHoldsNoSecrets();

private:
    MockUpstream m_mock;
    TestGateway m_gateway;
};

void TestGatewayBasic::initTestCase()
{
    QVERIFY(m_mock.listen());
    // The guide's four files as written; only the endpoints move to the mock.
    TestConfig config;
    config.server = readGuide(QStringLiteral("aisbf.json"));
    config.providers =
        readGuide(QStringLiteral("providers.json")).value(QLatin1String("providers")).toObject();
    for (auto it = config.providers.begin(); it != config.providers.end(); ++it) {
        QJsonObject provider = it.value().toObject();
        provider.insert(QStringLiteral("endpoint"), m_mock.baseUrl().toString());
        it.value() = provider;
    }
    config.rotations =
        readGuide(QStringLiteral("rotations.json")).value(QLatin1String("rotations")).toObject();
    config.autoselect = readGuide(QStringLiteral("autoselect.json"));
    config.env.insert(QStringLiteral("RUNPOD_API_KEY"), QString::fromLatin1(kRunpodKey));
    QVERIFY(m_gateway.start(config));
}

void TestGatewayBasic::health()
{
    // The guide's first curl sends no token: /health is open even with auth on.
    const HttpReply reply = httpRequest(m_gateway.port(), "GET", "/health");
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("content-type"), QByteArray("application/json"));
    const QJsonObject body = reply.json();
    QCOMPARE(body.value(QLatin1String("status")).toString(), QStringLiteral("ok"));
    QCOMPARE(body.value(QLatin1String("version")).toString(), QStringLiteral(AISBF_VERSION));
    QCOMPARE(body.value(QLatin1String("providers")).toInt(), 3);
    QCOMPARE(body.value(QLatin1String("rotations")).toInt(), 1);
    QCOMPARE(body.value(QLatin1String("in_flight")).toInt(), 0);
    QVERIFY(body.value(QLatin1String("uptime_s")).toDouble(-1) >= 0);
}

void TestGatewayBasic::models_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addRow("guide path") << QByteArray("/api/v1/models");
    QTest::addRow("api alias") << QByteArray("/api/models");
    QTest::addRow("openai alias") << QByteArray("/v1/models");
}

void TestGatewayBasic::models()
{
    QFETCH(QByteArray, path);
    QCOMPARE(httpRequest(m_gateway.port(), "GET", path).status, 401);

    const HttpReply reply = httpRequest(m_gateway.port(), "GET", path, {}, authorized());
    QCOMPARE(reply.status, 200);
    const QJsonObject body = reply.json();
    QCOMPARE(body.value(QLatin1String("object")).toString(), QStringLiteral("list"));
    QStringList ids;
    const QJsonArray data = body.value(QLatin1String("data")).toArray();
    for (const QJsonValue &model : data) {
        QCOMPARE(model.toObject().value(QLatin1String("object")).toString(),
                 QStringLiteral("model"));
        ids.append(model.toObject().value(QLatin1String("id")).toString());
    }
    ids.sort();
    const QStringList expected{QStringLiteral("autoselect/engineering"),
                               QStringLiteral("ollama-private/qwen2.5-coder:32b"),
                               QStringLiteral("openai-prod/gpt-4.1-mini"),
                               QStringLiteral("rotation/coding-production"),
                               QStringLiteral("runpod-gpu-a/deepseek-coder-v2")};
    QCOMPARE(ids, expected);
}

void TestGatewayBasic::providerModels_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<int>("status");
    QTest::addColumn<QStringList>("ids");
    QTest::addRow("runpod") << QByteArray("/api/runpod-gpu-a/models") << 200
                            << QStringList{QStringLiteral("deepseek-coder-v2")};
    QTest::addRow("ollama") << QByteArray("/api/ollama-private/models") << 200
                            << QStringList{QStringLiteral("qwen2.5-coder:32b")};
    QTest::addRow("unknown") << QByteArray("/api/nobody/models") << 404 << QStringList();
}

void TestGatewayBasic::providerModels()
{
    QFETCH(QByteArray, path);
    QFETCH(int, status);
    QFETCH(QStringList, ids);
    const HttpReply reply = httpRequest(m_gateway.port(), "GET", path, {}, authorized());
    QCOMPARE(reply.status, status);
    if (status != 200) {
        const QString message = reply.error().value(QLatin1String("message")).toString();
        QVERIFY2(message.contains(QLatin1String("ollama-private, openai-prod, runpod-gpu-a")),
                 qPrintable(message));
        QCOMPARE(reply.error().value(QLatin1String("code")).toString(),
                 QStringLiteral("provider_not_found"));
        return;
    }
    QStringList got;
    const QJsonArray data = reply.json().value(QLatin1String("data")).toArray();
    for (const QJsonValue &model : data)
        got.append(model.toObject().value(QLatin1String("id")).toString());
    QCOMPARE(got, ids);
}

void TestGatewayBasic::guideCurls_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QStringList>("providers"); // any of these may serve

    const QStringList rotation{QStringLiteral("ollama-private"), QStringLiteral("runpod-gpu-a"),
                               QStringLiteral("openai-prod")};
    // Bodies verbatim from the operator guide.
    QTest::addRow("provider path, bare model")
        << QByteArray("/api/runpod-gpu-a/chat/completions")
        << QByteArray(
               R"({"model":"deepseek-coder-v2","messages":[{"role":"user","content":"say pong"}],"max_tokens":20})")
        << QStringList{QStringLiteral("runpod-gpu-a")};
    QTest::addRow("rotations path")
        << QByteArray("/api/rotations/chat/completions")
        << QByteArray(
               R"({"model":"coding-production","messages":[{"role":"user","content":"summarize this stack trace"}]})")
        << rotation;
    QTest::addRow("v1, provider/model") << QByteArray("/api/v1/chat/completions")
                                        << chatBody(QStringLiteral("openai-prod/gpt-4.1-mini"))
                                        << QStringList{QStringLiteral("openai-prod")};
    QTest::addRow("v1, rotation/name")
        << QByteArray("/api/v1/chat/completions")
        << chatBody(QStringLiteral("rotation/coding-production")) << rotation;
    QTest::addRow("v1, bare rotation name")
        << QByteArray("/api/v1/chat/completions") << chatBody(QStringLiteral("coding-production"))
        << rotation;
    QTest::addRow("openai path, provider/model")
        << QByteArray("/v1/chat/completions")
        << chatBody(QStringLiteral("ollama-private/qwen2.5-coder:32b"))
        << QStringList{QStringLiteral("ollama-private")};
    QTest::addRow("provider path, provider/model")
        << QByteArray("/api/openai-prod/chat/completions")
        << chatBody(QStringLiteral("openai-prod/gpt-4.1-mini"))
        << QStringList{QStringLiteral("openai-prod")};
}

void TestGatewayBasic::guideCurls()
{
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, body);
    QFETCH(QStringList, providers);

    const int before = m_mock.requestCount();
    const HttpReply reply = httpRequest(m_gateway.port(), "POST", path, body, authorized());
    QCOMPARE(reply.status, 200);
    QCOMPARE(m_mock.requestCount(), before + 1);
    const QString provider = QString::fromUtf8(reply.header("x-aisbf-provider"));
    QVERIFY2(providers.contains(provider), qPrintable(provider));
    QVERIFY(!reply.hasHeader("x-aisbf-failover"));

    // The upstream got the provider's own model name, the caller's fields and the right key.
    const QJsonObject sent = QJsonDocument::fromJson(body).object();
    const RecordedRequest upstream = m_mock.lastRequest();
    QCOMPARE(upstream.path, QByteArray("/v1/chat/completions"));
    const QString model = upstream.json().value(QLatin1String("model")).toString();
    QCOMPARE(QString::fromUtf8(reply.header("x-aisbf-model")), model);
    const QJsonObject config = m_gateway->routes()->config().providers.value(provider).raw;
    QCOMPARE(model, config.value(QLatin1String("models"))
                        .toArray()
                        .at(0)
                        .toObject()
                        .value(QLatin1String("name"))
                        .toString());
    QCOMPARE(upstream.json().value(QLatin1String("messages")),
             sent.value(QLatin1String("messages")));
    QCOMPARE(upstream.json().value(QLatin1String("max_tokens")),
             sent.value(QLatin1String("max_tokens")));
    const QHash<QString, QByteArray> keys{{QStringLiteral("runpod-gpu-a"), "Bearer " + kRunpodKey},
                                          {QStringLiteral("openai-prod"), "Bearer " + kOpenAiKey},
                                          {QStringLiteral("ollama-private"), QByteArray()}};
    QCOMPARE(upstream.header("authorization"), keys.value(provider));
    QVERIFY(upstream.header("authorization") !=
            "Bearer " + kToken); // the caller's token stays here

    const QJsonObject answer = reply.json();
    QCOMPARE(answer.value(QLatin1String("object")).toString(), QStringLiteral("chat.completion"));
    QCOMPARE(answer.value(QLatin1String("model")).toString(), model);
    QCOMPARE(aisbf::routing::completionText(reply.body),
             std::optional<QString>(QStringLiteral("pong")));
}

void TestGatewayBasic::keepAliveServesSeveralRequests()
{
    TestClient client(m_gateway.port());
    QVERIFY(client.connectToServer());
    for (int i = 0; i < 3; ++i) {
        const HttpReply reply =
            client.post("/api/v1/chat/completions",
                        chatBody(QStringLiteral("openai-prod/gpt-4.1-mini")), authorized());
        QCOMPARE(reply.status, 200);
        QVERIFY(!reply.closed);
    }
    QCOMPARE(client.get("/health").status, 200);
    QVERIFY(client.isConnected());
}

void TestGatewayBasic::pipelinedRequestsAnsweredInOrder()
{
    // Three requests in one packet: a chat (answered after the upstream replies), then two
    // quick ones that must wait for it. The answers come back in the order asked.
    const QByteArray chat = chatBody(QStringLiteral("openai-prod/gpt-4.1-mini"));
    const QByteArray requests =
        "POST /api/v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + kToken +
        "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(chat.size()) +
        "\r\n\r\n" + chat +
        "GET /health HTTP/1.1\r\nHost: x\r\nX-Request-Id: second\r\n\r\n"
        "GET /api/v2/none HTTP/1.1\r\nHost: x\r\nX-Request-Id: third\r\n"
        "Authorization: Bearer " +
        kToken + "\r\n\r\n";
    TestClient client(m_gateway.port());
    QVERIFY(client.connectToServer());
    client.sendRaw(requests);
    QVERIFY(client.waitForComplete());
    QCOMPARE(client.reply().status, 200);
    QVERIFY(client.reply().json().contains(QLatin1String("choices")));
    client.nextReply();
    QVERIFY(client.waitForComplete());
    QCOMPARE(client.reply().status, 200);
    QCOMPARE(client.reply().header("x-request-id"), QByteArray("second"));
    client.nextReply();
    QVERIFY(client.waitForComplete());
    QCOMPARE(client.reply().status, 404);
    QCOMPARE(client.reply().header("x-request-id"), QByteArray("third"));
    QVERIFY(client.isConnected());
}

void TestGatewayBasic::connectionEnd_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<bool>("closes");
    QTest::addRow("HTTP/1.1") << QByteArray("GET /health HTTP/1.1\r\nHost: x\r\n\r\n") << false;
    QTest::addRow("HTTP/1.1, Connection: close")
        << QByteArray("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") << true;
    QTest::addRow("HTTP/1.0") << QByteArray("GET /health HTTP/1.0\r\n\r\n") << true;
    QTest::addRow("HTTP/1.0, keep-alive")
        << QByteArray("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") << false;
}

void TestGatewayBasic::connectionEnd()
{
    QFETCH(QByteArray, request);
    QFETCH(bool, closes);
    TestClient client(m_gateway.port());
    QVERIFY(client.connectToServer());
    client.sendRaw(request);
    QVERIFY(client.waitForComplete());
    QCOMPARE(client.reply().status, 200);
    QCOMPARE(client.reply().header("connection") == "close", closes);
    if (closes) {
        QVERIFY(client.waitForClosed());
        return;
    }
    QTest::qWait(50);
    QVERIFY(client.isConnected());
    QCOMPARE(client.get("/health").status, 200); // and it serves the next one
}

void TestGatewayBasic::expectContinue()
{
    // curl sends "Expect: 100-continue" before a large body and waits for the go-ahead.
    const QByteArray chat = chatBody(QStringLiteral("openai-prod/gpt-4.1-mini"));
    TestClient client(m_gateway.port());
    QVERIFY(client.connectToServer());
    client.sendRaw("POST /api/v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                   kToken +
                   "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                   "Content-Length: " +
                   QByteArray::number(chat.size()) + "\r\n\r\n");
    QVERIFY(client.waitForReceived("HTTP/1.1 100 Continue\r\n\r\n"));
    client.sendRaw(chat);
    QVERIFY(client.waitForComplete());
    QCOMPARE(client.reply().status, 200);
    QVERIFY(client.reply().json().contains(QLatin1String("choices")));
}

void TestGatewayBasic::percentEncodedPath()
{
    // Routes match the decoded path; the provider id comes out decoded too.
    QCOMPARE(httpRequest(m_gateway.port(), "GET", "/api/v1/%6Dodels", {}, authorized()).status,
             200);
    const HttpReply reply =
        httpRequest(m_gateway.port(), "GET", "/api/openai%2Dprod/models", {}, authorized());
    QCOMPARE(reply.status, 200);
    QVERIFY(!reply.json().value(QLatin1String("data")).toArray().isEmpty());
}

void TestGatewayBasic::guideAutoselect_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("route");      // X-AISBF-Autoselect
    QTest::addColumn<QStringList>("providers"); // any of these may serve
    QTest::addColumn<QByteArray>("reason");     // part of X-AISBF-Autoselect-Reason
    // The guide's curl, verbatim: "private" keeps only the route marked private.
    QTest::addRow("guide curl")
        << QByteArray(
               R"({"model":"engineering","messages":[{"role":"user","content":"private repo refactor: ..."}]})")
        << QByteArray("user-rotation/coding-production")
        << QStringList{QStringLiteral("ollama-private"), QStringLiteral("runpod-gpu-a"),
                       QStringLiteral("openai-prod")}
        << QByteArray("private: the request says \"private\"");
    // Not private, and one description clearly matches (classify_semantic).
    QTest::addRow("semantic match")
        << QByteArray(
               R"({"model":"engineering","messages":[{"role":"user","content":"a long GPU-heavy refactor of the build scripts"}]})")
        << QByteArray("user-provider/runpod-gpu-a/deepseek-coder-v2")
        << QStringList{QStringLiteral("runpod-gpu-a")} << QByteArray("semantic match");
    // Nothing matches and the selection model "general" is not a route here: the fallback.
    QTest::addRow("fallback")
        << QByteArray(
               R"({"model":"engineering","messages":[{"role":"user","content":"say pong"}]})")
        << QByteArray("user-rotation/coding-production")
        << QStringList{QStringLiteral("ollama-private"), QStringLiteral("runpod-gpu-a"),
                       QStringLiteral("openai-prod")}
        << QByteArray("fallback (selection_model general is not a route");
}

void TestGatewayBasic::guideAutoselect()
{
    // The guide's policy lists user-… routes; called with the global token (no user), they are
    // the global routes of those names.
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, route);
    QFETCH(QStringList, providers);
    QFETCH(QByteArray, reason);
    const int before = m_mock.requestCount();
    const HttpReply reply = httpRequest(m_gateway.port(), "POST",
                                        "/api/autoselect/chat/completions", body, authorized());
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("x-aisbf-autoselect"), route);
    QVERIFY2(providers.contains(QString::fromUtf8(reply.header("x-aisbf-provider"))),
             reply.header("x-aisbf-provider").constData());
    QVERIFY2(reply.header("x-aisbf-autoselect-reason").contains(reason),
             reply.header("x-aisbf-autoselect-reason").constData());
    QCOMPARE(m_mock.requestCount(), before + 1);
    QCOMPARE(aisbf::routing::completionText(reply.body),
             std::optional<QString>(QStringLiteral("pong")));
}

void TestGatewayBasic::requestId_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("given");
    QTest::addColumn<bool>("echoed");
    const QByteArray chat = "/api/v1/chat/completions";
    QTest::addRow("none given") << chat << QByteArray() << false;
    QTest::addRow("sane id echoed") << chat << QByteArray("trace-01.ab_CD") << true;
    QTest::addRow("echoed on 404") << QByteArray("/nowhere") << QByteArray("abc123") << true;
    QTest::addRow("echoed on health") << QByteArray("/health") << QByteArray("h-1") << true;
    QTest::addRow("spaces replaced") << chat << QByteArray("two words") << false;
    QTest::addRow("header injection replaced") << chat << QByteArray("a\"b<c>") << false;
    QTest::addRow("129 chars replaced") << chat << QByteArray(129, 'a') << false;
    QTest::addRow("128 chars echoed") << chat << QByteArray(128, 'a') << true;
}

void TestGatewayBasic::requestId()
{
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, given);
    QFETCH(bool, echoed);
    HeaderList headers = authorized();
    if (!given.isEmpty())
        headers.emplaceBack("X-Request-Id", given);
    const QByteArray body = chatBody(QStringLiteral("openai-prod/gpt-4.1-mini"));
    const HttpReply first = httpRequest(m_gateway.port(), path == "/health" ? "GET" : "POST", path,
                                        path == "/health" ? QByteArray() : body, headers);
    QVERIFY(first.status != 0);
    const QByteArray id = first.header("x-request-id");
    if (echoed) {
        QCOMPARE(id, given);
        return;
    }
    static const QRegularExpression generated(QStringLiteral("^[0-9a-f]{16}$"));
    QVERIFY2(generated.match(QString::fromLatin1(id)).hasMatch(), id.constData());
    const HttpReply second = httpRequest(m_gateway.port(), "POST", path, body, headers);
    QVERIFY(second.header("x-request-id") != id);
}

void TestGatewayBasic::accessLogHoldsNoSecrets()
{
    const QByteArray prompt = "TOP-SECRET-PROMPT-7d1b3e";
    QByteArray log;
    {
        StderrCapture capture;
        m_gateway->accessLog()->setEnabled(true);
        const auto chat = [&](const QByteArray &path, const QString &model, HeaderList headers) {
            return httpRequest(m_gateway.port(), "POST", path,
                               chatBody(model, false, QString::fromLatin1(prompt)), headers);
        };
        const HttpReply served =
            chat("/api/runpod-gpu-a/chat/completions", QStringLiteral("deepseek-coder-v2"),
                 authorized({{"X-Request-Id", "served-1"}}));
        const HttpReply streamed = httpRequest(
            m_gateway.port(), "POST", "/api/v1/chat/completions",
            chatBody(QStringLiteral("openai-prod/gpt-4.1-mini"), true, QString::fromLatin1(prompt)),
            authorized({{"X-Request-Id", "streamed-1"}}));
        const HttpReply refused =
            chat("/api/v1/chat/completions", QStringLiteral("rotation/coding-production"),
                 {{"Authorization", "Bearer wrong-" + kToken}, {"X-Request-Id", "refused-1"}});
        m_gateway->accessLog()->flush();
        m_gateway->accessLog()->setEnabled(false);
        log = capture.finish();
        QCOMPARE(served.status, 200);
        QCOMPARE(streamed.status, 200);
        QVERIFY(streamed.complete);
        QCOMPARE(refused.status, 401);
        // The key did travel, upstream only.
        QCOMPARE(m_mock.requests().at(m_mock.requestCount() - 2).header("authorization"),
                 "Bearer " + kRunpodKey);
    }
    const QList<QByteArray> lines = log.split('\n');
    const auto lineOf = [&lines](const QByteArray &id) {
        for (const QByteArray &line : lines) {
            if (line.contains(QByteArray(" access req=" + id + ' ')))
                return line;
        }
        return QByteArray();
    };
    const QByteArray served = lineOf("served-1");
    QVERIFY2(served.contains(" provider=runpod-gpu-a model=deepseek-coder-v2 status=200 "),
             log.constData());
    QVERIFY2(served.contains(" path=/api/runpod-gpu-a/chat/completions "), served.constData());
    QVERIFY2(lineOf("streamed-1").contains(" provider=openai-prod "), log.constData());
    QVERIFY2(lineOf("streamed-1").contains(" status=200 "), log.constData());
    QVERIFY2(lineOf("refused-1").contains(" status=401 "), log.constData());
    for (const QByteArray &secret : {kRunpodKey, kOpenAiKey, kToken, prompt})
        QVERIFY2(!log.contains(secret), secret.constData());
}

AISBF_GATEWAY_TEST_MAIN(TestGatewayBasic)
#include "tst_gateway_basic.moc"
