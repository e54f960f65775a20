// SPDX-License-Identifier: GPL-3.0-or-later
// Streaming: events pass through as they come, a client that leaves cancels the upstream, a
// stream that breaks ends with an error event and a clean chunked end, a stream that breaks
// before its first event fails over, and a hundred streams at once all finish.
#include "GatewayTestMain.h"
#include "TestClient.h"
#include "TestGateway.h"

#include <MockUpstream.h>

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace aisbf::test;

namespace {

const QByteArray kChat = "/api/v1/chat/completions";

QString deltaContent(const SseEvent &event)
{
    return event.json()
        .value(QLatin1String("choices"))
        .toArray()
        .at(0)
        .toObject()
        .value(QLatin1String("delta"))
        .toObject()
        .value(QLatin1String("content"))
        .toString();
}

} // namespace

class TestGatewayStream : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void eventsArriveAsSent();
    void clientDisconnectCancelsUpstream();
    void brokenStreamEndsWithErrorEvent_data();
    void brokenStreamEndsWithErrorEvent();
    void failoverBeforeFirstEvent_data();
    void failoverBeforeFirstEvent();
    void hundredConcurrentStreams();
    void clientThatStopsReadingIsClosed();
    void doneWithoutFinalBlankLineEndsCleanly();

private:
    MockUpstream m_mock; ///< provider "p", also the healthy rotation entry "good"
    MockUpstream m_bad;  ///< provider "bad", first in rotation "r"
    TestGateway m_gateway;
};

void TestGatewayStream::initTestCase()
{
    QVERIFY(m_mock.listen());
    QVERIFY(m_bad.listen());
    m_mock.setRecordLimit(20);
    const QJsonObject fastTimeouts{{s("first_byte_timeout"), 0.3}, {s("read_timeout"), 0.3}};
    TestConfig config;
    config.addProvider(s("p"), m_mock.baseUrl(), {s("m")}, fastTimeouts);
    config.addProvider(s("bad"), m_bad.baseUrl(), {s("m")}, fastTimeouts);
    // The faulty entry is drawn first in all but one of a million requests.
    config.addRotation(
        s("r"), {rotationEntry(s("bad"), s("m"), 1000), rotationEntry(s("p"), s("m"), 0.001)});
    QVERIFY(m_gateway.start(config));
}

void TestGatewayStream::init()
{
    m_mock.clearFaults();
    m_bad.clearFaults();
    m_mock.setStreamChunks(5);
    m_mock.setStreamIntervalMs(0);
    m_gateway->cooldowns()->clear(s("bad/m"));
    m_gateway->cooldowns()->clear(s("p/m"));
}

void TestGatewayStream::eventsArriveAsSent()
{
    constexpr int kInterval = 100;
    m_mock.setStreamChunks(6);
    m_mock.setStreamIntervalMs(kInterval);
    TestClient client(m_gateway.port());
    client.startRequest("POST", kChat, chatBody(s("p/m"), true));
    QVERIFY(client.waitForComplete(5000));
    const HttpReply &reply = client.reply();
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("content-type"), QByteArray("text/event-stream"));
    QCOMPARE(reply.header("cache-control"), QByteArray("no-cache"));
    QVERIFY(reply.chunked);
    QCOMPARE(reply.header("x-aisbf-provider"), QByteArray("p"));
    QCOMPARE(m_mock.lastRequest().json().value(QLatin1String("stream")).toBool(), true);

    QCOMPARE(reply.events.size(), 7); // six chunks and [DONE]
    QCOMPARE(reply.events.last().data, QByteArray("[DONE]"));
    QString text;
    for (const SseEvent &event : reply.events.first(6)) {
        QCOMPARE(event.json().value(QLatin1String("object")).toString(),
                 s("chat.completion.chunk"));
        text += deltaContent(event);
    }
    QCOMPARE(text, s("tok0 tok1 tok2 tok3 "));

    // Each event left the mock 100 ms after the one before; it must reach the client then, not
    // in a lump at the end. Lateness only pushes events later, so lower bounds are safe.
    const qint64 first = reply.events.first().atMs;
    for (qsizetype i = 1; i < 6; ++i) {
        const qint64 offset = reply.events.at(i).atMs - first;
        QVERIFY2(offset >= i * kInterval - 40,
                 qPrintable(QStringLiteral("event %1 at +%2 ms").arg(i).arg(offset)));
    }
    QVERIFY2(first < 1000, qPrintable(QString::number(first)));
}

void TestGatewayStream::clientDisconnectCancelsUpstream()
{
    m_mock.setStreamChunks(100);
    m_mock.setStreamIntervalMs(50);
    const int abortsBefore = m_mock.abortCount();
    QSignalSpy upstreamAborted(&m_mock, &MockUpstream::clientAborted);
    TestClient client(m_gateway.port());
    qint64 leftAtMs = -1; // on the mock's clock
    connect(&client, &TestClient::aborted, this, [&] { leftAtMs = m_mock.nowMs(); });
    client.abortAfterEvents(2);
    client.startRequest("POST", kChat, chatBody(s("p/m"), true));

    QVERIFY(upstreamAborted.wait(3000));
    QVERIFY(leftAtMs >= 0);
    const qint64 noticed = m_mock.lastAbortAtMs() - leftAtMs;
    QVERIFY2(noticed >= 0 && noticed < 100, qPrintable(QString::number(noticed)));
    QCOMPARE(m_mock.abortCount(), abortsBefore + 1);
    QCOMPARE(client.reply().events.size(), 2);
    QTRY_COMPARE(m_gateway->activeSessions(), 0);
}

void TestGatewayStream::brokenStreamEndsWithErrorEvent_data()
{
    QTest::addColumn<int>("fault");
    QTest::addColumn<QString>("phrase");
    QTest::addColumn<int>("minGapMs"); // from the last good event to the error event
    QTest::addColumn<int>("maxGapMs");

    // A reset is seen when it happens, not when read_timeout (300 ms here) would notice it.
    QTest::addRow("reset mid-stream")
        << int(Fault::ResetMidStream) << s("connection reset by upstream") << 0 << 200;
    QTest::addRow("malformed event")
        << int(Fault::MalformedChunk) << s("malformed stream event") << 0 << 200;
    QTest::addRow("stalled, read_timeout")
        << int(Fault::StallMidStream) << s("response stalled") << 270 << 5000;
}

void TestGatewayStream::brokenStreamEndsWithErrorEvent()
{
    QFETCH(int, fault);
    QFETCH(QString, phrase);
    QFETCH(int, minGapMs);
    QFETCH(int, maxGapMs);

    FaultParams params;
    params.afterChunks = 2;
    m_mock.queueFault(Fault(fault), params);
    TestClient client(m_gateway.port());
    client.startRequest("POST", kChat, chatBody(s("p/m"), true));
    // A silent truncation would leave the body open (or close the connection): not complete.
    QVERIFY2(client.waitForComplete(5000), client.reply().body.constData());
    const HttpReply reply = client.reply();
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.chunked);
    QCOMPARE(reply.events.size(), 3);
    for (const SseEvent &event : reply.events.first(2))
        QCOMPARE(event.json().value(QLatin1String("object")).toString(),
                 s("chat.completion.chunk"));
    const SseEvent last = reply.events.last();
    const QJsonObject error = last.json().value(QLatin1String("error")).toObject();
    QCOMPARE(error.value(QLatin1String("code")).toString(), s("upstream_stream_error"));
    QCOMPARE(error.value(QLatin1String("type")).toString(), s("server_error"));
    const QString message = error.value(QLatin1String("message")).toString();
    QVERIFY2(message.contains(phrase), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("(p/m)")), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("incomplete")), qPrintable(message));
    QVERIFY(!reply.body.contains("[DONE]"));
    const qint64 gap = last.atMs - reply.events.at(1).atMs;
    QVERIFY2(gap >= minGapMs * 0.9 && gap <= maxGapMs, qPrintable(QString::number(gap)));

    // The chunked body ended properly, so the connection carries the next request.
    QVERIFY(client.isConnected());
    const HttpReply next = client.post(kChat, chatBody(s("p/m"), true));
    QCOMPARE(next.status, 200);
    QCOMPARE(next.events.size(), 6);
    QCOMPARE(next.events.last().data, QByteArray("[DONE]"));
}

void TestGatewayStream::failoverBeforeFirstEvent_data()
{
    QTest::addColumn<int>("fault");
    QTest::addColumn<int>("afterChunks");
    QTest::addRow("500") << int(Fault::Status) << 0;
    QTest::addRow("429") << int(Fault::TooManyRequests) << 0;
    QTest::addRow("reset before response") << int(Fault::ResetBeforeResponse) << 0;
    QTest::addRow("reset after the head") << int(Fault::ResetMidStream) << 0;
    QTest::addRow("malformed first event") << int(Fault::MalformedChunk) << 0;
    QTest::addRow("no first byte in time") << int(Fault::Hang) << 0;
    QTest::addRow("stalled before the first event") << int(Fault::StallMidStream) << 0;
}

void TestGatewayStream::failoverBeforeFirstEvent()
{
    QFETCH(int, fault);
    QFETCH(int, afterChunks);

    FaultParams params;
    params.afterChunks = afterChunks;
    // Persistent: the gateway retries once on a fresh connection when a reused one is reset
    // before any byte came back (a stale keep-alive), and that retry must fail too.
    m_bad.setFault(Fault(fault), params);
    const int badBefore = m_bad.requestCount();
    TestClient client(m_gateway.port());
    client.startRequest("POST", kChat, chatBody(s("rotation/r"), true));
    QVERIFY(client.waitForComplete(5000));
    const HttpReply &reply = client.reply();
    QVERIFY(m_bad.requestCount() > badBefore);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("x-aisbf-provider"), QByteArray("p"));
    QCOMPARE(reply.header("x-aisbf-failover"), QByteArray("bad/m"));
    QCOMPARE(reply.events.size(), 6);
    QCOMPARE(reply.events.last().data, QByteArray("[DONE]"));
    QVERIFY(!reply.body.contains("\"error\""));
}

void TestGatewayStream::hundredConcurrentStreams()
{
    constexpr int kStreams = 100;
    m_mock.setStreamChunks(5);
    m_mock.setStreamIntervalMs(20);
    const int before = m_mock.requestCount();
    std::vector<std::unique_ptr<TestClient>> clients;
    for (int i = 0; i < kStreams; ++i) {
        clients.push_back(std::make_unique<TestClient>(m_gateway.port()));
        QVERIFY(clients.back()->connectToServer());
    }
    for (const auto &client : clients)
        client->startRequest("POST", kChat, chatBody(s("p/m"), true));
    // Each wait runs the event loop, so every stream moves on while one is waited for.
    for (const auto &client : clients)
        QVERIFY(client->waitForComplete(15000));
    QCOMPARE(m_mock.requestCount(), before + kStreams);
    for (const auto &client : clients) {
        const HttpReply &reply = client->reply();
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.events.size(), 6);
        QCOMPARE(reply.events.last().data, QByteArray("[DONE]"));
        QCOMPARE(deltaContent(reply.events.at(1)), s("tok0 "));
    }
    QTRY_COMPARE(m_gateway->activeSessions(), 0);
}

void TestGatewayStream::clientThatStopsReadingIsClosed()
{
    // A separate gateway with a short client timeout; a fast, long upstream stream.
    MockUpstream upstream;
    QVERIFY(upstream.listen());
    upstream.setStreamChunks(400'000);
    upstream.setStreamIntervalMs(0);
    upstream.setRecordLimit(0);
    TestConfig config;
    config.addProvider(s("p"), upstream.baseUrl(), {s("m")});
    config.set(s("limits"), s("client_timeout"), 0.5);
    TestGateway gateway;
    QVERIFY(gateway.start(config));

    // A client that sends its request and then never reads: Qt stops taking bytes from the
    // kernel once 1 KiB is buffered, so the window closes and the gateway's queue grows.
    QTcpSocket stuck;
    stuck.setReadBufferSize(1024);
    stuck.connectToHost(QHostAddress::LocalHost, gateway.port());
    QVERIFY(stuck.waitForConnected(2000));
    const QByteArray body =
        R"({"model":"p/m","stream":true,"messages":[{"role":"user","content":"x"}]})";
    stuck.write("POST /api/v1/chat/completions HTTP/1.1\r\nHost: t\r\nContent-Type: "
                "application/json\r\nContent-Length: " +
                QByteArray::number(body.size()) + "\r\n\r\n" + body);
    // The stream starts, the client falls behind, the gateway stops reading the upstream...
    QTRY_COMPARE_WITH_TIMEOUT(gateway->activeSessions(), 1, 5000);
    QCOMPARE(upstream.openConnections(), 1);
    // ...and after the client timeout (plus a sweep or two) closes the client and cancels the
    // upstream, long before 400,000 events could have been delivered.
    QTRY_COMPARE_WITH_TIMEOUT(gateway->activeSessions(), 0, 8000);
    QTRY_COMPARE_WITH_TIMEOUT(upstream.openConnections(), 0, 2000);
}

void TestGatewayStream::doneWithoutFinalBlankLineEndsCleanly()
{
    m_mock.setStreamChunks(3);
    m_mock.setDoneEvent("data: [DONE]\n");
    TestClient client(m_gateway.port());
    client.startRequest(
        "POST", kChat,
        R"({"model":"p/m","stream":true,"messages":[{"role":"user","content":"x"}]})");
    QVERIFY(client.waitForComplete());
    m_mock.setDoneEvent("data: [DONE]\n\n");
    const HttpReply &reply = client.reply();
    QCOMPARE(reply.status, 200);
    QVERIFY2(!reply.body.contains("\"error\""), reply.body.constData());
    QVERIFY2(reply.body.endsWith("data: [DONE]\n\n"), reply.body.right(80).constData());
}

AISBF_GATEWAY_TEST_MAIN(TestGatewayStream)
#include "tst_gateway_stream.moc"
