// SPDX-License-Identifier: GPL-3.0-or-later
#include <protocol/JsonPatch.h>
#include <protocol/OpenAiError.h>
#include <protocol/SseParser.h>
#include <protocol/TokenCounts.h>
#include <protocol/TokenEstimate.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using aisbf::protocol::SseParser;

namespace {

QList<QByteArray> feedAll(SseParser &parser, const QList<QByteArray> &pieces)
{
    QList<QByteArray> data;
    for (const QByteArray &piece : pieces) {
        for (const SseParser::Event &event : parser.feed(piece))
            data.append(event.data);
    }
    return data;
}

} // namespace

class TestProtocol : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sseEventsSurviveAnySplit_data();
    void sseEventsSurviveAnySplit();
    void sseKeepsIncompleteEventPending();
    void jsonShapeCheck_data();
    void jsonShapeCheck();
    void errorHasOpenAiShape();
    void errorAsSseEvent();
    void tokenEstimate();
    void reportedTokenCounts_data();
    void reportedTokenCounts();
    void replaceTopLevelValue_data();
    void replaceTopLevelValue();
    void jsonStringLiteral();
};

void TestProtocol::sseEventsSurviveAnySplit_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<QList<QByteArray>>("expected");
    QTest::addRow("lf") << QByteArray("data: {\"a\":1}\n\ndata: [DONE]\n\n")
                        << QList<QByteArray>{"{\"a\":1}", "[DONE]"};
    QTest::addRow("crlf") << QByteArray("data: {\"a\":1}\r\n\r\ndata: [DONE]\r\n\r\n")
                          << QList<QByteArray>{"{\"a\":1}", "[DONE]"};
    QTest::addRow("comments and event names skipped")
        << QByteArray(": ping\n\nevent: x\ndata: {}\n\n") << QList<QByteArray>{"{}"};
    QTest::addRow("multi-line data joined")
        << QByteArray("data: {\"a\":\ndata: 2}\n\n") << QList<QByteArray>{"{\"a\":\n2}"};
    QTest::addRow("no space after colon") << QByteArray("data:{}\n\n") << QList<QByteArray>{"{}"};
    // "é" is two bytes in UTF-8; byte-wise feeding splits it.
    QTest::addRow("utf-8 split") << QByteArray("data: {\"t\":\"caf\xc3\xa9\"}\n\n")
                                 << QList<QByteArray>{"{\"t\":\"caf\xc3\xa9\"}"};
}

void TestProtocol::sseEventsSurviveAnySplit()
{
    QFETCH(QByteArray, stream);
    QFETCH(QList<QByteArray>, expected);
    for (qsizetype cut = 0; cut <= stream.size(); ++cut) {
        SseParser parser;
        QCOMPARE(feedAll(parser, {stream.left(cut), stream.mid(cut)}), expected);
    }
    SseParser bytewise;
    QList<QByteArray> pieces;
    for (char c : stream)
        pieces.append(QByteArray(1, c));
    QCOMPARE(feedAll(bytewise, pieces), expected);
}

void TestProtocol::sseKeepsIncompleteEventPending()
{
    SseParser parser;
    QVERIFY(parser.feed("data: {\"a\"").isEmpty());
    QVERIFY(parser.pendingBytes() > 0);
    const auto events = parser.feed(":1}\n\n");
    QCOMPARE(events.size(), 1);
    QCOMPARE(events[0].data, QByteArray("{\"a\":1}"));
}

void TestProtocol::jsonShapeCheck_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<bool>("ok");
    QTest::addRow("object") << QByteArray("{\"x\":1}") << true;
    QTest::addRow("done") << QByteArray("[DONE]") << true;
    QTest::addRow("truncated") << QByteArray("{not json") << false;
    QTest::addRow("text") << QByteArray("hello") << false;
    QTest::addRow("empty") << QByteArray("") << false;
}

void TestProtocol::jsonShapeCheck()
{
    QFETCH(QByteArray, data);
    QFETCH(bool, ok);
    QCOMPARE(aisbf::protocol::looksLikeJsonObject(data), ok);
}

void TestProtocol::errorHasOpenAiShape()
{
    aisbf::protocol::OpenAiError error{404,
                                       QStringLiteral("no such model"),
                                       {},
                                       QByteArrayLiteral("model_not_found"),
                                       QStringLiteral("model")};
    const QJsonObject inner =
        QJsonDocument::fromJson(error.toJson()).object().value(QLatin1String("error")).toObject();
    QCOMPARE(inner.value(QLatin1String("message")).toString(), QStringLiteral("no such model"));
    QCOMPARE(inner.value(QLatin1String("type")).toString(), QStringLiteral("not_found_error"));
    QCOMPARE(inner.value(QLatin1String("code")).toString(), QStringLiteral("model_not_found"));
    QCOMPARE(inner.value(QLatin1String("param")).toString(), QStringLiteral("model"));
    QCOMPARE(aisbf::protocol::OpenAiError::typeForStatus(401), QByteArray("authentication_error"));
    QCOMPARE(aisbf::protocol::OpenAiError::typeForStatus(400), QByteArray("invalid_request_error"));
    QCOMPARE(aisbf::protocol::OpenAiError::typeForStatus(503), QByteArray("server_error"));
}

void TestProtocol::errorAsSseEvent()
{
    aisbf::protocol::OpenAiError error{502, QStringLiteral("cut"), {}, {}, {}};
    const QByteArray event = error.toSseEvent();
    QVERIFY(event.startsWith("data: {\"error\":"));
    QVERIFY(event.endsWith("\n\n"));
}

void TestProtocol::tokenEstimate()
{
    const QJsonArray messages{
        QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                    {QStringLiteral("content"), QString(400, u'a')}},
        QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")},
                    {QStringLiteral("content"),
                     QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                            {QStringLiteral("text"), QString(40, u'b')}}}}},
    };
    // 440 bytes / 4 = 110, plus 4 per message.
    QCOMPARE(aisbf::protocol::estimatePromptTokens(messages), qint64(118));
    QCOMPARE(aisbf::protocol::estimatePromptTokens({}), qint64(0));
}

void TestProtocol::replaceTopLevelValue_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QByteArray>("expected"); // empty: not found
    QTest::addRow("first key") << QByteArray(R"({"model":"a/m","messages":[]})")
                               << QByteArray(R"({"model":"m2","messages":[]})");
    QTest::addRow("last key, spaces")
        << QByteArray("{ \"messages\" : [ {\"role\":\"user\",\"content\":\"x\"} ] ,\n \"model\" : "
                      "\"a/m\" }")
        << QByteArray("{ \"messages\" : [ {\"role\":\"user\",\"content\":\"x\"} ] ,\n \"model\" : "
                      "\"m2\" }");
    QTest::addRow("nested model untouched") << QByteArray(R"({"meta":{"model":"x"},"model":"a/m"})")
                                            << QByteArray(R"({"meta":{"model":"x"},"model":"m2"})");
    QTest::addRow("model inside a string untouched")
        << QByteArray(R"({"messages":[{"content":"\"model\":\"y\" {["}],"model":"a"})")
        << QByteArray(R"({"messages":[{"content":"\"model\":\"y\" {["}],"model":"m2"})");
    QTest::addRow("scalars before")
        << QByteArray(R"({"stream":true,"n":1.5e3,"x":null,"model":"a"})")
        << QByteArray(R"({"stream":true,"n":1.5e3,"x":null,"model":"m2"})");
    QTest::addRow("duplicate keys all replaced") << QByteArray(R"({"model":"a","model":"b"})")
                                                 << QByteArray(R"({"model":"m2","model":"m2"})");
    QTest::addRow("absent") << QByteArray(R"({"messages":[]})") << QByteArray();
    QTest::addRow("escaped key") << QByteArray(R"({"mod\u0065l":"a"})") << QByteArray();
    QTest::addRow("not an object") << QByteArray(R"(["model"])") << QByteArray();
}

void TestProtocol::replaceTopLevelValue()
{
    QFETCH(QByteArray, json);
    QFETCH(QByteArray, expected);
    const auto result = aisbf::protocol::replaceTopLevelValue(json, "model", "\"m2\"");
    if (expected.isEmpty()) {
        QVERIFY(!result);
        return;
    }
    QVERIFY(result);
    QCOMPARE(*result, expected);
    QVERIFY(!QJsonDocument::fromJson(*result).isNull());
}

void TestProtocol::jsonStringLiteral()
{
    QCOMPARE(aisbf::protocol::jsonStringLiteral(QStringLiteral("qwen2.5-coder:32b")),
             QByteArray("\"qwen2.5-coder:32b\""));
    QCOMPARE(aisbf::protocol::jsonStringLiteral(QStringLiteral("a\"b\\c")),
             QByteArray("\"a\\\"b\\\\c\""));
}

QTEST_GUILESS_MAIN(TestProtocol)
void TestProtocol::reportedTokenCounts_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<qint64>("prompt");     // -1: not reported
    QTest::addColumn<qint64>("completion"); // -1: not reported

    QTest::addRow("openai answer")
        << QByteArray(
               R"({"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":34,"total_tokens":46}})")
        << qint64(12) << qint64(34);
    QTest::addRow("openai stream usage chunk, spaced")
        << QByteArray(R"({"choices":[],"usage":{"prompt_tokens" : 7, "completion_tokens":  9}})")
        << qint64(7) << qint64(9);
    QTest::addRow("anthropic message_delta")
        << QByteArray(R"({"type":"message_delta","usage":{"output_tokens":15}})") << qint64(-1)
        << qint64(15);
    QTest::addRow("anthropic message_start")
        << QByteArray(
               R"({"type":"message_start","message":{"usage":{"input_tokens":25,"output_tokens":1}}})")
        << qint64(25) << qint64(1);
    QTest::addRow("ollama final line")
        << QByteArray(R"({"done":true,"prompt_eval_count":26,"eval_count":290})") << qint64(26)
        << qint64(290);
    QTest::addRow("content chunk without usage")
        << QByteArray(R"({"choices":[{"delta":{"content":"completion_tokens"}}]})") << qint64(-1)
        << qint64(-1);
    QTest::addRow("key with a non-number")
        << QByteArray(R"({"usage":{"completion_tokens":null}})") << qint64(-1) << qint64(-1);
    QTest::addRow("the last occurrence of a key wins")
        << QByteArray(R"({"usage":{"prompt_tokens":1,"completion_tokens":2},)"
                      R"("x":{"prompt_tokens":3,"completion_tokens":4}})")
        << qint64(3) << qint64(4);
    QTest::addRow("a later null hides an earlier number")
        << QByteArray(R"({"a":{"completion_tokens":5},"b":{"completion_tokens":null}})")
        << qint64(-1) << qint64(-1);
    QTest::addRow("prompt_eval_count is not eval_count")
        << QByteArray(R"({"prompt_eval_count":26})") << qint64(26) << qint64(-1);
    QTest::addRow("anthropic counts win over openai ones in the same body")
        << QByteArray(R"({"input_tokens":5,"prompt_tokens":7,"output_tokens":1})") << qint64(5)
        << qint64(1);
    QTest::addRow("key cut at the end")
        << QByteArray(R"({"usage":{"prompt_tok)") << qint64(-1) << qint64(-1);
    QTest::addRow("number cut at the end")
        << QByteArray(R"({"usage":{"prompt_tokens":12)") << qint64(12) << qint64(-1);
}

void TestProtocol::reportedTokenCounts()
{
    QFETCH(QByteArray, json);
    QFETCH(qint64, prompt);
    QFETCH(qint64, completion);
    aisbf::protocol::TokenCounts counts;
    aisbf::protocol::scanTokenCounts(json, &counts);
    QCOMPARE(counts.prompt.value_or(-1), prompt);
    QCOMPARE(counts.completion.value_or(-1), completion);

    // Counts found earlier stay when a later event reports none; a later one replaces them.
    aisbf::protocol::scanTokenCounts(QByteArrayView(R"({"choices":[]})"), &counts);
    QCOMPARE(counts.completion.value_or(-1), completion);
    aisbf::protocol::scanTokenCounts(QByteArrayView(R"({"usage":{"completion_tokens":99}})"),
                                     &counts);
    QCOMPARE(counts.completion.value_or(-1), qint64(99));
}

#include "tst_protocol.moc"
