// SPDX-License-Identifier: GPL-3.0-or-later
// Provider types and client APIs other than OpenAI, end to end over loopback HTTP: OpenAI
// clients served by anthropic / google / ollama providers (whole and streamed), Anthropic
// (/v1/messages) and Ollama (/api/chat, /api/tags, /api/version) clients served by any provider,
// errors translated with their status kept, failover across types, content a provider type
// cannot take, tools to a model without them, and model discovery.
#include "GatewayTestMain.h"
#include "TestClient.h"
#include "TestGateway.h"

#include <MockUpstream.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace aisbf::test;

namespace {

const QByteArray kChat = "/api/v1/chat/completions";
const QString kAnthropicKey = QStringLiteral("sk-ant-test-secret-4242");
const QString kGoogleKey = QStringLiteral("goog-test-secret-5151");

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray openAiChat(const QString &model, bool stream, const QJsonArray &messages = {})
{
    QJsonObject body{
        {s("model"), model},
        {s("messages"),
         messages.isEmpty()
             ? QJsonArray{QJsonObject{{s("role"), s("system")}, {s("content"), s("Be brief.")}},
                          QJsonObject{{s("role"), s("user")}, {s("content"), s("ping")}}}
             : messages}};
    if (stream)
        body.insert(s("stream"), true);
    return json(body);
}

QJsonObject firstMessage(const HttpReply &reply)
{
    return reply.json()
        .value(QLatin1String("choices"))
        .toArray()
        .at(0)
        .toObject()
        .value(QLatin1String("message"))
        .toObject();
}

/** The text of an OpenAI SSE stream, and whether it ended with [DONE]. */
QString streamedText(const HttpReply &reply, bool *sawDone)
{
    QString text;
    *sawDone = false;
    for (const SseEvent &event : reply.events) {
        if (event.data == "[DONE]") {
            *sawDone = true;
            continue;
        }
        const QJsonArray choices = event.json().value(QLatin1String("choices")).toArray();
        if (!choices.isEmpty())
            text += choices.at(0)
                        .toObject()
                        .value(QLatin1String("delta"))
                        .toObject()
                        .value(QLatin1String("content"))
                        .toString();
    }
    return text;
}

QList<QJsonObject> ndjsonLines(const QByteArray &body)
{
    QList<QJsonObject> lines;
    for (const QByteArray &line : body.split('\n')) {
        if (!line.trimmed().isEmpty())
            lines.append(QJsonDocument::fromJson(line).object());
    }
    return lines;
}

} // namespace

class TestGatewayDialects : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void openAiClientToEachType_data();
    void openAiClientToEachType();
    void openAiClientStreamsFromEachType_data();
    void openAiClientStreamsFromEachType();
    void upstreamErrorKeepsStatusInOpenAiShape_data();
    void upstreamErrorKeepsStatusInOpenAiShape();
    void nativeStreamCutEndsWithErrorEvent();
    void rotationFailsOverAcrossTypes();
    void contentATypeCannotTakeIsRefused();
    void toolsToAModelWithoutThemAre400();
    void anthropicClient();
    void anthropicClientStreamsFromGemini();
    void anthropicClientErrors();
    void anthropicClientAuthWithApiKeyHeader();
    void ollamaClient();
    void ollamaListingAndVersion();
    void modelDiscovery_data();
    void modelDiscovery();
    void modelDiscoveryFailureIs502();

private:
    MockUpstream m_mock;
    TestGateway m_gateway;
};

void TestGatewayDialects::initTestCase()
{
    QVERIFY(m_mock.listen());
    m_mock.setRecordLimit(50);
    m_mock.setModels({s("m1"), s("m2")});
    const QJsonObject fast{{s("first_byte_timeout"), 2}, {s("read_timeout"), 2}};
    auto with = [&](QJsonObject extra) {
        for (auto it = fast.begin(); it != fast.end(); ++it)
            extra.insert(it.key(), it.value());
        return extra;
    };
    TestConfig config;
    config.addProvider(s("oa"), m_mock.baseUrl(), {s("m1")}, fast);
    config.addProvider(s("an"), m_mock.baseUrl(), {s("m1")},
                       with({{s("type"), s("anthropic")}, {s("api_key"), kAnthropicKey}}));
    // Cut streams cool their provider down; this one takes them, so "an" stays in rotation.
    config.addProvider(s("cut"), m_mock.baseUrl(), {s("m1")},
                       with({{s("type"), s("anthropic")}, {s("api_key"), kAnthropicKey}}));
    config.addProvider(s("gg"), m_mock.baseUrl(QString()), {s("m1")},
                       with({{s("type"), s("google")}, {s("api_key"), kGoogleKey}}));
    config.addProvider(s("ol"), m_mock.baseUrl(QString()), {s("m1")},
                       with({{s("type"), s("ollama")}}));
    config.addProvider(s("small"), m_mock.baseUrl(), {s("tiny")}, fast);
    config.setModelKeys(s("small"), s("tiny"), {{s("capabilities"), QJsonArray{s("chat")}}});
    // A provider that lists no models asks the upstream for them (modelDiscovery() has its own).
    config.addProvider(s("gone"), closedPortUrl(), {}, {{s("type"), s("ollama")}});
    // The anthropic entry is drawn first in all but one of a million requests.
    config.addRotation(
        s("mix"), {rotationEntry(s("an"), s("m1"), 1000), rotationEntry(s("oa"), s("m1"), 0.001)});
    QVERIFY(m_gateway.start(config));
}

void TestGatewayDialects::init()
{
    m_mock.clearFaults();
    m_mock.setStreamChunks(5);
    m_mock.clearRequests();
}

void TestGatewayDialects::openAiClientToEachType_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("authHeader");
    QTest::addColumn<QByteArray>("authValue");
    QTest::addRow("anthropic") << s("an/m1") << QByteArray("/v1/messages")
                               << QByteArray("x-api-key") << kAnthropicKey.toUtf8();
    QTest::addRow("google") << s("gg/m1") << QByteArray("/v1beta/models/m1:generateContent")
                            << QByteArray("x-goog-api-key") << kGoogleKey.toUtf8();
    QTest::addRow("ollama") << s("ol/m1") << QByteArray("/api/chat") << QByteArray()
                            << QByteArray();
}

void TestGatewayDialects::openAiClientToEachType()
{
    QFETCH(QString, model);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, authHeader);
    QFETCH(QByteArray, authValue);
    TestClient client(m_gateway.port());
    const HttpReply reply = client.post(kChat, openAiChat(model, false));
    QCOMPARE(reply.status, 200);
    const QJsonObject answer = reply.json();
    QCOMPARE(answer.value(QLatin1String("object")).toString(), s("chat.completion"));
    QCOMPARE(firstMessage(reply).value(QLatin1String("content")).toString(), s("pong"));
    QCOMPARE(answer.value(QLatin1String("choices"))
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(QLatin1String("finish_reason"))
                 .toString(),
             s("stop"));
    QVERIFY(answer.value(QLatin1String("usage"))
                .toObject()
                .value(QLatin1String("total_tokens"))
                .toInt() > 0);
    QCOMPARE(reply.header("x-aisbf-provider"), model.section(u'/', 0, 0).toUtf8());

    // What the provider received: its own API, its own auth, the system prompt where it goes.
    const RecordedRequest sent = m_mock.lastRequest();
    QCOMPARE(sent.path, path);
    if (!authHeader.isEmpty())
        QCOMPARE(sent.header(authHeader), authValue);
    QVERIFY(!sent.headers.contains("authorization"));
    const QJsonObject body = sent.json();
    if (model.startsWith(u"an/")) {
        QCOMPARE(sent.header("anthropic-version"), QByteArray("2023-06-01"));
        QCOMPARE(body.value(QLatin1String("system")).toString(), s("Be brief."));
        QVERIFY(body.value(QLatin1String("max_tokens")).toInt() > 0);
        QCOMPARE(body.value(QLatin1String("messages")).toArray().size(), 1);
    } else if (model.startsWith(u"gg/")) {
        QVERIFY(body.contains(QLatin1String("systemInstruction")));
        QCOMPARE(body.value(QLatin1String("contents")).toArray().size(), 1);
    } else {
        QCOMPARE(body.value(QLatin1String("stream")), QJsonValue(false));
        QCOMPARE(body.value(QLatin1String("model")).toString(), s("m1"));
    }
}

void TestGatewayDialects::openAiClientStreamsFromEachType_data()
{
    QTest::addColumn<QString>("model");
    QTest::addRow("anthropic") << s("an/m1");
    QTest::addRow("google") << s("gg/m1");
    QTest::addRow("ollama") << s("ol/m1");
}

void TestGatewayDialects::openAiClientStreamsFromEachType()
{
    QFETCH(QString, model);
    TestClient client(m_gateway.port());
    const HttpReply reply = client.post(kChat, openAiChat(model, true));
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("content-type").startsWith("text/event-stream"));
    bool sawDone = false;
    QCOMPARE(streamedText(reply, &sawDone), s("tok0 tok1 tok2 tok3 tok4 "));
    QVERIFY(sawDone);
    // Every event is a well-formed chunk of one completion; the finish reason comes last.
    QString id;
    QString finish;
    for (const SseEvent &event : reply.events) {
        if (event.data == "[DONE]")
            continue;
        const QJsonObject chunk = event.json();
        QCOMPARE(chunk.value(QLatin1String("object")).toString(), s("chat.completion.chunk"));
        if (id.isEmpty())
            id = chunk.value(QLatin1String("id")).toString();
        QCOMPARE(chunk.value(QLatin1String("id")).toString(), id);
        const QJsonArray choices = chunk.value(QLatin1String("choices")).toArray();
        if (!choices.isEmpty() &&
            choices.at(0).toObject().value(QLatin1String("finish_reason")).isString())
            finish = choices.at(0).toObject().value(QLatin1String("finish_reason")).toString();
    }
    QCOMPARE(finish, s("stop"));
}

void TestGatewayDialects::upstreamErrorKeepsStatusInOpenAiShape_data()
{
    QTest::addColumn<QString>("model");
    QTest::addRow("anthropic") << s("an/m1");
    QTest::addRow("google") << s("gg/m1");
    QTest::addRow("ollama") << s("ol/m1");
}

void TestGatewayDialects::upstreamErrorKeepsStatusInOpenAiShape()
{
    QFETCH(QString, model);
    FaultParams params;
    params.status = 400; // the request is wrong: passed to the client with its status
    m_mock.queueFault(Fault::Status, params);
    TestClient client(m_gateway.port());
    const HttpReply reply = client.post(kChat, openAiChat(model, false));
    QCOMPARE(reply.status, 400);
    const QJsonObject error = reply.error();
    QVERIFY2(!error.value(QLatin1String("message")).toString().isEmpty(), reply.body.constData());
    QVERIFY(error.contains(QLatin1String("type")));
    QVERIFY(!reply.body.contains(kAnthropicKey.toUtf8()));
    QVERIFY(!reply.body.contains(kGoogleKey.toUtf8()));
}

void TestGatewayDialects::nativeStreamCutEndsWithErrorEvent()
{
    FaultParams params;
    params.afterChunks = 3;
    m_mock.queueFault(Fault::ResetMidStream, params);
    TestClient client(m_gateway.port());
    const HttpReply reply = client.post(kChat, openAiChat(s("cut/m1"), true));
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.complete); // a clean chunked end, not a torn connection
    QVERIFY(!reply.events.isEmpty());
    const QJsonObject last = reply.events.last().json();
    QVERIFY2(last.contains(QLatin1String("error")), reply.body.constData());
    for (const SseEvent &event : reply.events)
        QVERIFY(event.data != "[DONE]");
}

void TestGatewayDialects::rotationFailsOverAcrossTypes()
{
    FaultParams params;
    params.status = 529; // Anthropic's "overloaded"
    m_mock.queueFault(Fault::Status, params);
    TestClient client(m_gateway.port());
    const HttpReply reply = client.post(kChat, openAiChat(s("rotation/mix"), false));
    QVERIFY2(reply.status == 200, reply.body.constData());
    QCOMPARE(reply.header("x-aisbf-provider"), QByteArray("oa"));
    QCOMPARE(reply.header("x-aisbf-failover"), QByteArray("an/m1"));
    QCOMPARE(firstMessage(reply).value(QLatin1String("content")).toString(), s("pong"));
}

void TestGatewayDialects::contentATypeCannotTakeIsRefused()
{
    const QJsonArray audio{QJsonObject{
        {s("role"), s("user")},
        {s("content"),
         QJsonArray{QJsonObject{{s("type"), s("text")}, {s("text"), s("transcribe")}},
                    QJsonObject{{s("type"), s("input_audio")},
                                {s("input_audio"), QJsonObject{{s("data"), s("UklGRg==")},
                                                               {s("format"), s("wav")}}}}}}}};
    TestClient client(m_gateway.port());
    const int before = m_mock.requestCount();
    HttpReply reply = client.post(kChat, openAiChat(s("an/m1"), false, audio));
    QCOMPARE(reply.status, 400);
    QVERIFY2(reply.error()
                 .value(QLatin1String("message"))
                 .toString()
                 .contains(s("input_audio is not supported by provider type anthropic")),
             reply.body.constData());
    QCOMPARE(m_mock.requestCount(), before); // nothing was sent

    // In a rotation, an entry whose API can carry it serves the request instead.
    reply = client.post(kChat, openAiChat(s("rotation/mix"), false, audio));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("x-aisbf-provider"), QByteArray("oa"));
}

void TestGatewayDialects::toolsToAModelWithoutThemAre400()
{
    QJsonObject body = QJsonDocument::fromJson(openAiChat(s("small/tiny"), false)).object();
    body.insert(s("tools"),
                QJsonArray{QJsonObject{
                    {s("type"), s("function")},
                    {s("function"),
                     QJsonObject{{s("name"), s("weather")},
                                 {s("parameters"), QJsonObject{{s("type"), s("object")}}}}}}});
    TestClient client(m_gateway.port());
    const HttpReply reply = client.post(kChat, json(body));
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.error().value(QLatin1String("param")).toString(), s("tools"));
    QVERIFY(reply.error().value(QLatin1String("message")).toString().contains(s("small/tiny")));
}

void TestGatewayDialects::anthropicClient()
{
    const QByteArray body =
        json({{s("model"), s("oa/m1")},
              {s("max_tokens"), 64},
              {s("system"), s("Be brief.")},
              {s("messages"),
               QJsonArray{QJsonObject{{s("role"), s("user")}, {s("content"), s("ping")}}}}});
    TestClient client(m_gateway.port());
    const HttpReply reply = client.post("/v1/messages", body);
    QCOMPARE(reply.status, 200);
    const QJsonObject message = reply.json();
    QCOMPARE(message.value(QLatin1String("type")).toString(), s("message"));
    QCOMPARE(message.value(QLatin1String("role")).toString(), s("assistant"));
    QCOMPARE(message.value(QLatin1String("content"))
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(QLatin1String("text"))
                 .toString(),
             s("pong"));
    QCOMPARE(message.value(QLatin1String("stop_reason")).toString(), s("end_turn"));
    // The OpenAI provider got an OpenAI request with the system prompt as a message.
    const QJsonObject sent = m_mock.lastRequest().json();
    QCOMPARE(m_mock.lastRequest().path, QByteArray("/v1/chat/completions"));
    QCOMPARE(sent.value(QLatin1String("messages"))
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(QLatin1String("role"))
                 .toString(),
             s("system"));
    QCOMPARE(sent.value(QLatin1String("model")).toString(), s("m1"));
}

void TestGatewayDialects::anthropicClientStreamsFromGemini()
{
    const QByteArray body =
        json({{s("model"), s("gg/m1")},
              {s("max_tokens"), 64},
              {s("stream"), true},
              {s("messages"),
               QJsonArray{QJsonObject{{s("role"), s("user")}, {s("content"), s("ping")}}}}});
    TestClient client(m_gateway.port());
    const HttpReply reply = client.post("/api/v1/messages", body);
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("content-type").startsWith("text/event-stream"));
    QStringList types;
    QString text;
    for (const SseEvent &event : reply.events) {
        const QJsonObject data = event.json();
        types.append(data.value(QLatin1String("type")).toString());
        const QJsonObject delta = data.value(QLatin1String("delta")).toObject();
        if (delta.value(QLatin1String("type")).toString() == QLatin1String("text_delta"))
            text += delta.value(QLatin1String("text")).toString();
    }
    QVERIFY2(!types.isEmpty(), reply.body.constData());
    QCOMPARE(types.first(), s("message_start"));
    QCOMPARE(types.last(), s("message_stop"));
    QVERIFY(types.contains(s("content_block_start")));
    QVERIFY(types.contains(s("message_delta")));
    QCOMPARE(text, s("tok0 tok1 tok2 tok3 tok4 "));
}

void TestGatewayDialects::anthropicClientErrors()
{
    TestClient client(m_gateway.port());
    HttpReply reply = client.post(
        "/v1/messages", json({{s("model"), s("nope/m1")},
                              {s("max_tokens"), 8},
                              {s("messages"), QJsonArray{QJsonObject{{s("role"), s("user")},
                                                                     {s("content"), s("x")}}}}}));
    QCOMPARE(reply.status, 404);
    QCOMPARE(reply.json().value(QLatin1String("type")).toString(), s("error"));
    QCOMPARE(reply.error().value(QLatin1String("type")).toString(), s("not_found_error"));

    reply = client.post("/v1/messages",
                        json({{s("model"), s("oa/m1")},
                              {s("messages"), QJsonArray{QJsonObject{{s("role"), s("user")},
                                                                     {s("content"), s("x")}}}}}));
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.error().value(QLatin1String("type")).toString(), s("invalid_request_error"));
    QVERIFY(reply.error().value(QLatin1String("message")).toString().contains(s("max_tokens")));

    reply = client.post("/v1/messages", "{not json");
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json().value(QLatin1String("type")).toString(), s("error"));
}

void TestGatewayDialects::anthropicClientAuthWithApiKeyHeader()
{
    TestConfig config;
    config.addProvider(s("oa"), m_mock.baseUrl(), {s("m1")});
    config.set(s("auth"), s("enabled"), true);
    config.set(s("auth"), s("tokens"), QJsonArray{s("gw-token-777")});
    TestGateway gateway;
    QVERIFY(gateway.start(config));
    const QByteArray body = json(
        {{s("model"), s("oa/m1")},
         {s("max_tokens"), 8},
         {s("messages"), QJsonArray{QJsonObject{{s("role"), s("user")}, {s("content"), s("x")}}}}});
    TestClient client(gateway.port());
    HttpReply reply = client.post("/v1/messages", body);
    QCOMPARE(reply.status, 401);
    QCOMPARE(reply.error().value(QLatin1String("type")).toString(), s("authentication_error"));
    reply = client.post("/v1/messages", body, {{"x-api-key", "gw-token-777"}});
    QCOMPARE(reply.status, 200);
}

void TestGatewayDialects::ollamaClient()
{
    TestClient client(m_gateway.port());
    // Ollama streams unless told not to.
    HttpReply reply = client.post(
        "/api/chat", json({{s("model"), s("an/m1")},
                           {s("messages"), QJsonArray{QJsonObject{{s("role"), s("user")},
                                                                  {s("content"), s("ping")}}}}}));
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("content-type").startsWith("application/x-ndjson"));
    const QList<QJsonObject> lines = ndjsonLines(reply.body);
    QVERIFY2(lines.size() >= 2, reply.body.constData());
    QString text;
    for (const QJsonObject &line : lines)
        text += line.value(QLatin1String("message"))
                    .toObject()
                    .value(QLatin1String("content"))
                    .toString();
    QCOMPARE(text, s("tok0 tok1 tok2 tok3 tok4 "));
    QCOMPARE(lines.last().value(QLatin1String("done")), QJsonValue(true));
    QCOMPARE(lines.last().value(QLatin1String("done_reason")).toString(), s("stop"));

    reply = client.post(
        "/api/chat", json({{s("model"), s("ol/m1")},
                           {s("stream"), false},
                           {s("messages"), QJsonArray{QJsonObject{{s("role"), s("user")},
                                                                  {s("content"), s("ping")}}}}}));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json()
                 .value(QLatin1String("message"))
                 .toObject()
                 .value(QLatin1String("content"))
                 .toString(),
             s("pong"));
    QCOMPARE(reply.json().value(QLatin1String("done")), QJsonValue(true));

    reply = client.post("/api/chat",
                        json({{s("model"), s("nope/x")},
                              {s("messages"), QJsonArray{QJsonObject{{s("role"), s("user")},
                                                                     {s("content"), s("x")}}}}}));
    QCOMPARE(reply.status, 404);
    QVERIFY(reply.json().value(QLatin1String("error")).isString()); // Ollama's error shape
}

void TestGatewayDialects::ollamaListingAndVersion()
{
    TestClient client(m_gateway.port());
    HttpReply reply = client.get("/api/tags");
    QCOMPARE(reply.status, 200);
    QStringList names;
    for (const QJsonValue &model : reply.json().value(QLatin1String("models")).toArray())
        names.append(model.toObject().value(QLatin1String("name")).toString());
    QVERIFY2(names.contains(s("an/m1")) && names.contains(s("rotation/mix")),
             qPrintable(names.join(u' ')));
    reply = client.get("/api/version");
    QCOMPARE(reply.status, 200);
    QVERIFY(!reply.json().value(QLatin1String("version")).toString().isEmpty());
}

void TestGatewayDialects::modelDiscovery_data()
{
    QTest::addColumn<QString>("provider");
    QTest::addColumn<QByteArray>("listingPath");
    QTest::addRow("openai") << s("oax") << QByteArray("/v1/models");
    QTest::addRow("anthropic") << s("anx") << QByteArray("/v1/models");
    QTest::addRow("google") << s("ggx") << QByteArray("/v1beta/models");
    QTest::addRow("ollama") << s("olx") << QByteArray("/api/tags");
}

void TestGatewayDialects::modelDiscovery()
{
    QFETCH(QString, provider);
    QFETCH(QByteArray, listingPath);
    // A gateway of its own, so no other test has filled the cache yet.
    TestConfig config;
    const QString type = QString::fromLatin1(QTest::currentDataTag());
    const bool rootEndpoint = type == QLatin1String("google") || type == QLatin1String("ollama");
    config.addProvider(provider, rootEndpoint ? m_mock.baseUrl(QString()) : m_mock.baseUrl(), {},
                       {{s("type"), type}});
    TestGateway gateway;
    QVERIFY(gateway.start(config));
    TestClient client(gateway.port());
    const QByteArray path = "/api/" + provider.toUtf8() + "/models";
    HttpReply reply = client.get(path);
    QCOMPARE(reply.status, 200);
    QStringList ids;
    for (const QJsonValue &model : reply.json().value(QLatin1String("data")).toArray())
        ids.append(model.toObject().value(QLatin1String("id")).toString());
    QCOMPARE(ids, (QStringList{s("m1"), s("m2")}));
    QCOMPARE(m_mock.requests().size(), 1);
    QVERIFY2(m_mock.lastRequest().path.startsWith(listingPath),
             m_mock.lastRequest().path.constData());

    // Cached: a second listing does not ask the upstream again.
    reply = client.get(path);
    QCOMPARE(reply.status, 200);
    QCOMPARE(m_mock.requests().size(), 1);
    // The discovered models are routes too, and serve requests.
    reply = client.get("/api/v1/models");
    QVERIFY2(reply.body.contains(QByteArray('"' + provider.toUtf8() + "/m2\"")),
             reply.body.constData());
    reply = client.post(kChat, openAiChat(provider + QStringLiteral("/m2"), false));
    QCOMPARE(reply.status, 200);
}

void TestGatewayDialects::modelDiscoveryFailureIs502()
{
    TestClient client(m_gateway.port());
    const HttpReply reply = client.get("/api/gone/models");
    QCOMPARE(reply.status, 502);
    QCOMPARE(reply.error().value(QLatin1String("code")).toString(), s("model_discovery_failed"));
}

AISBF_GATEWAY_TEST_MAIN(TestGatewayDialects)
#include "tst_gateway_dialects.moc"
