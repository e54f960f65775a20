// SPDX-License-Identifier: GPL-3.0-or-later
// Rotations: the names they answer to, weighted shares, failover on every kind of upstream
// failure, cooldowns (how long, which setting wins, Retry-After) and the all-failed answer.
#include "GatewayTestMain.h"
#include "TestClient.h"
#include "TestGateway.h"

#include <MockUpstream.h>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTest>

using namespace aisbf::test;

namespace {

const QByteArray kChat = "/api/v1/chat/completions";
// Weights that make the faulty entry come first in practice (the other is drawn first once in
// a million requests), so a failover can be observed.
constexpr double kFirst = 1000;
constexpr double kLast = 0.001;

} // namespace

class TestGatewayRotation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void rotationNames_data();
    void rotationNames();
    void weightsShareTraffic();
    void failover_data();
    void failover();
    void entryReturnsAfterCooldown_data();
    void entryReturnsAfterCooldown();
    void cooldownPrecedence_data();
    void cooldownPrecedence();
    void allEntriesFailing();
    void failoverToAnotherModelOfTheSameUpstream();

private:
    /** Providers "bad" (m_bad, or a closed port) and "good" (m_good) in rotation "r". */
    TestConfig badGoodConfig(const QJsonObject &badEntry = {}, bool refused = false) const;

    MockUpstream m_bad;
    MockUpstream m_good;
};

void TestGatewayRotation::initTestCase()
{
    QVERIFY(m_bad.listen());
    QVERIFY(m_good.listen());
    m_bad.setRecordLimit(50);
    m_good.setRecordLimit(50);
}

void TestGatewayRotation::init()
{
    m_bad.clearFaults();
    m_good.clearFaults();
}

TestConfig TestGatewayRotation::badGoodConfig(const QJsonObject &badEntry, bool refused) const
{
    TestConfig config;
    config.addProvider(s("bad"), refused ? closedPortUrl() : m_bad.baseUrl(), {s("m")},
                       {{s("first_byte_timeout"), 0.3}, {s("read_timeout"), 0.3}});
    config.addProvider(s("good"), m_good.baseUrl(), {s("m")});
    config.addRotation(s("r"), {rotationEntry(s("bad"), s("m"), kFirst, badEntry),
                                rotationEntry(s("good"), s("m"), kLast)});
    return config;
}

void TestGatewayRotation::rotationNames_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QString>("model");
    const QByteArray v1 = kChat;
    const QByteArray rotations = "/api/rotations/chat/completions";
    QTest::addRow("v1, rotation/id") << v1 << s("rotation/coding");
    QTest::addRow("v1, rotation/model_name") << v1 << s("rotation/fast-code");
    QTest::addRow("v1, bare id") << v1 << s("coding");
    QTest::addRow("v1, bare model_name") << v1 << s("fast-code");
    QTest::addRow("rotations path, id") << rotations << s("coding");
    QTest::addRow("rotations path, model_name") << rotations << s("fast-code");
    QTest::addRow("rotations path, rotation/model_name") << rotations << s("rotation/fast-code");
}

void TestGatewayRotation::rotationNames()
{
    QFETCH(QByteArray, path);
    QFETCH(QString, model);
    TestConfig config;
    config.addProvider(s("good"), m_good.baseUrl(), {s("m")});
    config.addRotation(s("coding"), {rotationEntry(s("good"), s("m"))},
                       {{s("model_name"), s("fast-code")}});
    TestGateway gateway;
    QVERIFY(gateway.start(config));
    const HttpReply reply = httpRequest(gateway.port(), "POST", path, chatBody(model));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("x-aisbf-provider"), QByteArray("good"));
    QCOMPARE(m_good.lastRequest().json().value(QLatin1String("model")).toString(), s("m"));
}

void TestGatewayRotation::weightsShareTraffic()
{
    TestConfig config;
    for (const char *id : {"six", "three", "one"})
        config.addProvider(s(id), m_good.baseUrl(), {s("m")});
    config.addRotation(s("w"),
                       {rotationEntry(s("six"), s("m"), 6), rotationEntry(s("three"), s("m"), 3),
                        rotationEntry(s("one"), s("m"), 1)});
    TestGateway gateway;
    QVERIFY(gateway.start(config));

    // 5,000 draws (about 0.6 s) put the ±4-point band 5.8 standard deviations out for the 60%
    // share; with 1,000 a correct gateway would fail about once in 60 runs. Equal or ignored
    // weights still fail every time.
    constexpr int kRequests = 5000;
    QHash<QByteArray, int> served;
    TestClient client(gateway.port());
    QVERIFY(client.connectToServer());
    const QByteArray body = chatBody(s("rotation/w"));
    for (int i = 0; i < kRequests; ++i) {
        const HttpReply reply = client.post(kChat, body);
        QCOMPARE(reply.status, 200);
        ++served[reply.header("x-aisbf-provider")];
    }
    QCOMPARE(served.size(), 3);
    const QList<QPair<QByteArray, double>> expected{{"six", 60}, {"three", 30}, {"one", 10}};
    for (const auto &[provider, percent] : expected) {
        const double share = 100.0 * served.value(provider) / kRequests;
        QVERIFY2(qAbs(share - percent) <= 4,
                 qPrintable(QStringLiteral("%1 served %2% (want %3 ± 4)")
                                .arg(QString::fromLatin1(provider))
                                .arg(share)
                                .arg(percent)));
    }
}

void TestGatewayRotation::failover_data()
{
    QTest::addColumn<int>("fault"); // aisbf::test::Fault
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("refused");
    QTest::addColumn<bool>("failsOver");
    QTest::addColumn<int>("minMs"); // the failover cannot be faster than the timeout it waits on

    const auto row = [](const char *name, Fault fault, int status = 500, bool refused = false,
                        bool failsOver = true, int minMs = 0) {
        QTest::addRow("%s", name) << int(fault) << status << refused << failsOver << minMs;
    };
    row("500", Fault::Status, 500);
    row("502", Fault::Status, 502);
    row("503", Fault::Status, 503);
    row("429", Fault::TooManyRequests);
    row("401, the provider's key is broken", Fault::Status, 401);
    row("connect refused", Fault::None, 0, true);
    row("reset before response", Fault::ResetBeforeResponse);
    row("no first byte in time", Fault::Hang, 0, false, true, 300);
    row("not HTTP", Fault::Garbage);
    row("invalid JSON body", Fault::MalformedChunk);
    row("reset mid body", Fault::ResetMidStream);
    row("stalled mid body", Fault::StallMidStream, 0, false, true, 300);
    row("400 is the caller's fault, not failed over", Fault::Status, 400, false, false);
}

void TestGatewayRotation::failover()
{
    QFETCH(int, fault);
    QFETCH(int, status);
    QFETCH(bool, refused);
    QFETCH(bool, failsOver);
    QFETCH(int, minMs);

    FaultParams params;
    params.status = status;
    m_bad.setFault(Fault(fault), params);
    TestGateway gateway;
    QVERIFY(gateway.start(badGoodConfig({}, refused)));
    const int badBefore = m_bad.requestCount();
    const int goodBefore = m_good.requestCount();

    QElapsedTimer clock;
    clock.start();
    const HttpReply first = httpRequest(gateway.port(), "POST", kChat, chatBody(s("rotation/r")));
    const qint64 elapsed = clock.elapsed();
    QCOMPARE(m_bad.requestCount(), badBefore + (refused ? 0 : 1));
    if (!failsOver) {
        QCOMPARE(first.status, status);
        QCOMPARE(first.header("x-aisbf-provider"), QByteArray("bad"));
        QCOMPARE(m_good.requestCount(), goodBefore);
        return;
    }
    QCOMPARE(first.status, 200);
    QCOMPARE(first.header("x-aisbf-provider"), QByteArray("good"));
    QCOMPARE(first.header("x-aisbf-failover"), QByteArray("bad/m"));
    QCOMPARE(m_good.requestCount(), goodBefore + 1);
    // Coarse timers may fire up to 5% early.
    QVERIFY2(elapsed >= minMs * 0.9 && elapsed < minMs + 2000,
             qPrintable(QString::number(elapsed)));

    // The failed entry now cools down (30 s by default): the next request skips it.
    const HttpReply second = httpRequest(gateway.port(), "POST", kChat, chatBody(s("rotation/r")));
    QCOMPARE(second.status, 200);
    QCOMPARE(second.header("x-aisbf-provider"), QByteArray("good"));
    QVERIFY(!second.hasHeader("x-aisbf-failover"));
    QCOMPARE(m_bad.requestCount(), badBefore + (refused ? 0 : 1));
}

void TestGatewayRotation::entryReturnsAfterCooldown_data()
{
    QTest::addColumn<int>("fault");
    QTest::addColumn<int>("cooldownS"); // the entry's error_cooldown
    QTest::addRow("error_cooldown 1 s") << int(Fault::Status) << 1;
    QTest::addRow("429 Retry-After 1 beats error_cooldown 60") << int(Fault::TooManyRequests) << 60;
}

void TestGatewayRotation::entryReturnsAfterCooldown()
{
    QFETCH(int, fault);
    QFETCH(int, cooldownS);

    FaultParams params;
    params.retryAfterS = 1;
    m_bad.queueFault(Fault(fault), params); // one failure, then healthy again
    TestGateway gateway;
    QVERIFY(gateway.start(badGoodConfig({{s("error_cooldown"), cooldownS}})));
    const int badBefore = m_bad.requestCount();

    TestClient client(gateway.port());
    const HttpReply first = client.post(kChat, chatBody(s("rotation/r")));
    QCOMPARE(first.header("x-aisbf-failover"), QByteArray("bad/m"));
    QElapsedTimer clock;
    clock.start();

    QList<QPair<QByteArray, qint64>> served; // provider, ms after the failure
    const auto servedByBad = [&] {
        const HttpReply reply = client.post(kChat, chatBody(s("rotation/r")));
        served.append({reply.header("x-aisbf-provider"), clock.elapsed()});
        return reply.status == 200 && !reply.hasHeader("x-aisbf-failover") &&
               served.last().first == "bad";
    };
    // Ask every 50 ms (a QTRY_ macro would re-evaluate, i.e. re-send, after success).
    while (!servedByBad() && clock.elapsed() < 5000)
        QTest::qWait(50);
    QCOMPARE(served.last().first, QByteArray("bad"));
    const qint64 back = served.last().second;
    QVERIFY2(back >= 900 && back <= 2500, qPrintable(QString::number(back)));
    QVERIFY(served.size() > 5); // it was asked for, and refused, while cooling
    for (qsizetype i = 0; i + 1 < served.size(); ++i)
        QCOMPARE(served.at(i).first, QByteArray("good"));
    QCOMPARE(m_bad.requestCount(), badBefore + 2); // the failure and the comeback, nothing between
}

void TestGatewayRotation::cooldownPrecedence_data()
{
    QTest::addColumn<QJsonObject>("entry");
    QTest::addColumn<QJsonObject>("model");
    QTest::addColumn<QJsonObject>("provider");
    QTest::addColumn<QJsonObject>("rotation");
    QTest::addColumn<int>("fault");
    QTest::addColumn<int>("retryAfter"); // of the all-failed 503; 0 = no cooldown, no header

    const QJsonObject entry{{s("error_cooldown"), 7}};
    const QJsonObject model{{s("error_cooldown"), 11}};
    const QJsonObject provider{{s("default_error_cooldown"), 13}};
    const QJsonObject rotation{{s("default_error_cooldown"), 17}};
    const int status = int(Fault::Status);
    QTest::addRow("entry wins") << entry << model << provider << rotation << status << 7;
    QTest::addRow("model over provider")
        << QJsonObject() << model << provider << rotation << status << 11;
    QTest::addRow("provider over rotation")
        << QJsonObject() << QJsonObject() << provider << rotation << status << 13;
    QTest::addRow("rotation default")
        << QJsonObject() << QJsonObject() << QJsonObject() << rotation << status << 17;
    QTest::addRow("built-in 30 s")
        << QJsonObject() << QJsonObject() << QJsonObject() << QJsonObject() << status << 30;
    QTest::addRow("entry 0 turns it off")
        << QJsonObject{{s("error_cooldown"), 0}} << model << provider << rotation << status << 0;
    QTest::addRow("429 Retry-After over entry")
        << entry << model << provider << rotation << int(Fault::TooManyRequests) << 4;
}

void TestGatewayRotation::cooldownPrecedence()
{
    QFETCH(QJsonObject, entry);
    QFETCH(QJsonObject, model);
    QFETCH(QJsonObject, provider);
    QFETCH(QJsonObject, rotation);
    QFETCH(int, fault);
    QFETCH(int, retryAfter);

    FaultParams params;
    params.retryAfterS = 4;
    m_bad.setFault(Fault(fault), params);
    TestConfig config;
    config.addProvider(s("bad"), m_bad.baseUrl(), {s("m")}, provider);
    config.setModelKeys(s("bad"), s("m"), model);
    config.addRotation(s("solo"), {rotationEntry(s("bad"), s("m"), 1, entry)}, rotation);
    TestGateway gateway;
    QVERIFY(gateway.start(config));

    // With its only entry failed, the rotation answers 503 and says when that entry is back.
    const HttpReply first = httpRequest(gateway.port(), "POST", kChat, chatBody(s("solo")));
    QCOMPARE(first.status, 503);
    QCOMPARE(first.header("retry-after"),
             retryAfter ? QByteArray::number(retryAfter) : QByteArray());

    const int before = m_bad.requestCount();
    const HttpReply second = httpRequest(gateway.port(), "POST", kChat, chatBody(s("solo")));
    QCOMPARE(second.status, 503);
    const QString error = second.error()
                              .value(QLatin1String("attempts"))
                              .toArray()
                              .at(0)
                              .toObject()
                              .value(QLatin1String("error"))
                              .toString();
    if (retryAfter) {
        QVERIFY2(error.startsWith(QStringLiteral("cooling down, %1 s left").arg(retryAfter)),
                 qPrintable(error));
        QCOMPARE(m_bad.requestCount(), before);
    } else {
        QVERIFY2(error.startsWith(QLatin1String("HTTP 500")), qPrintable(error));
        QCOMPARE(m_bad.requestCount(), before + 1);
    }
}

void TestGatewayRotation::allEntriesFailing()
{
    MockUpstream limited;
    QVERIFY(limited.listen());
    FaultParams boom;
    boom.body = R"({"error":{"message":"boom","type":"server_error"}})";
    m_bad.setFault(Fault::Status, boom);
    FaultParams three;
    three.retryAfterS = 3;
    limited.setFault(Fault::TooManyRequests, three);

    TestConfig config;
    config.addProvider(s("a"), m_bad.baseUrl(), {s("m")});
    config.addProvider(s("b"), limited.baseUrl(), {s("m")});
    config.addProvider(s("c"), closedPortUrl(), {s("m")});
    config.addRotation(s("all"), {rotationEntry(s("a"), s("m")), rotationEntry(s("b"), s("m")),
                                  rotationEntry(s("c"), s("m"))});
    TestGateway gateway;
    QVERIFY(gateway.start(config));

    const HttpReply reply = httpRequest(gateway.port(), "POST", kChat, chatBody(s("rotation/all")));
    QCOMPARE(reply.status, 503);
    const QJsonObject error = reply.error();
    QCOMPARE(error.value(QLatin1String("code")).toString(), s("upstream_unavailable"));
    QCOMPARE(error.value(QLatin1String("type")).toString(), s("server_error"));
    const QString message = error.value(QLatin1String("message")).toString();
    QVERIFY2(message.startsWith(QLatin1String("every entry of rotation/all failed: ")),
             qPrintable(message));
    QHash<QString, QString> why;
    const QJsonArray attempts = error.value(QLatin1String("attempts")).toArray();
    for (const QJsonValue &attempt : attempts) {
        why.insert(attempt.toObject().value(QLatin1String("route")).toString(),
                   attempt.toObject().value(QLatin1String("error")).toString());
    }
    QCOMPARE(attempts.size(), 3);
    QCOMPARE(why.value(s("a/m")), s("HTTP 500: boom"));
    QVERIFY2(why.value(s("b/m")).startsWith(QLatin1String("HTTP 429")),
             qPrintable(why.value(s("b/m"))));
    QVERIFY2(why.value(s("c/m")).startsWith(QLatin1String("connect failed")),
             qPrintable(why.value(s("c/m"))));
    for (auto it = why.cbegin(); it != why.cend(); ++it)
        QVERIFY2(message.contains(it.key() + QStringLiteral(": ") + it.value()),
                 qPrintable(message));
    QCOMPARE(reply.header("retry-after"), QByteArray("3")); // the soonest entry back: b, by its 429

    // Everything cools now: the next answer comes without asking any upstream.
    const int before = m_bad.requestCount() + limited.requestCount();
    const HttpReply again = httpRequest(gateway.port(), "POST", kChat, chatBody(s("rotation/all")));
    QCOMPARE(again.status, 503);
    const QJsonArray cooling = again.error().value(QLatin1String("attempts")).toArray();
    QCOMPARE(cooling.size(), 3);
    for (const QJsonValue &attempt : cooling) {
        const QString text = attempt.toObject().value(QLatin1String("error")).toString();
        QVERIFY2(text.startsWith(QLatin1String("cooling down")), qPrintable(text));
    }
    QCOMPARE(m_bad.requestCount() + limited.requestCount(), before);
}

void TestGatewayRotation::failoverToAnotherModelOfTheSameUpstream()
{
    // Two models of one provider: the failed attempt's keep-alive connection goes back to the
    // pool while its answer is being handled, and the next attempt takes it at once.
    TestConfig config;
    config.addProvider(s("one"), m_good.baseUrl(), {s("a"), s("b")},
                       {{s("first_byte_timeout"), 2}, {s("read_timeout"), 2}});
    config.addRotation(s("pair"), {rotationEntry(s("one"), s("a"), kFirst),
                                   rotationEntry(s("one"), s("b"), kLast)});
    TestGateway gateway;
    QVERIFY(gateway.start(config));
    m_good.queueFault(Fault::Status);
    QElapsedTimer clock;
    clock.start();
    const HttpReply reply =
        httpRequest(gateway.port(), "POST", kChat, chatBody(s("rotation/pair")));
    QVERIFY2(reply.status == 200, reply.body.constData());
    QCOMPARE(reply.header("x-aisbf-model"), QByteArray("b"));
    QCOMPARE(reply.header("x-aisbf-failover"), QByteArray("one/a"));
    QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
}

AISBF_GATEWAY_TEST_MAIN(TestGatewayRotation)
#include "tst_gateway_rotation.moc"
