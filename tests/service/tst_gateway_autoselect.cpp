// SPDX-License-Identifier: GPL-3.0-or-later
// Autoselect policies end to end: the selection model's choice, its failures and deadline, the
// fallback, privacy / NSFW / capability filtering, the semantic match, streaming through a
// policy, and a client that leaves while the selection model is thinking.
#include "GatewayTestMain.h"
#include "TestClient.h"
#include "TestGateway.h"

#include <MockUpstream.h>

#include <live/LiveState.h>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace aisbf::test;

namespace {

const QByteArray kChat = "/api/v1/chat/completions";
const QByteArray kAutoselectPath = "/api/autoselect/chat/completions";
const char kSecret[] = "sk-proj-abcdefghijklmnopqrstuvwxyz012345";

QJsonObject candidate(const char *id, const char *description, const QJsonObject &extra = {})
{
    QJsonObject object = extra;
    object.insert(s("model_id"), s(id));
    object.insert(s("description"), s(description));
    return object;
}

QJsonObject policy(const QJsonArray &candidates, const QJsonObject &extra = {})
{
    QJsonObject object = extra;
    object.insert(s("available_models"), candidates);
    return object;
}

QString userText(const RecordedRequest &request)
{
    const QJsonArray messages = request.json().value(QLatin1String("messages")).toArray();
    return messages.last().toObject().value(QLatin1String("content")).toString();
}

} // namespace

class TestGatewayAutoselect : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void selectionModelChooses();
    void selectionModelAnswerNamesNoRoute();
    void selectionModelFails();
    void selectionModelTooSlow();
    void clientLeavesDuringSelection();
    void noSelectionModelMeansFallback();
    void privateContentGoesToPrivateRoute();
    void privateContentWithoutPrivateRoute();
    void privateContentIsNotShownToAPublicSelector();
    void longRequestIsClassifiedToTheEnd();
    void nsfwContentNeedsNsfwRoute();
    void semanticMatchSkipsTheSelectionModel();
    void toolsNarrowTheChoice();
    void imagesNarrowTheChoice();
    void unusableRoutesAreSkipped();
    void nothingUsable();
    void streamsThroughTheChosenRoute();
    void chosenRouteCountsInTheLiveState();
    void modelNamesOnEveryPath_data();
    void modelNamesOnEveryPath();

private:
    HttpReply chat(const char *model, const QString &content = s("hello"),
                   const QJsonObject &extra = {}, bool stream = false);

    MockUpstream m_upstream; ///< every route's provider
    MockUpstream m_selector; ///< the selection model's provider
    TestGateway m_gateway;
};

void TestGatewayAutoselect::initTestCase()
{
    QVERIFY(m_upstream.listen());
    QVERIFY(m_selector.listen());
    TestConfig config;
    config.addProvider(s("private-gpu"), m_upstream.baseUrl(), {s("coder")});
    config.addProvider(s("hosted"), m_upstream.baseUrl(), {s("fast"), s("big"), s("chatonly")});
    config.setModelKeys(s("hosted"), s("chatonly"), {{s("capabilities"), QJsonArray{s("chat")}}});
    config.addProvider(s("selector"), m_selector.baseUrl(), {s("router")});
    config.addRotation(s("coding-production"), {rotationEntry(s("private-gpu"), s("coder"))},
                       {{s("privacy"), true}});
    config.addRotation(s("general"), {rotationEntry(s("selector"), s("router"))});
    config.addRotation(s("private-general"), {rotationEntry(s("selector"), s("router"))},
                       {{s("privacy"), true}});

    const QJsonArray three{candidate("rotation/coding-production", "coding work"),
                           candidate("hosted/fast", "quick answers"),
                           candidate("hosted/big", "long documents")};
    config.autoselect.insert(s("picker"),
                             policy(three, {{s("selection_model"), s("general")},
                                            {s("fallback"), s("rotation/coding-production")}}));
    config.autoselect.insert(s("hasty"), policy(three, {{s("selection_model"), s("general")},
                                                        {s("selection_timeout"), 0.3},
                                                        {s("fallback"), s("hosted/fast")}}));
    config.autoselect.insert(s("no-selector"), policy(three, {{s("fallback"), s("hosted/big")}}));
    config.autoselect.insert(s("guarded"), policy(three, {{s("selection_model"), s("general")},
                                                          {s("classify_privacy"), true},
                                                          {s("fallback"), s("hosted/fast")}}));
    // Two private routes: choosing between them needs a selection model that may read the text.
    const QJsonArray twoPrivate{candidate("rotation/coding-production", "coding work"),
                                candidate("hosted/big", "long documents", {{s("privacy"), true}})};
    config.autoselect.insert(s("public-selector"),
                             policy(twoPrivate, {{s("selection_model"), s("general")},
                                                 {s("classify_privacy"), true},
                                                 {s("fallback"), s("hosted/big")}}));
    config.autoselect.insert(s("private-selector"),
                             policy(twoPrivate, {{s("selection_model"), s("private-general")},
                                                 {s("classify_privacy"), true},
                                                 {s("fallback"), s("hosted/big")}}));
    config.autoselect.insert(
        s("leaky"),
        policy(QJsonArray{candidate("hosted/fast", "quick"), candidate("hosted/big", "long")},
               {{s("classify_privacy"), true}, {s("classify_nsfw"), true}}));
    config.autoselect.insert(
        s("adult"), policy(QJsonArray{candidate("hosted/fast", "quick"),
                                      candidate("hosted/big", "stories", {{s("nsfw"), true}})},
                           {{s("classify_nsfw"), true}, {s("selection_model"), s("general")}}));
    config.autoselect.insert(
        s("semantic"),
        policy(QJsonArray{candidate("hosted/fast", "quick trivia answers"),
                          candidate("hosted/big", "long legal documents and contracts")},
               {{s("classify_semantic"), true}, {s("selection_model"), s("general")}}));
    config.autoselect.insert(s("toolsy"), policy(QJsonArray{candidate("hosted/chatonly", "chat"),
                                                            candidate("hosted/fast", "fast")},
                                                 {{s("selection_model"), s("general")}}));
    config.autoselect.insert(
        s("broken"),
        policy(QJsonArray{candidate("rotation/missing", "gone"),
                          candidate("autoselect/picker", "a policy"),
                          candidate("nowhere/x", "no such provider")},
               {{s("fallback"), s("hosted/fast")}, {s("selection_model"), s("general")}}));
    config.autoselect.insert(
        s("hopeless"),
        policy(QJsonArray{candidate("rotation/missing", "gone")}, {{s("fallback"), s("nope/x")}}));
    QVERIFY(m_gateway.start(config));
}

void TestGatewayAutoselect::init()
{
    m_upstream.clearFaults();
    m_selector.clearFaults();
    m_selector.setCompletionText(s("pong"));
    // A failing selection model cools down; each test starts with it in traffic.
    m_gateway->cooldowns()->clear(s("selector/router"));
}

HttpReply TestGatewayAutoselect::chat(const char *model, const QString &content,
                                      const QJsonObject &extra, bool stream)
{
    return httpRequest(m_gateway.port(), "POST", kChat, chatBody(s(model), stream, content, extra));
}

void TestGatewayAutoselect::selectionModelChooses()
{
    m_selector.setCompletionText(s("hosted/big"));
    const int selectorBefore = m_selector.requestCount();
    const HttpReply reply = chat("autoselect/picker", s("summarise this 80-page report"));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("x-aisbf-autoselect"), QByteArray("hosted/big"));
    QCOMPARE(reply.header("x-aisbf-provider"), QByteArray("hosted"));
    QCOMPARE(reply.header("x-aisbf-model"), QByteArray("big"));
    QVERIFY2(
        reply.header("x-aisbf-autoselect-reason").contains("chosen by selection_model general"),
        reply.header("x-aisbf-autoselect-reason").constData());

    // The selection model saw every route with its description, and the user's request.
    QCOMPARE(m_selector.requestCount(), selectorBefore + 1);
    const QJsonObject asked = m_selector.lastRequest().json();
    QCOMPARE(asked.value(s("model")).toString(), s("router"));
    QCOMPARE(asked.value(s("stream")).toBool(true), false);
    const QJsonArray messages = asked.value(s("messages")).toArray();
    const QString system = messages.at(0).toObject().value(s("content")).toString();
    for (const char *line : {"- rotation/coding-production: coding work",
                             "- hosted/fast: quick answers", "- hosted/big: long documents"})
        QVERIFY2(system.contains(s(line)), qPrintable(system));
    QCOMPARE(userText(m_selector.lastRequest()), s("summarise this 80-page report"));

    // The chosen route got the caller's request, under its own model name.
    const RecordedRequest served = m_upstream.lastRequest();
    QCOMPARE(served.json().value(s("model")).toString(), s("big"));
    QCOMPARE(userText(served), s("summarise this 80-page report"));
}

void TestGatewayAutoselect::selectionModelAnswerNamesNoRoute()
{
    m_selector.setCompletionText(s("I would rather not say"));
    const HttpReply reply = chat("autoselect/picker");
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("x-aisbf-autoselect"), QByteArray("rotation/coding-production"));
    QCOMPARE(reply.header("x-aisbf-provider"), QByteArray("private-gpu"));
    QVERIFY(reply.header("x-aisbf-autoselect-reason").contains("named no eligible route"));
}

void TestGatewayAutoselect::selectionModelFails()
{
    m_selector.setFault(Fault::Status, {});
    const int upstreamBefore = m_upstream.requestCount();
    const HttpReply reply = chat("autoselect/picker");
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("x-aisbf-autoselect"), QByteArray("rotation/coding-production"));
    QVERIFY2(reply.header("x-aisbf-autoselect-reason").contains("answered HTTP 503"),
             reply.header("x-aisbf-autoselect-reason").constData());
    QCOMPARE(m_upstream.requestCount(), upstreamBefore + 1);
}

void TestGatewayAutoselect::selectionModelTooSlow()
{
    m_selector.setFault(Fault::Hang);
    QSignalSpy selectorAborted(&m_selector, &MockUpstream::clientAborted);
    QElapsedTimer clock;
    clock.start();
    const HttpReply reply = chat("autoselect/hasty");
    const qint64 tookMs = clock.elapsed();
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("x-aisbf-autoselect"), QByteArray("hosted/fast"));
    QVERIFY(reply.header("x-aisbf-autoselect-reason").contains("did not answer within 300 ms"));
    QVERIFY2(tookMs >= 280 && tookMs < 3000, qPrintable(QString::number(tookMs)));
    // The abandoned selection call was closed, not left hanging.
    QVERIFY(selectorAborted.count() > 0 || selectorAborted.wait(2000));
}

void TestGatewayAutoselect::clientLeavesDuringSelection()
{
    m_selector.setFault(Fault::Hang);
    const int upstreamBefore = m_upstream.requestCount();
    const int selectorBefore = m_selector.requestCount();
    QSignalSpy selectorAborted(&m_selector, &MockUpstream::clientAborted);
    {
        TestClient client(m_gateway.port());
        client.startRequest("POST", kChat, chatBody(s("autoselect/picker")));
        QTRY_COMPARE_WITH_TIMEOUT(m_selector.requestCount(), selectorBefore + 1, 5000);
        client.abort();
    }
    QVERIFY(selectorAborted.wait(2000));
    QTRY_COMPARE(m_gateway->activeSessions(), 0);
    QCOMPARE(m_upstream.requestCount(), upstreamBefore); // no route was called for nobody
}

void TestGatewayAutoselect::noSelectionModelMeansFallback()
{
    const int selectorBefore = m_selector.requestCount();
    const HttpReply reply = chat("autoselect/no-selector");
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("x-aisbf-autoselect"), QByteArray("hosted/big"));
    QVERIFY(reply.header("x-aisbf-autoselect-reason").contains("no selection_model"));
    QCOMPARE(m_selector.requestCount(), selectorBefore);
}

void TestGatewayAutoselect::privateContentGoesToPrivateRoute()
{
    // Only the rotation is private (by its own "privacy": true): no selection call is needed.
    const int selectorBefore = m_selector.requestCount();
    const HttpReply reply =
        chat("autoselect/guarded", s("why does my key ") + s(kSecret) + s(" get a 401?"));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("x-aisbf-autoselect"), QByteArray("rotation/coding-production"));
    const QByteArray reason = reply.header("x-aisbf-autoselect-reason");
    QVERIFY2(reason.contains("only eligible route") && reason.contains("private: "),
             reason.constData());
    QVERIFY(!reason.contains("abcdefgh")); // the reason names the kind, never the secret
    QCOMPARE(m_selector.requestCount(), selectorBefore);

    // The same policy without private content asks the selection model among all three.
    m_selector.setCompletionText(s("hosted/fast"));
    const HttpReply open = chat("autoselect/guarded", s("what is a monad"));
    QCOMPARE(open.status, 200);
    QCOMPARE(open.header("x-aisbf-autoselect"), QByteArray("hosted/fast"));
    QCOMPARE(m_selector.requestCount(), selectorBefore + 1);
}

void TestGatewayAutoselect::privateContentWithoutPrivateRoute()
{
    const int before = m_upstream.requestCount();
    const HttpReply reply = chat("autoselect/leaky", s("deploy with ") + s(kSecret));
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.error().value(s("code")).toString(), s("privacy_route_unavailable"));
    const QString message = reply.error().value(s("message")).toString();
    QVERIFY2(message.contains(s("autoselect/leaky")) && message.contains(s("\"privacy\": true")),
             qPrintable(message));
    QVERIFY(!reply.body.contains("abcdefgh"));
    QCOMPARE(m_upstream.requestCount(), before);

    // Ordinary content is served as before (no selection model: the first route).
    const HttpReply open = chat("autoselect/leaky", s("what is a monad"));
    QCOMPARE(open.status, 200);
    QCOMPARE(open.header("x-aisbf-autoselect"), QByteArray("hosted/fast"));
}

void TestGatewayAutoselect::privateContentIsNotShownToAPublicSelector()
{
    m_selector.setCompletionText(s("rotation/coding-production"));
    const QString secret = s("the customer data export is attached");
    const int selectorBefore = m_selector.requestCount();
    const HttpReply kept = chat("autoselect/public-selector", secret);
    QCOMPARE(kept.status, 200);
    QCOMPARE(kept.header("x-aisbf-autoselect"), QByteArray("hosted/big")); // the fallback
    QVERIFY2(kept.header("x-aisbf-autoselect-reason").contains("is not marked private"),
             kept.header("x-aisbf-autoselect-reason").constData());
    QCOMPARE(m_selector.requestCount(), selectorBefore);

    // A selection model behind a private rotation may read it.
    const HttpReply asked = chat("autoselect/private-selector", secret);
    QCOMPARE(asked.status, 200);
    QCOMPARE(asked.header("x-aisbf-autoselect"), QByteArray("rotation/coding-production"));
    QCOMPARE(m_selector.requestCount(), selectorBefore + 1);
    QCOMPARE(userText(m_selector.lastRequest()), secret);
}

void TestGatewayAutoselect::longRequestIsClassifiedToTheEnd()
{
    // 64 KiB of ordinary text, then a key: planned on a pool thread (over 4 KiB), and the
    // whole text is read.
    QString content;
    while (content.size() < 64 * 1024)
        content += s("Refactor the parser so the state lives in one struct. ");
    content += s("Use key ") + s(kSecret);
    const int selectorBefore = m_selector.requestCount();
    const HttpReply reply = chat("autoselect/guarded", content);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("x-aisbf-autoselect"), QByteArray("rotation/coding-production"));
    QVERIFY(reply.header("x-aisbf-autoselect-reason").contains("private: the request contains"));
    QCOMPARE(m_selector.requestCount(), selectorBefore);
    QCOMPARE(userText(m_upstream.lastRequest()), content);
}

void TestGatewayAutoselect::nsfwContentNeedsNsfwRoute()
{
    const HttpReply adult = chat("autoselect/adult", s("write an erotic story"));
    QCOMPARE(adult.status, 200);
    QCOMPARE(adult.header("x-aisbf-autoselect"), QByteArray("hosted/big"));
    QVERIFY(adult.header("x-aisbf-autoselect-reason").contains("nsfw: "));

    const HttpReply refused = chat("autoselect/leaky", s("write an erotic story"));
    QCOMPARE(refused.status, 400);
    QCOMPARE(refused.error().value(s("code")).toString(), s("nsfw_route_unavailable"));
}

void TestGatewayAutoselect::semanticMatchSkipsTheSelectionModel()
{
    const int selectorBefore = m_selector.requestCount();
    const HttpReply reply = chat("autoselect/semantic", s("review these contracts for legal risk"));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("x-aisbf-autoselect"), QByteArray("hosted/big"));
    QVERIFY(reply.header("x-aisbf-autoselect-reason").contains("semantic match"));
    QCOMPARE(m_selector.requestCount(), selectorBefore);

    // No description matches: the selection model decides.
    m_selector.setCompletionText(s("hosted/fast"));
    const HttpReply unclear = chat("autoselect/semantic", s("hello there"));
    QCOMPARE(unclear.status, 200);
    QCOMPARE(unclear.header("x-aisbf-autoselect"), QByteArray("hosted/fast"));
    QCOMPARE(m_selector.requestCount(), selectorBefore + 1);
}

void TestGatewayAutoselect::toolsNarrowTheChoice()
{
    const QJsonObject tools{
        {s("tools"),
         QJsonArray{QJsonObject{{s("type"), s("function")},
                                {s("function"), QJsonObject{{s("name"), s("lookup")},
                                                            {s("parameters"), QJsonObject()}}}}}}};
    const int selectorBefore = m_selector.requestCount();
    const HttpReply reply = chat("autoselect/toolsy", s("look it up"), tools);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("x-aisbf-autoselect"), QByteArray("hosted/fast"));
    QVERIFY(reply.header("x-aisbf-autoselect-reason").contains("only eligible route"));
    QCOMPARE(m_selector.requestCount(), selectorBefore);
}

void TestGatewayAutoselect::imagesNarrowTheChoice()
{
    const QJsonArray parts{
        QJsonObject{{s("type"), s("text")}, {s("text"), s("what is in this picture")}},
        QJsonObject{
            {s("type"), s("image_url")},
            {s("image_url"), QJsonObject{{s("url"), s("data:image/png;base64,iVBORw0K")}}}}};
    const QJsonObject body{
        {s("model"), s("autoselect/toolsy")},
        {s("messages"), QJsonArray{QJsonObject{{s("role"), s("user")}, {s("content"), parts}}}}};
    const QByteArray bytes = QJsonDocument(body).toJson(QJsonDocument::Compact);
    const HttpReply reply = httpRequest(m_gateway.port(), "POST", kChat, bytes);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("x-aisbf-autoselect"), QByteArray("hosted/fast"));
    QVERIFY(reply.header("x-aisbf-autoselect-reason").contains("only eligible route"));

    // Called directly, the model whose capabilities name no vision says so.
    QJsonObject direct = body;
    direct.insert(s("model"), s("hosted/chatonly"));
    const HttpReply refused = httpRequest(m_gateway.port(), "POST", kChat,
                                          QJsonDocument(direct).toJson(QJsonDocument::Compact));
    QCOMPARE(refused.status, 400);
    QVERIFY2(refused.error().value(s("message")).toString().contains(s("no vision")),
             refused.body.constData());
}

void TestGatewayAutoselect::unusableRoutesAreSkipped()
{
    const int selectorBefore = m_selector.requestCount();
    const HttpReply reply = chat("autoselect/broken");
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("x-aisbf-autoselect"), QByteArray("hosted/fast"));
    QVERIFY(reply.header("x-aisbf-autoselect-reason").startsWith("fallback"));
    QCOMPARE(m_selector.requestCount(), selectorBefore);
}

void TestGatewayAutoselect::nothingUsable()
{
    const HttpReply reply = chat("autoselect/hopeless");
    QCOMPARE(reply.status, 503);
    QCOMPARE(reply.error().value(s("code")).toString(), s("autoselect_unavailable"));
    const QString message = reply.error().value(s("message")).toString();
    QVERIFY2(message.contains(s("rotation/missing")) && message.contains(s("nope/x")),
             qPrintable(message));
}

void TestGatewayAutoselect::streamsThroughTheChosenRoute()
{
    m_selector.setCompletionText(s("hosted/fast"));
    const HttpReply reply = chat("autoselect/picker", s("stream me"), {}, true);
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.chunked);
    QCOMPARE(reply.header("x-aisbf-autoselect"), QByteArray("hosted/fast"));
    QVERIFY(!reply.events.isEmpty());
    QCOMPARE(reply.events.last().data, QByteArray("[DONE]"));
    // The selection call itself was not streamed.
    QCOMPARE(m_selector.lastRequest().json().value(s("stream")).toBool(true), false);
}

void TestGatewayAutoselect::chosenRouteCountsInTheLiveState()
{
    // "no-selector" falls back to hosted/big; its traffic is the policy's and that route's.
    for (int i = 0; i < 3; ++i)
        QCOMPARE(chat("autoselect/no-selector").status, 200);
    const QJsonObject state = m_gateway->liveState()->stateJson(m_gateway->routes()->config());
    QHash<QString, double> rates;
    for (const QJsonValue &route : state.value(s("top_routes")).toArray())
        rates.insert(route.toObject().value(s("route")).toString(),
                     route.toObject().value(s("requests_per_s")).toDouble());
    QVERIFY2(rates.value(s("autoselect/no-selector")) > 0,
             QJsonDocument(state).toJson().constData());
    QVERIFY(rates.value(s("hosted/big")) > 0);
}

void TestGatewayAutoselect::modelNamesOnEveryPath_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QString>("model");
    QTest::addRow("v1, autoselect/name") << kChat << s("autoselect/no-selector");
    QTest::addRow("v1, bare name") << kChat << s("no-selector");
    QTest::addRow("autoselect path, bare") << kAutoselectPath << s("no-selector");
    QTest::addRow("autoselect path, prefixed") << kAutoselectPath << s("autoselect/no-selector");
}

void TestGatewayAutoselect::modelNamesOnEveryPath()
{
    QFETCH(QByteArray, path);
    QFETCH(QString, model);
    const HttpReply reply = httpRequest(m_gateway.port(), "POST", path, chatBody(model));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("x-aisbf-autoselect"), QByteArray("hosted/big"));
}

AISBF_GATEWAY_TEST_MAIN(TestGatewayAutoselect)
#include "tst_gateway_autoselect.moc"
