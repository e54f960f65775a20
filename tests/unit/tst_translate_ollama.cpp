// SPDX-License-Identifier: GPL-3.0-or-later
// The Ollama dialect against recorded-shape fixtures in tests/data/translate/ollama/.
// Provider side: requests.json, response_*.json + responses.json, stream_*.ndjson +
// streams.json, tags.json. Client side (Ollama clients calling the gateway):
// client_requests.json, client_responses.json, client_stream_*.json.
#include "TranslateFixtures.h"

#include <translate/Dialects.h>
#include <translate/NdjsonSplitter.h>

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace aisbf;
namespace fixtures = aisbf::test::fixtures;

namespace {

const translate::ProviderTranslator &provider()
{
    return translate::providerTranslator(translate::ProviderDialect::Ollama);
}

const translate::ClientCodec &codec()
{
    return translate::clientCodec(translate::ClientDialect::Ollama);
}

translate::OutboundContext contextOf(const QJsonObject &json)
{
    translate::OutboundContext context;
    context.model = json.value(QLatin1String("model")).toString();
    context.stream = json.value(QLatin1String("stream")).toBool();
    context.apiKey = json.value(QLatin1String("apiKey")).toString();
    context.basePath = json.value(QLatin1String("basePath")).toString().toUtf8();
    if (json.contains(QLatin1String("contextSize")))
        context.contextSize = json.value(QLatin1String("contextSize")).toInteger();
    return context;
}

using fixtures::compact;

// created_at must be RFC 3339 UTC; it is checked here and dropped before comparing.
QJsonObject withoutCreatedAt(QJsonObject object)
{
    static const QRegularExpression rfc3339(
        QStringLiteral(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$)"));
    const QString createdAt = object.take(QLatin1String("created_at")).toString();
    if (!rfc3339.match(createdAt).hasMatch())
        object.insert(QStringLiteral("bad_created_at"), createdAt);
    return object;
}

void addJsonRows(const QString &fixture)
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QJsonObject>("testCase");
    const QJsonObject cases = fixtures::readJson(fixture);
    QVERIFY(!cases.isEmpty());
    for (auto it = cases.constBegin(); it != cases.constEnd(); ++it)
        QTest::addRow("%s", qPrintable(it.key())) << it.key() << it.value().toObject();
}

} // namespace

class TestTranslateOllama : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // provider side
    void request_data() { addJsonRows(QStringLiteral("ollama/requests.json")); }
    void request();
    void response_data() { addJsonRows(QStringLiteral("ollama/responses.json")); }
    void response();
    void responseRejects_data();
    void responseRejects();
    void ndjsonSplitter_data();
    void ndjsonSplitter();
    void stream_data() { addJsonRows(QStringLiteral("ollama/streams.json")); }
    void stream();
    void streamShape();
    void providerMisc();
    // client side
    void clientRequest_data() { addJsonRows(QStringLiteral("ollama/client_requests.json")); }
    void clientRequest();
    void clientResponse_data() { addJsonRows(QStringLiteral("ollama/client_responses.json")); }
    void clientResponse();
    void clientStream_data();
    void clientStream();
    void clientErrors();
};

void TestTranslateOllama::request()
{
    QFETCH(QJsonObject, testCase);
    const translate::OutboundContext context =
        contextOf(testCase.value(QLatin1String("context")).toObject());
    const translate::OutboundRequest request =
        provider().request(testCase.value(QLatin1String("openai")).toObject(), context);
    if (testCase.contains(QLatin1String("error"))) {
        QCOMPARE(request.error, testCase.value(QLatin1String("error")).toString());
        QCOMPARE(request.errorParam, testCase.value(QLatin1String("errorParam")).toString());
        if (!context.apiKey.isEmpty())
            QVERIFY(!request.error.contains(context.apiKey));
        return;
    }
    QCOMPARE(request.error, QString());
    QCOMPARE(request.target, testCase.value(QLatin1String("target")).toString().toUtf8());
    translate::HeaderList headers;
    for (const QJsonValue &header : testCase.value(QLatin1String("headers")).toArray())
        headers.append({header.toArray().at(0).toString().toUtf8(),
                        header.toArray().at(1).toString().toUtf8()});
    QCOMPARE(request.headers, headers);
    QCOMPARE(compact(QJsonDocument::fromJson(request.body).object()),
             compact(testCase.value(QLatin1String("body")).toObject()));
}

void TestTranslateOllama::response()
{
    QFETCH(QString, key);
    QFETCH(QJsonObject, testCase);
    const translate::TranslatedResponse response = provider().response(
        fixtures::read(QStringLiteral("ollama/") + key), QStringLiteral("llama-test"));
    QCOMPARE(response.error, QString());
    const QJsonObject completion = response.completion;
    QVERIFY(
        completion.value(QLatin1String("id")).toString().startsWith(QLatin1String("chatcmpl-")));
    QCOMPARE(completion.value(QLatin1String("object")).toString(),
             QStringLiteral("chat.completion"));
    QCOMPARE(completion.value(QLatin1String("model")).toString(), QStringLiteral("llama-test"));
    const QJsonObject choice =
        completion.value(QLatin1String("choices")).toArray().first().toObject();
    QCOMPARE(compact(choice.value(QLatin1String("message")).toObject()),
             compact(testCase.value(QLatin1String("message")).toObject()));
    QCOMPARE(choice.value(QLatin1String("finish_reason")).toString(),
             testCase.value(QLatin1String("finish_reason")).toString());
    QCOMPARE(compact(completion.value(QLatin1String("usage")).toObject()),
             compact(testCase.value(QLatin1String("usage")).toObject()));
}

void TestTranslateOllama::responseRejects_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("errorPart");
    QTest::addRow("not JSON") << QByteArray("upstream gone") << QStringLiteral("no message");
    QTest::addRow("generate answer") << QByteArray(R"({"model":"m","response":"hi","done":true})")
                                     << QStringLiteral("no message");
    QTest::addRow("error") << QByteArray("{\"error\":\"model x not found, try pulling it first\"}")
                           << QStringLiteral("try pulling it first");
}

void TestTranslateOllama::responseRejects()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, errorPart);
    const translate::TranslatedResponse response = provider().response(body, QStringLiteral("m"));
    QVERIFY2(response.error.contains(errorPart), qPrintable(response.error));
}

void TestTranslateOllama::ndjsonSplitter_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QList<QByteArray>>("lines");
    QTest::addRow("plain") << QByteArray("{\"a\":1}\n{\"b\":2}\n")
                           << QList<QByteArray>{"{\"a\":1}", "{\"b\":2}"};
    QTest::addRow("crlf and blanks") << QByteArray("\r\n{\"a\":1}\r\n\r\n  \n{\"b\":2}\r\n")
                                     << QList<QByteArray>{"{\"a\":1}", "{\"b\":2}"};
    QTest::addRow("unterminated last")
        << QByteArray("{\"a\":\"\xC3\xBC\"}\n{\"b\":\"\xF0\x9F\x8E\x89\"}")
        << QList<QByteArray>{"{\"a\":\"\xC3\xBC\"}", "{\"b\":\"\xF0\x9F\x8E\x89\"}"};
    QTest::addRow("empty") << QByteArray() << QList<QByteArray>{};
}

void TestTranslateOllama::ndjsonSplitter()
{
    QFETCH(QByteArray, body);
    QFETCH(QList<QByteArray>, lines);
    for (const qsizetype size : {qsizetype(1), qsizetype(3), qsizetype(1000)}) {
        translate::NdjsonSplitter splitter;
        QList<QByteArray> got;
        for (const QByteArray &piece : fixtures::splitEvery(body, size))
            got += splitter.feed(piece);
        const QByteArray last = splitter.finish();
        if (!last.isNull())
            got.append(last);
        QCOMPARE(got, lines);
        QCOMPARE(splitter.pendingBytes(), qsizetype(0));
    }
}

void TestTranslateOllama::stream()
{
    QFETCH(QString, key);
    QFETCH(QJsonObject, testCase);
    // Byte by byte splits lines inside UTF-8 characters and between CR and LF.
    fixtures::verifyStream([] { return provider().streamDecoder(QStringLiteral("llama-test")); },
                           fixtures::read(QStringLiteral("ollama/") + key), testCase, {1, 5});
}

void TestTranslateOllama::streamShape()
{
    const std::unique_ptr<translate::StreamDecoder> decoder =
        provider().streamDecoder(QStringLiteral("llama-test"));
    // done arrives in feed(): the stream is finished without waiting for the body's end.
    const translate::StreamDecoder::Output out =
        decoder->feed(fixtures::read(QStringLiteral("ollama/stream_text.ndjson")));
    QCOMPARE(out.error, QString());
    QVERIFY(out.finished);
    QVERIFY(out.chunks.size() >= 4);
    const QJsonObject first = out.chunks.first();
    const QJsonObject firstDelta = first.value(QLatin1String("choices"))
                                       .toArray()
                                       .first()
                                       .toObject()
                                       .value(QLatin1String("delta"))
                                       .toObject();
    QCOMPARE(firstDelta.value(QLatin1String("role")).toString(), QStringLiteral("assistant"));
    QVERIFY(out.chunks.last().value(QLatin1String("choices")).toArray().isEmpty());
    QVERIFY(out.chunks.last().value(QLatin1String("usage")).isObject());
    for (qsizetype i = 1; i < out.chunks.size(); ++i) {
        const QJsonObject chunk = out.chunks.at(i);
        QCOMPARE(chunk.value(QLatin1String("id")), first.value(QLatin1String("id")));
        // The fixture has a line with empty content: it must not become an empty delta.
        for (const QJsonValue &choice : chunk.value(QLatin1String("choices")).toArray()) {
            const QJsonObject delta = choice.toObject().value(QLatin1String("delta")).toObject();
            if (delta.contains(QLatin1String("content")))
                QVERIFY(!delta.value(QLatin1String("content")).toString().isEmpty());
        }
    }
    const translate::StreamDecoder::Output end = decoder->finish();
    QVERIFY(end.finished);
    QVERIFY(end.chunks.isEmpty());
}

void TestTranslateOllama::providerMisc()
{
    QCOMPARE(provider().streamContentType(), QByteArray("application/x-ndjson"));
    const QByteArray notFound =
        "{\"error\":\"model \\\"nope\\\" not found, try pulling it first\"}";
    QCOMPARE(provider().errorMessage(notFound),
             QStringLiteral("model \"nope\" not found, try pulling it first"));
    QCOMPARE(provider().errorMessage("<html>502</html>"), QString());

    translate::OutboundContext context;
    context.basePath = "/v1";
    context.apiKey = QStringLiteral("k");
    const translate::OutboundRequest models = provider().modelsRequest(context);
    QCOMPARE(models.target, QByteArray("/api/tags"));
    QCOMPARE(models.headers,
             translate::HeaderList({{QByteArray("Authorization"), QByteArray("Bearer k")}}));
    context.basePath = "/ollama/api";
    context.apiKey.clear();
    QCOMPARE(provider().modelsRequest(context).target, QByteArray("/ollama/api/tags"));
    QVERIFY(provider().modelsRequest(context).headers.isEmpty());
    QCOMPARE(provider().parseModels(fixtures::read(QStringLiteral("ollama/tags.json"))),
             QStringList({QStringLiteral("llama3.2:latest"), QStringLiteral("qwen3:8b")}));
    QVERIFY(provider().parseModels("[]").isEmpty());
}

void TestTranslateOllama::clientRequest()
{
    QFETCH(QJsonObject, testCase);
    const translate::InboundRequest request =
        codec().request(testCase.value(QLatin1String("client")).toObject());
    if (testCase.contains(QLatin1String("error"))) {
        QCOMPARE(request.error, testCase.value(QLatin1String("error")).toString());
        QCOMPARE(request.errorParam, testCase.value(QLatin1String("errorParam")).toString());
        return;
    }
    QCOMPARE(request.error, QString());
    QCOMPARE(request.stream, testCase.value(QLatin1String("stream")).toBool());
    QCOMPARE(request.model, testCase.value(QLatin1String("client"))
                                .toObject()
                                .value(QLatin1String("model"))
                                .toString());
    QCOMPARE(compact(request.openAi), compact(testCase.value(QLatin1String("openai")).toObject()));
}

void TestTranslateOllama::clientResponse()
{
    QFETCH(QJsonObject, testCase);
    const QByteArray body =
        codec().response(testCase.value(QLatin1String("completion")).toObject());
    QVERIFY(!body.contains('\n')); // compact
    const QJsonObject answer = QJsonDocument::fromJson(body).object();
    QCOMPARE(compact(withoutCreatedAt(answer)),
             compact(testCase.value(QLatin1String("expected")).toObject()));
}

void TestTranslateOllama::clientStream_data()
{
    QTest::addColumn<QString>("file");
    const QStringList files = QDir(QStringLiteral(AISBF_TEST_DATA_DIR "/translate/ollama"))
                                  .entryList({QStringLiteral("client_stream_*.json")});
    QVERIFY(!files.isEmpty());
    for (const QString &file : files)
        QTest::addRow("%s", qPrintable(file)) << file;
}

void TestTranslateOllama::clientStream()
{
    QFETCH(QString, file);
    const QJsonObject testCase = fixtures::readJson(QStringLiteral("ollama/") + file);
    const std::unique_ptr<translate::StreamEncoder> encoder =
        codec().streamEncoder(QStringLiteral("llama3.2"));
    QByteArray body;
    for (const QJsonValue &chunk : testCase.value(QLatin1String("chunks")).toArray()) {
        const QByteArray bytes = encoder->chunk(chunk.toObject());
        QVERIFY(bytes.isEmpty() || bytes.endsWith('\n'));
        body += bytes;
    }
    body += encoder->finish();

    // Read the body as the ollama npm client does: split on "\n", JSON.parse each line.
    QList<QByteArray> lines = body.split('\n');
    QCOMPARE(lines.takeLast(), QByteArray());
    const QJsonArray expected = testCase.value(QLatin1String("lines")).toArray();
    QCOMPARE(lines.size(), expected.size());
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QJsonParseError error{};
        const QJsonDocument line = QJsonDocument::fromJson(lines.at(i), &error);
        QVERIFY2(line.isObject(), qPrintable(error.errorString()));
        QCOMPARE(compact(withoutCreatedAt(line.object())), compact(expected.at(i).toObject()));
    }
}

void TestTranslateOllama::clientErrors()
{
    QCOMPARE(codec().streamContentType(), QByteArray("application/x-ndjson"));
    protocol::OpenAiError error;
    error.status = 404;
    error.message = QStringLiteral("model \"x\" not found");
    QCOMPARE(codec().errorBody(error), QByteArray("{\"error\":\"model \\\"x\\\" not found\"}"));

    const std::unique_ptr<translate::StreamEncoder> encoder =
        codec().streamEncoder(QStringLiteral("m"));
    QCOMPARE(encoder->error(QStringLiteral("upstream \"broke\"\n")),
             QByteArray("{\"error\":\"upstream \\\"broke\\\"\\n\"}\n"));
}

QTEST_GUILESS_MAIN(TestTranslateOllama)
#include "tst_translate_ollama.moc"
