// SPDX-License-Identifier: GPL-3.0-or-later
// The Anthropic dialect: provider translator (OpenAI → Messages API and back, whole and
// streamed) and client codec (/v1/messages clients), against fixtures in
// tests/data/translate/anthropic.
#include "TranslateFixtures.h"

#include <protocol/OpenAiError.h>
#include <translate/ClientCodec.h>
#include <translate/ProviderTranslator.h>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace aisbf::translate;
using namespace Qt::StringLiterals;
namespace fixtures = aisbf::test::fixtures;

namespace {

const ProviderTranslator &provider()
{
    return providerTranslator(ProviderDialect::Anthropic);
}

const ClientCodec &codec()
{
    return clientCodec(ClientDialect::Anthropic);
}

// Compact JSON bytes: deterministic (sorted keys) and readable when a QCOMPARE fails.
QByteArray compact(const QJsonValue &value)
{
    return value.isArray() ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                           : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
}

QJsonObject parse(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

QString fixture(const char *name)
{
    return u"anthropic/"_s + QLatin1String(name);
}

OutboundContext contextFrom(const QJsonObject &json)
{
    OutboundContext context;
    context.model = json.value("model"_L1).toString();
    context.stream = json.value("stream"_L1).toBool();
    context.apiKey = json.value("apiKey"_L1).toString();
    context.basePath = json.value("basePath"_L1).toString().toUtf8();
    context.defaultMaxTokens = json.value("defaultMaxTokens"_L1).toInteger(4096);
    context.providerRaw = json.value("providerRaw"_L1).toObject();
    return context;
}

QJsonObject headersOf(const HeaderList &headers)
{
    QJsonObject object;
    for (const auto &[name, value] : headers)
        object.insert(QString::fromLatin1(name), QString::fromUtf8(value));
    return object;
}

QJsonObject withoutCreated(QJsonObject object)
{
    object.remove("created"_L1);
    return object;
}

struct Decoded
{
    QList<QJsonObject> chunks;
    bool finished = false;
    QString error;
};

Decoded decode(const QList<QByteArray> &pieces)
{
    Decoded decoded;
    const auto take = [&decoded](const StreamDecoder::Output &output) {
        decoded.chunks += output.chunks;
        decoded.finished = decoded.finished || output.finished;
        if (decoded.error.isEmpty())
            decoded.error = output.error;
    };
    const std::unique_ptr<StreamDecoder> decoder = provider().streamDecoder(u"smart"_s);
    for (const QByteArray &piece : pieces)
        take(decoder->feed(piece));
    take(decoder->finish());
    return decoded;
}

struct SseEvent
{
    QByteArray name;
    QJsonObject data;
};

// The encoder's bytes as an SDK reads them: "event: NAME\ndata: JSON\n\n" each.
QList<SseEvent> parseSse(const QByteArray &bytes)
{
    QList<SseEvent> events;
    for (const QByteArray &block : bytes.split('\n')) {
        if (block.startsWith("event: "))
            events.append({block.sliced(7), {}});
        else if (block.startsWith("data: ") && !events.isEmpty())
            events.last().data = parse(block.sliced(6));
    }
    return events;
}

// Folds the events into the final message the way the SDK's MessageStream does.
QJsonObject assemble(const QList<SseEvent> &events)
{
    QJsonObject message;
    QJsonArray content;
    QStringList partialJson;
    for (const SseEvent &event : events) {
        const QString type = event.data.value("type"_L1).toString();
        const int index = event.data.value("index"_L1).toInt();
        if (type == "message_start"_L1) {
            message = event.data.value("message"_L1).toObject();
        } else if (type == "content_block_start"_L1) {
            if (index != content.size())
                return {{u"assemble_error"_s, u"block index %1 out of order"_s.arg(index)}};
            content.append(event.data.value("content_block"_L1));
            partialJson.append(QString());
        } else if (type == "content_block_delta"_L1 && index < content.size()) {
            QJsonObject block = content.at(index).toObject();
            const QJsonObject delta = event.data.value("delta"_L1).toObject();
            const QString kind = delta.value("type"_L1).toString();
            if (kind == "text_delta"_L1 || kind == "thinking_delta"_L1) {
                const QString key = kind.chopped(6); // "text" or "thinking"
                block[key] = QString(block.value(key).toString() + delta.value(key).toString());
            } else if (kind == "input_json_delta"_L1)
                partialJson[index] += delta.value("partial_json"_L1).toString();
            content[index] = block;
        } else if (type == "content_block_stop"_L1 && index < content.size()) {
            QJsonObject block = content.at(index).toObject();
            if (block.value("type"_L1) == "tool_use"_L1 && !partialJson.at(index).isEmpty())
                block[u"input"_s] = parse(partialJson.at(index).toUtf8());
            content[index] = block;
        } else if (type == "message_delta"_L1) {
            const QJsonObject delta = event.data.value("delta"_L1).toObject();
            message[u"stop_reason"_s] = delta.value("stop_reason"_L1);
            message[u"stop_sequence"_s] = delta.value("stop_sequence"_L1);
            QJsonObject usage = message.value("usage"_L1).toObject();
            const QJsonObject update = event.data.value("usage"_L1).toObject();
            for (auto it = update.begin(); it != update.end(); ++it)
                usage.insert(it.key(), it.value());
            message[u"usage"_s] = usage;
        }
    }
    message[u"content"_s] = content;
    return message;
}

QByteArray encodeAll(StreamEncoder &encoder, const QJsonArray &chunks)
{
    QByteArray bytes;
    for (const QJsonValue &chunk : chunks)
        bytes += encoder.chunk(chunk.toObject());
    return bytes + encoder.finish();
}

} // namespace

class TestTranslateAnthropic : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // Provider side: OpenAI request → Anthropic request.
    void providerRequest_data();
    void providerRequest();
    void toolChoice_data();
    void toolChoice();
    void maxTokens_data();
    void maxTokens();
    void nAboveOneIsRejected();
    void endpoints_data();
    void endpoints();
    // Provider side: Anthropic answers → OpenAI.
    void response_data();
    void response();
    void stopReasons_data();
    void stopReasons();
    void badResponses_data();
    void badResponses();
    void errorMessageAndModels();
    void stream_data();
    void stream();
    void streamByteByByteMatchesWhole_data();
    void streamByteByByteMatchesWhole();
    // Client side: /v1/messages clients.
    void clientRequest();
    void clientRequestErrors_data();
    void clientRequestErrors();
    void clientResponse_data();
    void clientResponse();
    void errorBody_data();
    void errorBody();
    void clientStream();
    void clientStreamRoundTrip();
    void clientStreamEdges();
    // Not a pass/fail check: prints the per-chunk cost of both stream directions.
    void chunkCost();
};

void TestTranslateAnthropic::providerRequest_data()
{
    QTest::addColumn<QString>("name");
    for (const char *name : {"request_system", "request_images", "request_tools", "request_audio",
                             "request_file", "request_bad_arguments"})
        QTest::addRow("%s", name) << fixture(name) + u".json"_s;
}

void TestTranslateAnthropic::providerRequest()
{
    QFETCH(QString, name);
    const QJsonObject json = fixtures::readJson(name);
    const QJsonObject expected = json.value("expected"_L1).toObject();
    const OutboundContext context = contextFrom(json.value("context"_L1).toObject());
    const OutboundRequest request = provider().request(json.value("openai"_L1).toObject(), context);
    QCOMPARE(request.error, expected.value("error"_L1).toString());
    QCOMPARE(request.errorParam, expected.value("errorParam"_L1).toString());
    if (!request.error.isEmpty()) {
        QVERIFY(request.body.isEmpty());
        if (!context.apiKey.isEmpty())
            QVERIFY(!request.error.contains(context.apiKey));
        return;
    }
    QCOMPARE(request.target, expected.value("target"_L1).toString().toUtf8());
    QCOMPARE(compact(headersOf(request.headers)), compact(expected.value("headers"_L1)));
    QCOMPARE(compact(parse(request.body)), compact(expected.value("body"_L1)));
}

void TestTranslateAnthropic::toolChoice_data()
{
    QTest::addColumn<QJsonObject>("patch");   // keys put over request_tools.json's request
    QTest::addColumn<QJsonValue>("expected"); // the tool_choice sent, null for none
    const QJsonObject json = fixtures::readJson(fixture("request_tool_choice_cases.json"));
    for (const QJsonValue &value : json.value("cases"_L1).toArray()) {
        const QJsonObject row = value.toObject();
        QTest::addRow("%s", qPrintable(row.value("name"_L1).toString()))
            << row.value("patch"_L1).toObject() << row.value("expected"_L1);
    }
}

void TestTranslateAnthropic::toolChoice()
{
    QFETCH(QJsonObject, patch);
    QFETCH(QJsonValue, expected);
    const QJsonObject json = fixtures::readJson(fixture("request_tools.json"));
    QJsonObject openAi = json.value("openai"_L1).toObject();
    openAi.remove("tool_choice"_L1);
    openAi.remove("parallel_tool_calls"_L1);
    for (auto it = patch.begin(); it != patch.end(); ++it)
        openAi.insert(it.key(), it.value());
    const OutboundRequest request =
        provider().request(openAi, contextFrom(json.value("context"_L1).toObject()));
    QVERIFY2(request.error.isEmpty(), qPrintable(request.error));
    const QJsonObject body = parse(request.body);
    QCOMPARE(body.contains("tool_choice"_L1), !expected.isNull());
    QCOMPARE(compact(body.value("tool_choice"_L1)), compact(expected));
}

void TestTranslateAnthropic::maxTokens_data()
{
    QTest::addColumn<QByteArray>("openAi");
    QTest::addColumn<qint64>("defaultMaxTokens");
    QTest::addColumn<qint64>("expected");
    const QByteArray messages = R"("messages":[{"role":"user","content":"hi"}])"_ba;
    const auto object = [&messages](const char *fields) {
        return QByteArray("{" + QByteArray(fields) + messages + "}");
    };
    QTest::addRow("default") << object("") << qint64(4096) << qint64(4096);
    QTest::addRow("operator default") << object("") << qint64(1000) << qint64(1000);
    QTest::addRow("max_tokens") << object(R"("max_tokens":77,)") << qint64(4096) << qint64(77);
    QTest::addRow("max_completion_tokens first")
        << object(R"("max_tokens":77,"max_completion_tokens":88,)") << qint64(4096) << qint64(88);
}

void TestTranslateAnthropic::maxTokens()
{
    QFETCH(QByteArray, openAi);
    QFETCH(qint64, defaultMaxTokens);
    QFETCH(qint64, expected);
    OutboundContext context;
    context.model = u"claude"_s;
    context.defaultMaxTokens = defaultMaxTokens;
    const OutboundRequest request = provider().request(parse(openAi), context);
    QCOMPARE(parse(request.body).value("max_tokens"_L1).toInteger(), expected);
}

void TestTranslateAnthropic::nAboveOneIsRejected()
{
    QJsonObject openAi =
        fixtures::readJson(fixture("request_system.json")).value("openai"_L1).toObject();
    openAi.insert(u"n"_s, 2);
    const OutboundRequest request = provider().request(openAi, OutboundContext{});
    QCOMPARE(request.error, u"n: n > 1 is not supported by provider type anthropic"_s);
    QCOMPARE(request.errorParam, u"n"_s);
}

void TestTranslateAnthropic::endpoints_data()
{
    QTest::addColumn<QByteArray>("basePath");
    QTest::addColumn<QByteArray>("messages");
    QTest::addColumn<QByteArray>("models");
    QTest::addRow("origin") << ""_ba
                            << "/v1/messages"_ba
                            << "/v1/models"_ba;
    QTest::addRow("slash") << "/"_ba
                           << "/v1/messages"_ba
                           << "/v1/models"_ba;
    QTest::addRow("v1") << "/v1"_ba
                        << "/v1/messages"_ba
                        << "/v1/models"_ba;
    QTest::addRow("v1 slash") << "/v1/"_ba
                              << "/v1/messages"_ba
                              << "/v1/models"_ba;
    QTest::addRow("prefixed") << "/proxy/anthropic"_ba
                              << "/proxy/anthropic/v1/messages"_ba
                              << "/proxy/anthropic/v1/models"_ba;
    QTest::addRow("prefixed v1") << "/proxy/v1"_ba
                                 << "/proxy/v1/messages"_ba
                                 << "/proxy/v1/models"_ba;
}

void TestTranslateAnthropic::endpoints()
{
    QFETCH(QByteArray, basePath);
    QFETCH(QByteArray, messages);
    QFETCH(QByteArray, models);
    OutboundContext context;
    context.basePath = basePath;
    context.apiKey = u"sk-ant-1"_s;
    QCOMPARE(provider().request(parse(R"({"messages":[]})"_ba), context).target, messages);
    const OutboundRequest listing = provider().modelsRequest(context);
    QCOMPARE(listing.target, models);
    QCOMPARE(compact(headersOf(listing.headers)),
             R"({"anthropic-version":"2023-06-01","x-api-key":"sk-ant-1"})"_ba);
}

void TestTranslateAnthropic::response_data()
{
    QTest::addColumn<QString>("name");
    for (const char *name : {"response_text", "response_thinking_tools", "response_tool_only"})
        QTest::addRow("%s", name) << fixture(name);
}

void TestTranslateAnthropic::response()
{
    QFETCH(QString, name);
    const TranslatedResponse translated =
        provider().response(fixtures::read(name + u".json"_s), u"smart"_s);
    QVERIFY2(translated.error.isEmpty(), qPrintable(translated.error));
    QVERIFY(translated.completion.value("created"_L1).toInteger() > 0);
    QCOMPARE(compact(withoutCreated(translated.completion)),
             compact(fixtures::readJson(name + u".expected.json"_s)));
}

void TestTranslateAnthropic::stopReasons_data()
{
    QTest::addColumn<QString>("stopReason");
    QTest::addColumn<QString>("finishReason");
    QTest::addRow("end_turn") << u"end_turn"_s << u"stop"_s;
    QTest::addRow("stop_sequence") << u"stop_sequence"_s << u"stop"_s;
    QTest::addRow("pause_turn") << u"pause_turn"_s << u"stop"_s;
    QTest::addRow("max_tokens") << u"max_tokens"_s << u"length"_s;
    QTest::addRow("tool_use") << u"tool_use"_s << u"tool_calls"_s;
    QTest::addRow("refusal") << u"refusal"_s << u"content_filter"_s;
}

void TestTranslateAnthropic::stopReasons()
{
    QFETCH(QString, stopReason);
    QFETCH(QString, finishReason);
    QJsonObject native = fixtures::readJson(fixture("response_text.json"));
    native.insert(u"stop_reason"_s, stopReason);
    const TranslatedResponse translated = provider().response(compact(native), u"m"_s);
    const QJsonObject choice =
        translated.completion.value("choices"_L1).toArray().first().toObject();
    QCOMPARE(choice.value("finish_reason"_L1).toString(), finishReason);
}

void TestTranslateAnthropic::badResponses_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("errorContains");
    QTest::addRow("error object")
        << R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"_ba
        << u"Overloaded"_s;
    QTest::addRow("not json") << "<html>bad gateway</html>"_ba << u"not a message"_s;
    QTest::addRow("array") << "[]"_ba << u"not a message"_s;
    QTest::addRow("openai shape") << R"({"object":"chat.completion","choices":[]})"_ba
                                  << u"not a message"_s;
}

void TestTranslateAnthropic::badResponses()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, errorContains);
    const TranslatedResponse translated = provider().response(body, u"m"_s);
    QVERIFY2(translated.error.contains(errorContains), qPrintable(translated.error));
}

void TestTranslateAnthropic::errorMessageAndModels()
{
    QCOMPARE(
        provider().errorMessage(
            R"({"type":"error","error":{"type":"not_found_error","message":"model: nope"}})"_ba),
        u"model: nope"_s);
    QCOMPARE(provider().errorMessage("upstream connect error"_ba), QString());
    QCOMPARE(provider().parseModels(fixtures::read(fixture("models.json"))),
             QStringList({u"claude-sonnet-4-5-20250929"_s, u"claude-haiku-4-5-20251001"_s}));
    QVERIFY(provider().parseModels(R"({"error":{}})"_ba).isEmpty());
    QCOMPARE(provider().streamContentType(), "text/event-stream"_ba);
    QCOMPARE(codec().streamContentType(), "text/event-stream"_ba);
}

void TestTranslateAnthropic::stream_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("pieceSize"); // 0: the whole body in one feed()
    for (const char *name : {"stream_text", "stream_blocks", "stream_error", "stream_cut",
                             "stream_malformed", "stream_unterminated"}) {
        for (int size : {0, 1, 7})
            QTest::addRow("%s/%d", name, size) << fixture(name) << size;
    }
}

void TestTranslateAnthropic::stream()
{
    QFETCH(QString, name);
    QFETCH(int, pieceSize);
    const QByteArray body = fixtures::read(name + u".sse"_s);
    const QJsonObject expected = fixtures::readJson(name + u".expected.json"_s);
    const Decoded decoded =
        decode(pieceSize == 0 ? QList<QByteArray>{body} : fixtures::splitEvery(body, pieceSize));
    if (expected.contains("error_starts_with"_L1))
        QVERIFY2(decoded.error.startsWith(expected.value("error_starts_with"_L1).toString()),
                 qPrintable(decoded.error));
    else
        QCOMPARE(decoded.error, expected.value("error"_L1).toString());
    QCOMPARE(decoded.finished, expected.value("finished"_L1).toBool());
    QCOMPARE(decoded.chunks.size(), expected.value("chunks"_L1).toInt());
    QCOMPARE(compact(fixtures::mergeChunks(decoded.chunks)), compact(expected.value("merged"_L1)));
}

void TestTranslateAnthropic::streamByteByByteMatchesWhole_data()
{
    QTest::addColumn<QString>("name");
    for (const char *name : {"stream_text", "stream_blocks", "stream_unterminated"})
        QTest::addRow("%s", name) << fixture(name) + u".sse"_s;
}

void TestTranslateAnthropic::streamByteByByteMatchesWhole()
{
    QFETCH(QString, name);
    const QByteArray body = fixtures::read(name);
    const Decoded whole = decode({body});
    const Decoded bytes = decode(fixtures::splitEvery(body, 1));
    QCOMPARE(bytes.chunks.size(), whole.chunks.size());
    for (qsizetype i = 0; i < whole.chunks.size(); ++i)
        QCOMPARE(compact(withoutCreated(bytes.chunks.at(i))),
                 compact(withoutCreated(whole.chunks.at(i))));
    // Every chunk carries the upstream message id.
    QVERIFY(whole.chunks.first().value("id"_L1).toString().startsWith("msg_01"_L1));
}

void TestTranslateAnthropic::clientRequest()
{
    const QJsonObject json = fixtures::readJson(fixture("client_request.json"));
    const QJsonObject expected = json.value("expected"_L1).toObject();
    const InboundRequest inbound = codec().request(json.value("anthropic"_L1).toObject());
    QVERIFY2(inbound.error.isEmpty(), qPrintable(inbound.error));
    QCOMPARE(inbound.model, expected.value("model"_L1).toString());
    QCOMPARE(inbound.stream, expected.value("stream"_L1).toBool());
    QCOMPARE(compact(inbound.openAi), compact(expected.value("openai"_L1)));
}

void TestTranslateAnthropic::clientRequestErrors_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("param");
    const QJsonObject json = fixtures::readJson(fixture("client_request_errors.json"));
    for (const QJsonValue &value : json.value("cases"_L1).toArray()) {
        const QJsonObject row = value.toObject();
        QTest::addRow("%s", qPrintable(row.value("name"_L1).toString()))
            << row.value("body"_L1).toObject() << row.value("param"_L1).toString();
    }
}

void TestTranslateAnthropic::clientRequestErrors()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, param);
    const InboundRequest inbound = codec().request(body);
    QCOMPARE(inbound.errorParam, param);
    QVERIFY2(inbound.error.startsWith(param + u": "_s), qPrintable(inbound.error));
}

void TestTranslateAnthropic::clientResponse_data()
{
    QTest::addColumn<QString>("name");
    QTest::addRow("tools") << fixture("client_response.json");
    QTest::addRow("text") << fixture("client_response_text.json");
}

void TestTranslateAnthropic::clientResponse()
{
    QFETCH(QString, name);
    const QJsonObject json = fixtures::readJson(name);
    const QByteArray body = codec().response(json.value("completion"_L1).toObject());
    QCOMPARE(body, compact(json.value("expected"_L1)));
}

void TestTranslateAnthropic::errorBody_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::addRow("400") << 400 << u"invalid_request_error"_s;
    QTest::addRow("401") << 401 << u"authentication_error"_s;
    QTest::addRow("403") << 403 << u"permission_error"_s;
    QTest::addRow("404") << 404 << u"not_found_error"_s;
    QTest::addRow("413") << 413 << u"request_too_large"_s;
    QTest::addRow("429") << 429 << u"rate_limit_error"_s;
    QTest::addRow("500") << 500 << u"api_error"_s;
    QTest::addRow("502") << 502 << u"api_error"_s;
    QTest::addRow("503") << 503 << u"overloaded_error"_s;
    QTest::addRow("529") << 529 << u"overloaded_error"_s;
}

void TestTranslateAnthropic::errorBody()
{
    QFETCH(int, status);
    QFETCH(QString, type);
    aisbf::protocol::OpenAiError error;
    error.status = status;
    error.message = u"what went wrong \"here\""_s;
    const QJsonObject expected{
        {u"type"_s, u"error"_s},
        {u"error"_s, QJsonObject{{u"type"_s, type}, {u"message"_s, error.message}}}};
    QCOMPARE(codec().errorBody(error), compact(expected));
}

void TestTranslateAnthropic::clientStream()
{
    const QJsonObject json = fixtures::readJson(fixture("client_stream.json"));
    const auto encoder = codec().streamEncoder(json.value("model"_L1).toString());
    const QByteArray bytes = encodeAll(*encoder, json.value("chunks"_L1).toArray());
    QVERIFY(bytes.endsWith("\n\n"));
    const QList<SseEvent> events = parseSse(bytes);
    QStringList names;
    for (const SseEvent &event : events) {
        names.append(QString::fromLatin1(event.name));
        // The SDK dispatches on the event name and reads the same "type" inside.
        QCOMPARE(event.data.value("type"_L1).toString(), names.last());
    }
    QStringList expectedNames;
    for (const QJsonValue &name : json.value("expected_events"_L1).toArray())
        expectedNames.append(name.toString());
    QCOMPARE(names, expectedNames);
    QCOMPARE(compact(assemble(events)), compact(json.value("expected_message"_L1)));
    QVERIFY(encoder->finish().isEmpty()); // closing events go out once
}

void TestTranslateAnthropic::clientStreamRoundTrip()
{
    // OpenAI chunks → Anthropic SSE (client encoder) → OpenAI chunks (provider decoder) must
    // assemble to what the original chunks assemble to.
    const QJsonObject json = fixtures::readJson(fixture("client_stream.json"));
    const QJsonArray chunks = json.value("chunks"_L1).toArray();
    const auto encoder = codec().streamEncoder(u"m"_s);
    const Decoded decoded = decode(fixtures::splitEvery(encodeAll(*encoder, chunks), 1));
    QVERIFY2(decoded.error.isEmpty(), qPrintable(decoded.error));
    QVERIFY(decoded.finished);
    QList<QJsonObject> original;
    for (const QJsonValue &chunk : chunks)
        original.append(chunk.toObject());
    QCOMPARE(compact(fixtures::mergeChunks(decoded.chunks)),
             compact(fixtures::mergeChunks(original)));
}

void TestTranslateAnthropic::clientStreamEdges()
{
    // Nothing streamed: still a well-formed message.
    auto encoder = codec().streamEncoder(u"m"_s);
    QList<SseEvent> events = parseSse(encoder->finish());
    QCOMPARE(events.size(), 3);
    QCOMPARE(events.at(0).name, "message_start"_ba);
    QCOMPARE(events.at(1).data.value("delta"_L1).toObject().value("stop_reason"_L1).toString(),
             u"end_turn"_s);
    QCOMPARE(events.at(2).name, "message_stop"_ba);

    // Text, a tool call, text again: each change of kind is its own block.
    encoder = codec().streamEncoder(u"m"_s);
    const auto delta = [](const QByteArray &json) {
        return parse(QByteArray(
            R"({"id":"chatcmpl-x","object":"chat.completion.chunk","choices":[{"index":0,"delta":)" +
            json + "}]}"));
    };
    QByteArray bytes = encoder->chunk(delta(R"({"content":"a"})"_ba));
    bytes += encoder->chunk(
        delta(R"({"tool_calls":[{"index":0,"function":{"name":"f","arguments":"{}"}}]})"_ba));
    bytes += encoder->chunk(delta(R"({"content":"b"})"_ba));
    bytes += encoder->error(u"upstream went away"_s);
    events = parseSse(bytes);
    const QJsonObject message = assemble(events);
    QCOMPARE(message.value("content"_L1).toArray().size(), 3);
    const QJsonObject tool = message.value("content"_L1).toArray().at(1).toObject();
    QVERIFY(tool.value("id"_L1).toString().startsWith("toolu_"_L1)); // generated: none was sent
    QCOMPARE(events.last().name, "error"_ba);
    QCOMPARE(compact(events.last().data),
             R"({"error":{"message":"upstream went away","type":"api_error"},"type":"error"})"_ba);
    QVERIFY(encoder->finish().isEmpty()); // nothing after the error
}

void TestTranslateAnthropic::chunkCost()
{
    // Text deltas and tool argument deltas apart, as their chunks differ in shape. Chunks are
    // dropped as they come, as the gateway does once it has written them; the best of three
    // rounds is printed, as other work on the machine only ever adds time.
    constexpr int events = 10000;
    const QByteArray head = fixtures::read(fixture("stream_text.sse"));
    const QByteArray start = head.first(head.indexOf("event: ping"));
    const QByteArray textDelta = R"(event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" token wörd"}}

)"_ba;
    const QByteArray toolStart = R"(event: content_block_start
data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"f","input":{}}}

)"_ba;
    const QByteArray jsonDelta = R"(event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"\"ab\","}}

)"_ba;
    for (const auto &[kind, blockStart, delta] :
         {std::tuple{"text", QByteArray(), textDelta},
          std::tuple{"tool arguments", toolStart, jsonDelta}}) {
        const QByteArray sse = start + blockStart + delta.repeated(events);
        const QList<QByteArray> reads = fixtures::splitEvery(sse, 4096);
        const QList<QJsonObject> chunks = decode(reads).chunks;
        QVERIFY(chunks.size() > events);
        double decodeUs = 1e9;
        double encodeUs = 1e9;
        for (int round = 0; round < 3; ++round) {
            QElapsedTimer timer;
            timer.start();
            const auto decoder = provider().streamDecoder(u"m"_s);
            qsizetype decoded = 0;
            for (const QByteArray &read : reads)
                decoded += decoder->feed(read).chunks.size();
            decodeUs = qMin(decodeUs, double(timer.nsecsElapsed()) / 1000.0 / double(decoded));
            timer.restart();
            const auto encoder = codec().streamEncoder(u"m"_s);
            qsizetype bytes = 0;
            for (const QJsonObject &chunk : chunks)
                bytes += encoder->chunk(chunk).size();
            encodeUs =
                qMin(encodeUs, double(timer.nsecsElapsed()) / 1000.0 / double(chunks.size()));
            QVERIFY(bytes > 0);
        }
        qInfo("%s: decoder %.2f us/chunk, encoder %.2f us/chunk", kind, decodeUs, encodeUs);
    }
}

QTEST_GUILESS_MAIN(TestTranslateAnthropic)
#include "tst_translate_anthropic.moc"
