// SPDX-License-Identifier: GPL-3.0-or-later
// The Google Gemini provider translator against recorded-shape fixtures in
// tests/data/translate/google/: requests.json (OpenAI request → native request or error),
// response_*.json + responses.json (native answer → chat.completion), stream_*.sse +
// streams.json (native SSE stream → merged chunks), models.json.
#include "TranslateFixtures.h"

#include <translate/Dialects.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace aisbf;
namespace fixtures = aisbf::test::fixtures;

namespace {

const translate::ProviderTranslator &google()
{
    return translate::providerTranslator(translate::ProviderDialect::Google);
}

translate::OutboundContext contextOf(const QJsonObject &json)
{
    translate::OutboundContext context;
    context.model = json.value(QLatin1String("model")).toString();
    context.stream = json.value(QLatin1String("stream")).toBool();
    context.apiKey = json.value(QLatin1String("apiKey")).toString();
    context.basePath = json.value(QLatin1String("basePath")).toString().toUtf8();
    return context;
}

using fixtures::compact;
using fixtures::StreamRun;

StreamRun runStream(const QList<QByteArray> &pieces)
{
    const std::unique_ptr<translate::StreamDecoder> decoder =
        google().streamDecoder(QStringLiteral("gemini-test"));
    return fixtures::runStream(*decoder, pieces);
}

} // namespace

class TestTranslateGoogle : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void request_data();
    void request();
    void targetBasePath_data();
    void targetBasePath();
    void response_data();
    void response();
    void responseRejects_data();
    void responseRejects();
    void stream_data();
    void stream();
    void streamShape();
    void streamAfterError();
    void errorMessage_data();
    void errorMessage();
    void models();
};

void TestTranslateGoogle::request_data()
{
    QTest::addColumn<QJsonObject>("testCase");
    const QJsonObject cases = fixtures::readJson(QStringLiteral("google/requests.json"));
    QVERIFY(!cases.isEmpty());
    for (auto it = cases.constBegin(); it != cases.constEnd(); ++it)
        QTest::addRow("%s", qPrintable(it.key())) << it.value().toObject();
}

void TestTranslateGoogle::request()
{
    QFETCH(QJsonObject, testCase);
    const translate::OutboundContext context =
        contextOf(testCase.value(QLatin1String("context")).toObject());
    const translate::OutboundRequest request =
        google().request(testCase.value(QLatin1String("openai")).toObject(), context);

    if (testCase.contains(QLatin1String("error"))) {
        QCOMPARE(request.error, testCase.value(QLatin1String("error")).toString());
        QCOMPARE(request.errorParam, testCase.value(QLatin1String("errorParam")).toString());
        if (!context.apiKey.isEmpty())
            QVERIFY(!request.error.contains(context.apiKey));
        QVERIFY(request.body.isEmpty());
        return;
    }
    QCOMPARE(request.error, QString());
    QCOMPARE(request.target, testCase.value(QLatin1String("target")).toString().toUtf8());
    translate::HeaderList headers;
    for (const QJsonValue &header : testCase.value(QLatin1String("headers")).toArray())
        headers.append({header.toArray().at(0).toString().toUtf8(),
                        header.toArray().at(1).toString().toUtf8()});
    QCOMPARE(request.headers, headers);
    const QJsonDocument body = QJsonDocument::fromJson(request.body);
    QVERIFY(body.isObject());
    QCOMPARE(compact(body.object()), compact(testCase.value(QLatin1String("body")).toObject()));
}

void TestTranslateGoogle::targetBasePath_data()
{
    QTest::addColumn<QByteArray>("basePath");
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<QByteArray>("target");
    QTest::addRow("empty") << QByteArray() << QStringLiteral("gemini-2.5-flash") << false
                           << QByteArray("/v1beta/models/gemini-2.5-flash:generateContent");
    QTest::addRow("slash") << QByteArray("/") << QStringLiteral("models/gemini-2.5-flash") << true
                           << QByteArray("/v1beta/models/gemini-2.5-flash:"
                                         "streamGenerateContent?alt=sse");
    QTest::addRow("v1beta") << QByteArray("/v1beta") << QStringLiteral("g") << false
                            << QByteArray("/v1beta/models/g:generateContent");
    QTest::addRow("v1") << QByteArray("/v1") << QStringLiteral("g") << true
                        << QByteArray("/v1/models/g:streamGenerateContent?alt=sse");
    QTest::addRow("proxy prefix") << QByteArray("/gemini/v1beta/") << QStringLiteral("g") << false
                                  << QByteArray("/gemini/v1beta/models/g:generateContent");
    QTest::addRow("v1 inside a word") << QByteArray("/apiv1x") << QStringLiteral("g") << false
                                      << QByteArray("/apiv1x/v1beta/models/g:generateContent");
}

void TestTranslateGoogle::targetBasePath()
{
    QFETCH(QByteArray, basePath);
    QFETCH(QString, model);
    QFETCH(bool, stream);
    QFETCH(QByteArray, target);
    translate::OutboundContext context;
    context.basePath = basePath;
    context.model = model;
    context.stream = stream;
    const QJsonObject openAi{
        {QStringLiteral("messages"),
         QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                {QStringLiteral("content"), QStringLiteral("hi")}}}}};
    const translate::OutboundRequest request = google().request(openAi, context);
    QCOMPARE(request.error, QString());
    QCOMPARE(request.target, target);
    QVERIFY(request.headers.isEmpty()); // no key, no header
}

void TestTranslateGoogle::response_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QJsonObject>("expected");
    const QJsonObject cases = fixtures::readJson(QStringLiteral("google/responses.json"));
    QVERIFY(!cases.isEmpty());
    for (auto it = cases.constBegin(); it != cases.constEnd(); ++it)
        QTest::addRow("%s", qPrintable(it.key())) << it.key() << it.value().toObject();
}

void TestTranslateGoogle::response()
{
    QFETCH(QString, file);
    QFETCH(QJsonObject, expected);
    const translate::TranslatedResponse response = google().response(
        fixtures::read(QStringLiteral("google/") + file), QStringLiteral("gemini-test"));
    QCOMPARE(response.error, QString());
    const QJsonObject completion = response.completion;
    QVERIFY(
        completion.value(QLatin1String("id")).toString().startsWith(QLatin1String("chatcmpl-")));
    QCOMPARE(completion.value(QLatin1String("object")).toString(),
             QStringLiteral("chat.completion"));
    QCOMPARE(completion.value(QLatin1String("model")).toString(), QStringLiteral("gemini-test"));
    QVERIFY(completion.value(QLatin1String("created")).toInteger() > 0);
    const QJsonArray choices = completion.value(QLatin1String("choices")).toArray();
    QCOMPARE(choices.size(), 1);
    const QJsonObject choice = choices.first().toObject();
    QCOMPARE(compact(choice.value(QLatin1String("message")).toObject()),
             compact(expected.value(QLatin1String("message")).toObject()));
    QCOMPARE(choice.value(QLatin1String("finish_reason")).toString(),
             expected.value(QLatin1String("finish_reason")).toString());
    QCOMPARE(compact(completion.value(QLatin1String("usage")).toObject()),
             compact(expected.value(QLatin1String("usage")).toObject()));
}

void TestTranslateGoogle::responseRejects_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("errorPart");
    QTest::addRow("not JSON") << QByteArray("<html>502</html>")
                              << QStringLiteral("not a GenerateContentResponse");
    QTest::addRow("array") << QByteArray("[]") << QStringLiteral("not a GenerateContentResponse");
    QTest::addRow("no candidates") << QByteArray(R"({"usageMetadata":{"promptTokenCount":1}})")
                                   << QStringLiteral("not a GenerateContentResponse");
    QTest::addRow("error object")
        << QByteArray(
               R"({"error":{"code":429,"message":"Resource exhausted","status":"RESOURCE_EXHAUSTED"}})")
        << QStringLiteral("Resource exhausted");
}

void TestTranslateGoogle::responseRejects()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, errorPart);
    const translate::TranslatedResponse response = google().response(body, QStringLiteral("g"));
    QVERIFY2(response.error.contains(errorPart), qPrintable(response.error));
    QVERIFY(response.completion.isEmpty());
}

void TestTranslateGoogle::stream_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QJsonObject>("expected");
    const QJsonObject cases = fixtures::readJson(QStringLiteral("google/streams.json"));
    QVERIFY(!cases.isEmpty());
    for (auto it = cases.constBegin(); it != cases.constEnd(); ++it)
        QTest::addRow("%s", qPrintable(it.key())) << it.key() << it.value().toObject();
}

void TestTranslateGoogle::stream()
{
    QFETCH(QString, file);
    QFETCH(QJsonObject, expected);
    // Byte by byte splits every UTF-8 character and every CRLF CRLF terminator.
    fixtures::verifyStream([] { return google().streamDecoder(QStringLiteral("gemini-test")); },
                           fixtures::read(QStringLiteral("google/") + file), expected, {1, 7});
}

void TestTranslateGoogle::streamShape()
{
    const StreamRun run = runStream({fixtures::read(QStringLiteral("google/stream_text.sse"))});
    QVERIFY(run.finished);
    QVERIFY(run.chunks.size() >= 3);
    // The role chunk opens, the usage chunk (no choices) closes, all under one id.
    const QJsonObject first = run.chunks.first();
    const QJsonObject firstDelta = first.value(QLatin1String("choices"))
                                       .toArray()
                                       .first()
                                       .toObject()
                                       .value(QLatin1String("delta"))
                                       .toObject();
    QCOMPARE(firstDelta.value(QLatin1String("role")).toString(), QStringLiteral("assistant"));
    QCOMPARE(firstDelta.value(QLatin1String("content")).toString(), QString());
    const QJsonObject last = run.chunks.last();
    QVERIFY(last.value(QLatin1String("choices")).toArray().isEmpty());
    QVERIFY(last.value(QLatin1String("usage")).isObject());
    for (qsizetype i = 0; i < run.chunks.size(); ++i) {
        const QJsonObject chunk = run.chunks.at(i);
        QCOMPARE(chunk.value(QLatin1String("id")), first.value(QLatin1String("id")));
        QCOMPARE(chunk.value(QLatin1String("model")).toString(), QStringLiteral("gemini-test"));
        if (i == 0)
            continue;
        // The fixture has an empty text part: no delta may carry empty text.
        for (const QJsonValue &choice : chunk.value(QLatin1String("choices")).toArray()) {
            const QJsonObject delta = choice.toObject().value(QLatin1String("delta")).toObject();
            if (delta.contains(QLatin1String("content")))
                QVERIFY(!delta.value(QLatin1String("content")).toString().isEmpty());
        }
    }
}

void TestTranslateGoogle::streamAfterError()
{
    const std::unique_ptr<translate::StreamDecoder> decoder =
        google().streamDecoder(QStringLiteral("g"));
    const translate::StreamDecoder::Output bad = decoder->feed("data: not json\n\n");
    QVERIFY(bad.error.contains(QLatin1String("malformed")));
    // Later bytes cannot revive a broken stream.
    const QByteArray good = R"(data: {"candidates":[{"content":{"parts":[{"text":"x"}]},)"
                            R"("finishReason":"STOP"}]})"
                            "\n\n";
    QCOMPARE(decoder->feed(good).error, bad.error);
    const translate::StreamDecoder::Output end = decoder->finish();
    QCOMPARE(end.error, bad.error);
    QVERIFY(!end.finished);
}

void TestTranslateGoogle::errorMessage_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::addRow("invalid argument")
        << QByteArray(
               R"({"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]}})")
        << QStringLiteral("API key not valid. Please pass a valid API key.");
    QTest::addRow("list form") << QByteArray(R"([{"error":{"code":500,"message":"x"}}])")
                               << QStringLiteral("x");
    QTest::addRow("empty list") << QByteArray("[]") << QString();
    QTest::addRow("html") << QByteArray("<html>Bad Gateway</html>") << QString();
}

void TestTranslateGoogle::errorMessage()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    QCOMPARE(google().errorMessage(body), message);
}

void TestTranslateGoogle::models()
{
    translate::OutboundContext context;
    context.basePath = "/v1beta";
    context.apiKey = QStringLiteral("k-models");
    const translate::OutboundRequest request = google().modelsRequest(context);
    QCOMPARE(request.target, QByteArray("/v1beta/models"));
    QCOMPARE(request.headers,
             translate::HeaderList({{QByteArray("x-goog-api-key"), QByteArray("k-models")}}));
    QCOMPARE(google().parseModels(fixtures::read(QStringLiteral("google/models.json"))),
             QStringList({QStringLiteral("gemini-2.5-flash"), QStringLiteral("gemini-2.0-flash")}));
    QVERIFY(google().parseModels("{\"error\":{}}").isEmpty());
    QCOMPARE(google().streamContentType(), QByteArray("text/event-stream"));
}

QTEST_GUILESS_MAIN(TestTranslateGoogle)
#include "tst_translate_google.moc"
