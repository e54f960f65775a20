// SPDX-License-Identifier: GPL-3.0-or-later
// MockUpstream answers like an OpenAI upstream, misbehaves on request, and notices aborts; the
// Anthropic, Gemini and Ollama dialects are tested in tst_mock_dialects.cpp.
#include "MockTestClient.h"
#include "MockUpstream.h"
#include "tst_mock_dialects.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>

using namespace aisbf::test;

namespace {

QByteArray chatRequest(bool stream, const QByteArray &extraHeaders = {})
{
    const QByteArray body = stream ? R"({"model":"m1","stream":true,"messages":[]})"
                                   : R"({"model":"m1","messages":[]})";
    return "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
           extraHeaders + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

} // namespace

class TestMockUpstream : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_mock = std::make_unique<MockUpstream>();
        QVERIFY(m_mock->listen());
    }
    void cleanup() { m_mock.reset(); }

    void listsModels()
    {
        m_mock->setModels({QStringLiteral("a"), QStringLiteral("b")});
        QNetworkAccessManager nam;
        QNetworkRequest request(QUrl(m_mock->baseUrl().toString() + QStringLiteral("/models")));
        std::unique_ptr<QNetworkReply> reply(nam.get(request));
        QTRY_VERIFY(reply->isFinished());
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
        QCOMPARE(body.value(QLatin1String("object")).toString(), QStringLiteral("list"));
        const QJsonArray data = body.value(QLatin1String("data")).toArray();
        QCOMPARE(data.size(), 2);
        QCOMPARE(data.at(1).toObject().value(QLatin1String("id")).toString(), QStringLiteral("b"));
        QCOMPARE(data.at(0).toObject().value(QLatin1String("owned_by")).toString(),
                 QStringLiteral("mock"));
    }

    void answersCompletionAndRecordsRequest()
    {
        QSignalSpy received(m_mock.get(), &MockUpstream::requestReceived);
        QNetworkAccessManager nam;
        QNetworkRequest request(
            QUrl(m_mock->baseUrl().toString() + QStringLiteral("/chat/completions")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        request.setRawHeader("Authorization", "Bearer sk-test");
        const QByteArray sent =
            R"({"model":"gpt-x","messages":[{"role":"user","content":"ping"}]})";
        std::unique_ptr<QNetworkReply> reply(nam.post(request, sent));
        QTRY_VERIFY(reply->isFinished());
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
        QCOMPARE(body.value(QLatin1String("object")).toString(), QStringLiteral("chat.completion"));
        QCOMPARE(body.value(QLatin1String("model")).toString(), QStringLiteral("gpt-x"));
        const QJsonObject choice = body.value(QLatin1String("choices")).toArray().at(0).toObject();
        QCOMPARE(choice.value(QLatin1String("message"))
                     .toObject()
                     .value(QLatin1String("content"))
                     .toString(),
                 QStringLiteral("pong"));
        QCOMPARE(choice.value(QLatin1String("finish_reason")).toString(), QStringLiteral("stop"));
        const QJsonObject usage = body.value(QLatin1String("usage")).toObject();
        QCOMPARE(usage.value(QLatin1String("total_tokens")).toInt(),
                 usage.value(QLatin1String("prompt_tokens")).toInt() + 1);

        QCOMPARE(received.size(), 1);
        QCOMPARE(m_mock->requestCount(), 1);
        const RecordedRequest r = m_mock->lastRequest();
        QCOMPARE(r.method, QByteArray("POST"));
        QCOMPARE(r.path, QByteArray("/v1/chat/completions"));
        QCOMPARE(r.header("authorization"), QByteArray("Bearer sk-test"));
        QCOMPARE(r.body, sent);
        QCOMPARE(r.json().value(QLatin1String("model")).toString(), QStringLiteral("gpt-x"));
    }

    void streams_data()
    {
        QTest::addColumn<QByteArray>("headers");
        QTest::addColumn<int>("chunks");
        QTest::addColumn<int>("intervalMs");
        QTest::addRow("defaults") << QByteArray() << 5 << 0;
        QTest::addRow("header overrides")
            << QByteArray("X-Mock-Chunks: 4\r\nX-Mock-Interval-Ms: 30\r\n") << 4 << 30;
    }
    void streams()
    {
        QFETCH(QByteArray, headers);
        QFETCH(int, chunks);
        QFETCH(int, intervalMs);
        RawClient client(m_mock->port());
        QElapsedTimer t;
        t.start();
        client.send(chatRequest(true, headers));
        QVERIFY(client.readUntil("\r\n0\r\n\r\n"));
        QVERIFY(t.elapsed() >= (chunks - 1) * intervalMs);
        const QByteArray &data = client.data();
        QVERIFY(data.startsWith("HTTP/1.1 200"));
        QVERIFY(data.contains("Content-Type: text/event-stream\r\n"));
        QVERIFY(data.contains("Transfer-Encoding: chunked\r\n"));

        const QList<QByteArray> events = httpChunks(data);
        QCOMPARE(events.size(), chunks + 1);
        QCOMPARE(events.last(), QByteArray("data: [DONE]\n\n"));
        for (const QByteArray &e : events)
            QVERIFY(e.startsWith("data: ") && e.endsWith("\n\n"));
        const auto delta = [&](int i) {
            return eventJson(events.at(i))
                .value(QLatin1String("choices"))
                .toArray()
                .at(0)
                .toObject();
        };
        QCOMPARE(eventJson(events.at(0)).value(QLatin1String("object")).toString(),
                 QStringLiteral("chat.completion.chunk"));
        QCOMPARE(delta(0)
                     .value(QLatin1String("delta"))
                     .toObject()
                     .value(QLatin1String("role"))
                     .toString(),
                 QStringLiteral("assistant"));
        QCOMPARE(delta(1)
                     .value(QLatin1String("delta"))
                     .toObject()
                     .value(QLatin1String("content"))
                     .toString(),
                 QStringLiteral("tok0 "));
        QCOMPARE(delta(chunks - 1).value(QLatin1String("finish_reason")).toString(),
                 QStringLiteral("stop"));
    }

    void keepsConnectionAlive()
    {
        RawClient client(m_mock->port());
        client.send(chatRequest(false) + chatRequest(true)); // pipelined, answered in order
        QVERIFY(client.readUntil("data: [DONE]"));
        QCOMPARE(client.data().count("HTTP/1.1 200"), 2);
        client.send(chatRequest(false));
        QTRY_COMPARE(m_mock->requestCount(), 3);
        QCOMPARE(m_mock->acceptedConnections(), 1);
    }

    void decodesChunkedRequestBody()
    {
        RawClient client(m_mock->port());
        client.send(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            "6\r\n{\"mode\r\n8\r\nl\":\"ab\"}\r\n0\r\n\r\n");
        QVERIFY(client.readUntil("pong"));
        QCOMPARE(m_mock->lastRequest().body, QByteArray(R"({"model":"ab"})"));
    }

    void answersStatusFaults_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addRow("500") << 500 << QByteArray();
        QTest::addRow("503") << 503 << QByteArray();
        QTest::addRow("400 with body") << 400 << QByteArray(R"({"error":{"message":"bad"}})");
    }
    void answersStatusFaults()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        FaultParams params;
        params.status = status;
        params.body = body;
        m_mock->setFault(Fault::Status, params);
        for (int i = 0; i < 2; ++i) { // persistent: every request
            RawClient client(m_mock->port());
            client.send(chatRequest(false));
            QVERIFY(client.readUntil("}}"));
            QVERIFY(client.data().startsWith(QByteArray("HTTP/1.1 " + QByteArray::number(status))));
            if (!body.isEmpty())
                QVERIFY(client.data().endsWith(body));
            else
                QVERIFY(client.data().contains(R"("error":{)"));
        }
    }

    void answersTooManyRequests()
    {
        FaultParams params;
        params.retryAfterS = 7;
        m_mock->queueFault(Fault::TooManyRequests, params);
        QNetworkAccessManager nam;
        QNetworkRequest request(
            QUrl(m_mock->baseUrl().toString() + QStringLiteral("/chat/completions")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        std::unique_ptr<QNetworkReply> reply(nam.post(request, QByteArray(R"({"model":"m"})")));
        QTRY_VERIFY(reply->isFinished());
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 429);
        QCOMPARE(reply->rawHeader("Retry-After"), QByteArray("7"));
    }

    void runsQueuedFaultsFirst()
    {
        FaultParams unavailable;
        unavailable.status = 503;
        m_mock->setFault(Fault::Status, {});
        m_mock->queueFault(Fault::Status, unavailable);
        m_mock->queueFault(Fault::None);
        RawClient client(m_mock->port());
        client.send(chatRequest(false) + chatRequest(false) + chatRequest(false));
        QVERIFY(client.readUntil("HTTP/1.1 500"));
        const QByteArray &d = client.data();
        QVERIFY(d.startsWith("HTTP/1.1 503"));
        QVERIFY(d.indexOf("HTTP/1.1 200") > 0 &&
                d.indexOf("HTTP/1.1 200") < d.indexOf("HTTP/1.1 500"));
    }

    void filtersFaultsByPath()
    {
        FaultParams chatOnly;
        chatOnly.status = 503;
        chatOnly.onlyPath = "/v1/chat";
        m_mock->queueFault(Fault::Status, chatOnly);
        RawClient client(m_mock->port());
        client.send("GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n" + chatRequest(false));
        QVERIFY(client.readUntil("HTTP/1.1 503"));
        QVERIFY(client.data().startsWith("HTTP/1.1 200"));
    }

    void resetsBeforeResponse()
    {
        m_mock->setFault(Fault::ResetBeforeResponse);
        RawClient client(m_mock->port());
        client.send(chatRequest(false));
        QVERIFY(client.waitClosed());
        QVERIFY(client.data().isEmpty());
        QCOMPARE(m_mock->requestCount(), 1);
        QCOMPARE(m_mock->abortCount(), 0); // our own reset is not a client abort
    }

    void resetsMidStream()
    {
        FaultParams params;
        params.afterChunks = 2;
        m_mock->setFault(Fault::ResetMidStream, params);
        RawClient client(m_mock->port());
        client.send(chatRequest(true, "X-Mock-Interval-Ms: 10\r\n"));
        QVERIFY(client.waitClosed());
        QCOMPARE(httpChunks(client.data()).size(), 2);
        QVERIFY(!client.data().contains("[DONE]"));
    }

    void sendsMalformedChunk()
    {
        FaultParams params;
        params.afterChunks = 1;
        m_mock->queueFault(Fault::MalformedChunk, params);
        RawClient client(m_mock->port());
        client.send(chatRequest(true));
        QVERIFY(client.readUntil("\r\n0\r\n\r\n"));
        const QList<QByteArray> events = httpChunks(client.data());
        QCOMPARE(events.size(), 2);
        QCOMPARE(events.at(1), QByteArray("data: {not json\n\n"));
    }

    void sendsGarbage()
    {
        m_mock->setFault(Fault::Garbage);
        RawClient client(m_mock->port());
        client.send(chatRequest(false));
        QVERIFY(client.waitClosed());
        QVERIFY(!client.data().isEmpty());
        QVERIFY(!client.data().startsWith("HTTP/"));
    }

    void delaysFirstByte()
    {
        FaultParams params;
        params.delayMs = 150;
        m_mock->queueFault(Fault::SlowFirstByte, params);
        RawClient client(m_mock->port());
        QElapsedTimer t;
        t.start();
        client.send(chatRequest(false));
        QVERIFY(client.readUntil("pong"));
        QVERIFY2(t.elapsed() >= 145, QByteArray::number(t.elapsed()).constData());
    }

    void detectsClientAbort_data()
    {
        QTest::addColumn<int>("fault");
        QTest::addColumn<QByteArray>("waitFor");
        QTest::addRow("hang") << int(Fault::Hang) << QByteArray();
        QTest::addRow("stall mid-stream") << int(Fault::StallMidStream) << QByteArray("tok0");
        QTest::addRow("streaming") << int(Fault::None) << QByteArray("tok0");
        QTest::addRow("slow first byte") << int(Fault::SlowFirstByte) << QByteArray();
    }
    void detectsClientAbort()
    {
        QFETCH(int, fault);
        QFETCH(QByteArray, waitFor);
        FaultParams params;
        params.afterChunks = 2;
        params.delayMs = 10000;
        m_mock->setFault(Fault(fault), params);
        QSignalSpy aborted(m_mock.get(), &MockUpstream::clientAborted);
        RawClient client(m_mock->port());
        client.send(chatRequest(true, "X-Mock-Chunks: 1000\r\nX-Mock-Interval-Ms: 20\r\n"));
        if (!waitFor.isEmpty())
            QVERIFY(client.readUntil(waitFor));
        else
            QTRY_COMPARE(m_mock->requestCount(), 1);
        QTest::qWait(50);
        QCOMPARE(aborted.size(), 0);
        const qint64 closedAt = m_mock->nowMs();
        client.close();
        QVERIFY(aborted.wait(2000));
        QCOMPARE(m_mock->abortCount(), 1);
        QVERIFY(m_mock->lastAbortAtMs() >= closedAt);
        QVERIFY(m_mock->lastAbortAtMs() - closedAt < 1000);
        QTRY_COMPARE(m_mock->openConnections(), 0);
    }

    void idleCloseIsNotAnAbort()
    {
        QSignalSpy aborted(m_mock.get(), &MockUpstream::clientAborted);
        RawClient client(m_mock->port());
        client.send(chatRequest(true));
        QVERIFY(client.readUntil("\r\n0\r\n\r\n"));
        client.close();
        QTRY_COMPARE(m_mock->openConnections(), 0);
        QCOMPARE(aborted.size(), 0);
    }

    void answersUnknownPathWith404()
    {
        RawClient client(m_mock->port());
        client.send("GET /v2/nothing HTTP/1.1\r\nHost: x\r\n\r\n");
        QVERIFY(client.readUntil("}}"));
        QVERIFY(client.data().startsWith("HTTP/1.1 404"));
    }

    // The other dialects: bodies in tst_mock_dialects.cpp.
    void dialectAnswers_data() { dialect_tests::answersData(); }
    void dialectAnswers() { dialect_tests::answers(*m_mock); }
    void dialectStreams_data() { dialect_tests::streamsData(); }
    void dialectStreams() { dialect_tests::streams(*m_mock); }
    void dialectStreamsArePaced_data() { dialect_tests::pacesStreamsData(); }
    void dialectStreamsArePaced() { dialect_tests::pacesStreams(*m_mock); }
    void ollamaStreamsByDefault_data() { dialect_tests::ollamaStreamsByDefaultData(); }
    void ollamaStreamsByDefault() { dialect_tests::ollamaStreamsByDefault(*m_mock); }
    void dialectFaultBodies_data() { dialect_tests::faultBodiesData(); }
    void dialectFaultBodies() { dialect_tests::faultBodies(*m_mock); }
    void dialectStreamFaults_data() { dialect_tests::streamFaultsData(); }
    void dialectStreamFaults() { dialect_tests::streamFaults(*m_mock); }
    void recordsDialectRequests() { dialect_tests::recordsDialectRequests(*m_mock); }

private:
    std::unique_ptr<MockUpstream> m_mock;
};

QTEST_GUILESS_MAIN(TestMockUpstream)
#include "tst_mock_upstream.moc"
