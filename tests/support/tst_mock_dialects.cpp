// SPDX-License-Identifier: GPL-3.0-or-later
#include "tst_mock_dialects.h"

#include "MockDialectFixtures.h"
#include "MockTestClient.h"
#include "MockUpstream.h"

#include <QElapsedTimer>
#include <QJsonArray>

namespace aisbf::test::dialect_tests {

using namespace fixtures;

void answersData()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QStringList>("checks");
    const QByteArray json = "application/json";

    QTest::addRow("anthropic text")
        << anthropic(kAnthropicText) << 200 << json
        << strings({"id~msg_mock", R"(type="message")", R"(role="assistant")",
                    R"(model="claude-x")", R"(content/0/type="text")", R"(content/0/text="pong")",
                    R"(stop_reason="end_turn")", "stop_sequence=null", "usage/output_tokens=1",
                    "usage/cache_read_input_tokens=0", "usage/cache_creation_input_tokens=0"});
    QTest::addRow("anthropic /messages") << httpRequest("POST", "/messages", kAnthropicText) << 200
                                         << json << strings({R"(content/0/text="pong")"});
    QTest::addRow("anthropic tool call")
        << anthropic(kAnthropicTools) << 200 << json
        << strings({R"(content/0/type="tool_use")", "content/0/id~toolu_",
                    R"(content/0/name="get_weather")",
                    R"(content/0/input={"city":"Paris","days":3})", R"(stop_reason="tool_use")"});
    QTest::addRow("anthropic after tool result")
        << anthropic(kAnthropicToolResult) << 200 << json
        << strings({R"(content/0/text="Sunny in Paris")", R"(stop_reason="end_turn")"});
    QTest::addRow("anthropic thinking")
        << anthropic(kAnthropicText, "X-Mock-Thinking: 1\r\n") << 200 << json
        << strings({R"(content/0/type="thinking")", R"(content/0/thinking~Thinking)",
                    "content/0/signature~bW9ja", R"(content/1/text="pong")"});
    QTest::addRow("anthropic models")
        << httpRequest("GET", "/v1/models", {}, kAnthropicHeaders) << 200 << json
        << strings({R"(data/0/type="model")", R"(data/0/id="mock-model")",
                    R"(data/0/display_name="mock-model")", "data/0/created_at~20", "has_more=false",
                    R"(first_id="mock-model")", R"(last_id="mock-model")"});
    QTest::addRow("anthropic 404")
        << httpRequest("GET", "/v1/nothing", {}, kAnthropicHeaders) << 404 << json
        << strings({R"(type="error")", R"(error/type="not_found_error")"});

    QTest::addRow("gemini text")
        << gemini("generateContent", kGeminiText) << 200 << json
        << strings({R"(candidates/0/content/role="model")",
                    R"(candidates/0/content/parts/0/text="pong")",
                    R"(candidates/0/finishReason="STOP")", "candidates/0/index=0",
                    "usageMetadata/candidatesTokenCount=1", "usageMetadata/promptTokenCount=1",
                    "usageMetadata/totalTokenCount=2", R"(modelVersion="gemini-x")"});
    QTest::addRow("gemini tool call")
        << gemini("generateContent", kGeminiTools) << 200 << json
        << strings({R"(candidates/0/content/parts/0/functionCall/name="get_weather")",
                    R"(candidates/0/content/parts/0/functionCall/args={"city":"Paris","days":3})",
                    R"(candidates/0/finishReason="STOP")"});
    QTest::addRow("gemini after tool result")
        << gemini("generateContent", kGeminiToolResult) << 200 << json
        << strings({R"(candidates/0/content/parts/0/text="Sunny in Paris")"});
    QTest::addRow("gemini thinking")
        << gemini("generateContent", kGeminiText, "X-Mock-Thinking: 1\r\n") << 200 << json
        << strings({"candidates/0/content/parts/0/thought=true",
                    R"(candidates/0/content/parts/0/text~Thinking)",
                    R"(candidates/0/content/parts/1/text="pong")"});
    QTest::addRow("gemini models")
        << httpRequest("GET", "/v1beta/models", {}, kGeminiHeaders) << 200 << json
        << strings({R"(models/0/name="models/mock-model")", R"(models/0/displayName="mock-model")",
                    R"(models/0/supportedGenerationMethods=["generateContent","countTokens"])"});
    QTest::addRow("gemini 404") << gemini("countTokens", kGeminiText) << 404 << json
                                << strings({"error/code=404", R"(error/status="NOT_FOUND")"});

    const QByteArray ollamaJson = "application/json";
    QTest::addRow("ollama text") << ollama(withStream(kOllamaText, false)) << 200 << ollamaJson
                                 << strings(
                                        {R"(model="llama3")", "created_at~20",
                                         R"(message/role="assistant")", R"(message/content="pong")",
                                         "done=true", R"(done_reason="stop")", "eval_count=1",
                                         "prompt_eval_count=1", "total_duration~", "load_duration~",
                                         "prompt_eval_duration~", "eval_duration~"});
    QTest::addRow("ollama tool call")
        << ollama(withStream(kOllamaTools, false)) << 200 << ollamaJson
        << strings({R"(message/content="")", R"(message/tool_calls/0/function/name="get_weather")",
                    R"(message/tool_calls/0/function/arguments={"city":"Paris","days":3})",
                    "done=true"});
    QTest::addRow("ollama after tool result")
        << ollama(withStream(kOllamaToolResult, false)) << 200 << ollamaJson
        << strings({R"(message/content="Sunny in Paris")"});
    QTest::addRow("ollama thinking")
        << ollama(withStream(kOllamaText, false), "X-Mock-Thinking: 1\r\n") << 200 << ollamaJson
        << strings({R"(message/thinking="Thinking it over. The answer is ready.")",
                    R"(message/content="pong")"});
    QTest::addRow("ollama tags")
        << httpRequest("GET", "/api/tags") << 200 << json
        << strings({R"(models/0/name="mock-model")", R"(models/0/model="mock-model")",
                    "models/0/modified_at~20", "models/0/size~", "models/0/digest~",
                    R"(models/0/details/format="gguf")", "models/0/details/family~",
                    "models/0/details/parameter_size~", "models/0/details/quantization_level~"});
    QTest::addRow("ollama version")
        << httpRequest("GET", "/api/version") << 200 << json << strings({R"(version="0.5.7")"});
    QTest::addRow("ollama 404") << httpRequest("GET", "/api/nothing") << 404 << json
                                << strings({R"(error="no route /api/nothing")"});

    QTest::addRow("openai tool call")
        << openai(kOpenAiTools) << 200 << json
        << strings(
               {R"(choices/0/finish_reason="tool_calls")", "choices/0/message/content=null",
                "choices/0/message/tool_calls/0/id~call_",
                R"(choices/0/message/tool_calls/0/type="function")",
                R"(choices/0/message/tool_calls/0/function/name="get_weather")",
                R"(choices/0/message/tool_calls/0/function/arguments="{\"city\":\"Paris\",\"days\":3}")"});
    QTest::addRow("openai after tool result")
        << openai(kOpenAiToolResult) << 200 << json
        << strings({R"(choices/0/message/content="Sunny in Paris")",
                    R"(choices/0/finish_reason="stop")"});
    QTest::addRow("openai tool_choice none") << openai(kOpenAiToolsNone) << 200 << json
                                             << strings({R"(choices/0/message/content="pong")"});
}

void answers(MockUpstream &mock)
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(QByteArray, contentType);
    QFETCH(QStringList, checks);
    const QByteArray response = exchange(mock.port(), request);
    QVERIFY2(response.startsWith(QByteArray("HTTP/1.1 " + QByteArray::number(status) + ' ')),
             response.constData());
    QVERIFY(responseHeader(response, "content-type").startsWith(contentType));
    verifyFields(QJsonDocument::fromJson(response.mid(response.indexOf("\r\n\r\n") + 4)).object(),
                 checks);
}

void streamsData()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("format");
    QTest::addColumn<QStringList>("summary");
    const QByteArray three = "X-Mock-Chunks: 3\r\n";
    const QByteArray thinking = three + "X-Mock-Thinking: 1\r\n";
    const QStringList args =
        strings({R"(args:{"city":)", R"(args:"Paris",)", R"(args:"days":)", "args:3}"});
    const QStringList sunny = strings({"text:Sunny ", "text:in ", "text:Paris"});
    const char *call = R"(call:get_weather:{"city":"Paris","days":3})";

    QTest::addRow("openai tool call")
        << openai(withStream(kOpenAiTools, true), three) << QByteArray("openai")
        << strings({"role", "call:get_weather"}) + args + strings({"finish:tool_calls", "[DONE]"});
    QTest::addRow("openai after tool result")
        << openai(withStream(kOpenAiToolResult, true), three) << QByteArray("openai")
        << strings({"role"}) + sunny + strings({"finish:stop", "[DONE]"});

    const QStringList anthropicHead = strings({"message_start", "ping"});
    const QStringList anthropicText =
        strings({"start:text", "text:tok0 ", "text:tok1 ", "text:tok2 ", "stop"});
    const QStringList endTurn = strings({"message_delta:end_turn", "message_stop"});
    QTest::addRow("anthropic text")
        << anthropic(withStream(kAnthropicText, true), three) << QByteArray("anthropic")
        << anthropicHead + anthropicText + endTurn;
    QTest::addRow("anthropic tool call")
        << anthropic(withStream(kAnthropicTools, true), three) << QByteArray("anthropic")
        << anthropicHead + strings({"start:tool_use:get_weather"}) + args +
               strings({"stop", "message_delta:tool_use", "message_stop"});
    QTest::addRow("anthropic thinking")
        << anthropic(withStream(kAnthropicText, true), thinking) << QByteArray("anthropic")
        << anthropicHead +
               strings({"start:thinking", "thinking:Thinking it over. ",
                        "thinking:The answer is ready.", "signature", "stop"}) +
               anthropicText + endTurn;
    QTest::addRow("anthropic after tool result")
        << anthropic(withStream(kAnthropicToolResult, true), three) << QByteArray("anthropic")
        << anthropicHead + strings({"start:text"}) + sunny + strings({"stop"}) + endTurn;

    const QStringList geminiText =
        strings({"text:tok0 ", "text:tok1 ", "text:tok2 ", "finish:STOP", "usage"});
    QTest::addRow("gemini sse text") << gemini("streamGenerateContent?alt=sse", kGeminiText, three)
                                     << QByteArray("gemini") << geminiText;
    QTest::addRow("gemini json array text") << gemini("streamGenerateContent", kGeminiText, three)
                                            << QByteArray("gemini-array") << geminiText;
    QTest::addRow("gemini tool call")
        << gemini("streamGenerateContent?alt=sse", kGeminiTools, three) << QByteArray("gemini")
        << strings({call, "finish:STOP", "usage"});
    QTest::addRow("gemini thinking")
        << gemini("streamGenerateContent?alt=sse", kGeminiText, thinking) << QByteArray("gemini")
        << strings({"thought:Thinking it over. ", "thought:The answer is ready."}) + geminiText;
    QTest::addRow("gemini after tool result")
        << gemini("streamGenerateContent?alt=sse", kGeminiToolResult, three) << QByteArray("gemini")
        << sunny + strings({"finish:STOP", "usage"});

    const QStringList ollamaText = strings({"text:tok0 ", "text:tok1 ", "text:tok2 ", "done:stop"});
    QTest::addRow("ollama text") << ollama(kOllamaText, three) << QByteArray("ollama")
                                 << ollamaText;
    QTest::addRow("ollama tool call")
        << ollama(kOllamaTools, three) << QByteArray("ollama") << strings({call, "done:stop"});
    QTest::addRow("ollama thinking")
        << ollama(kOllamaText, thinking) << QByteArray("ollama")
        << strings({"thinking:Thinking it over. ", "thinking:The answer is ready."}) + ollamaText;
    QTest::addRow("ollama after tool result")
        << ollama(kOllamaToolResult, three) << QByteArray("ollama")
        << sunny + strings({"done:stop"});
}

void streams(MockUpstream &mock)
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArray, format);
    QFETCH(QStringList, summary);
    const QByteArray response = exchange(mock.port(), request);
    QVERIFY2(response.startsWith("HTTP/1.1 200 "), response.constData());
    QCOMPARE(responseHeader(response, "transfer-encoding"), QByteArray("chunked"));
    QVERIFY(responseHeader(response, "content-type").startsWith(streamContentType(format)));
    QVERIFY(response.endsWith("\r\n0\r\n\r\n"));
    QCOMPARE(summarise(format, httpChunks(response)), summary);
}

void pacesStreamsData()
{
    QTest::addColumn<QByteArray>("request");
    const QByteArray paced = "X-Mock-Chunks: 4\r\nX-Mock-Interval-Ms: 40\r\n";
    QTest::addRow("openai") << openai(withStream(R"({"model":"m","messages":[]})", true), paced);
    QTest::addRow("anthropic") << anthropic(withStream(kAnthropicText, true), paced);
    QTest::addRow("gemini") << gemini("streamGenerateContent?alt=sse", kGeminiText, paced);
    QTest::addRow("ollama") << ollama(kOllamaText, paced);
}

void pacesStreams(MockUpstream &mock)
{
    QFETCH(QByteArray, request);
    QElapsedTimer t;
    t.start();
    const QByteArray response = exchange(mock.port(), request);
    QVERIFY(response.endsWith("\r\n0\r\n\r\n"));
    QVERIFY2(t.elapsed() >= 3 * 40, QByteArray::number(t.elapsed()).constData());
    QVERIFY2(t.elapsed() < 2000, QByteArray::number(t.elapsed()).constData());
}

void ollamaStreamsByDefaultData()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("streamed");
    QTest::addRow("absent") << QByteArray(kOllamaText) << true;
    QTest::addRow("true") << withStream(kOllamaText, true) << true;
    QTest::addRow("false") << withStream(kOllamaText, false) << false;
}

void ollamaStreamsByDefault(MockUpstream &mock)
{
    QFETCH(QByteArray, body);
    QFETCH(bool, streamed);
    const QByteArray response = exchange(mock.port(), ollama(body));
    QVERIFY(response.startsWith("HTTP/1.1 200 "));
    QCOMPARE(responseHeader(response, "content-type").startsWith("application/x-ndjson"), streamed);
    QCOMPARE(responseHeader(response, "transfer-encoding") == "chunked", streamed);
    QCOMPARE(response.count("\"done\":true"), 1);
}

void faultBodiesData()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("fault");
    QTest::addColumn<int>("status");
    QTest::addColumn<QStringList>("checks");
    const int status = int(Fault::Status), limited = int(Fault::TooManyRequests);
    QTest::addRow("anthropic 500") << anthropic(kAnthropicText) << status << 500
                                   << strings({R"(type="error")", R"(error/type="api_error")",
                                               R"(error/message="mock fault")"});
    QTest::addRow("anthropic 429 stream")
        << anthropic(withStream(kAnthropicText, true)) << limited << 429
        << strings({R"(type="error")", R"(error/type="rate_limit_error")",
                    R"(error/message="mock rate limit")"});
    QTest::addRow("anthropic 529 models")
        << httpRequest("GET", "/v1/models", {}, kAnthropicHeaders) << status << 529
        << strings({R"(error/type="overloaded_error")"});
    QTest::addRow("gemini 503") << gemini("generateContent", kGeminiText) << status << 503
                                << strings({"error/code=503", R"(error/status="UNAVAILABLE")",
                                            R"(error/message="mock fault")"});
    QTest::addRow("gemini 429 stream")
        << gemini("streamGenerateContent?alt=sse", kGeminiText) << limited << 429
        << strings({"error/code=429", R"(error/status="RESOURCE_EXHAUSTED")"});
    QTest::addRow("ollama 500") << ollama(kOllamaText) << status << 500
                                << strings({R"(error="mock fault")"});
    QTest::addRow("ollama 429 tags") << httpRequest("GET", "/api/tags") << limited << 429
                                     << strings({R"(error="mock rate limit")"});
    QTest::addRow("openai 500 unchanged")
        << openai(kOpenAiTools) << status << 500
        << strings({R"(error/type="server_error")", "error/code=500", "error/param=null"});
}

void faultBodies(MockUpstream &mock)
{
    QFETCH(QByteArray, request);
    QFETCH(int, fault);
    QFETCH(int, status);
    QFETCH(QStringList, checks);
    FaultParams params;
    params.status = status;
    params.retryAfterS = 3;
    mock.queueFault(Fault(fault), params);
    const QByteArray response = exchange(mock.port(), request);
    QVERIFY2(response.startsWith(QByteArray("HTTP/1.1 " + QByteArray::number(status) + ' ')),
             response.constData());
    QVERIFY(responseHeader(response, "content-type").startsWith("application/json"));
    if (Fault(fault) == Fault::TooManyRequests)
        QCOMPARE(responseHeader(response, "retry-after"), QByteArray("3"));
    verifyFields(QJsonDocument::fromJson(response.mid(response.indexOf("\r\n\r\n") + 4)).object(),
                 checks);
}

void streamFaultsData()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("fault");
    QTest::addColumn<QByteArray>("malformed");
    const QByteArray headers = "X-Mock-Chunks: 5\r\nX-Mock-Interval-Ms: 10\r\n";
    const struct
    {
        const char *name;
        QByteArray request;
        QByteArray malformed;
    } dialects[] = {
        {"anthropic", anthropic(withStream(kAnthropicText, true), headers),
         "event: content_block_delta\ndata: {not json\n\n"},
        {"gemini sse", gemini("streamGenerateContent?alt=sse", kGeminiText, headers),
         "data: {not json\r\n\r\n"},
        {"gemini array", gemini("streamGenerateContent", kGeminiText, headers), ",{not json"},
        {"ollama", ollama(kOllamaText, headers), "{not json\n"},
    };
    for (const auto &d : dialects) {
        QTest::addRow("%s reset", d.name) << d.request << int(Fault::ResetMidStream) << d.malformed;
        QTest::addRow("%s malformed", d.name)
            << d.request << int(Fault::MalformedChunk) << d.malformed;
        QTest::addRow("%s stall", d.name) << d.request << int(Fault::StallMidStream) << d.malformed;
    }
}

void streamFaults(MockUpstream &mock)
{
    QFETCH(QByteArray, request);
    QFETCH(int, fault);
    QFETCH(QByteArray, malformed);
    FaultParams params;
    params.afterChunks = 2;
    mock.setFault(Fault(fault), params);
    RawClient client(mock.port());
    client.send(request);
    switch (Fault(fault)) {
    case Fault::ResetMidStream:
        QVERIFY(client.waitClosed());
        QCOMPARE(httpChunks(client.data()).size(), 2);
        break;
    case Fault::MalformedChunk: {
        QVERIFY(client.readUntil("\r\n0\r\n\r\n"));
        const QList<QByteArray> chunks = httpChunks(client.data());
        QCOMPARE(chunks.size(), 3);
        QCOMPARE(chunks.at(2), malformed);
        break;
    }
    default:
        QTRY_COMPARE(httpChunks(client.data()).size(), 2);
        QTest::qWait(100);
        QCOMPARE(httpChunks(client.data()).size(), 2);
        QVERIFY(client.connected());
        break;
    }
}

void recordsDialectRequests(MockUpstream &mock)
{
    exchange(mock.port(), anthropic(kAnthropicText));
    const RecordedRequest a = mock.lastRequest();
    QCOMPARE(a.path, QByteArray("/v1/messages"));
    QCOMPARE(a.header("x-api-key"), QByteArray("sk-ant"));
    QCOMPARE(a.header("anthropic-version"), QByteArray("2023-06-01"));
    QCOMPARE(a.body, QByteArray(kAnthropicText));

    exchange(mock.port(), gemini("streamGenerateContent?alt=sse", kGeminiTools));
    const RecordedRequest g = mock.lastRequest();
    QCOMPARE(g.path, QByteArray("/v1beta/models/gemini-x:streamGenerateContent?alt=sse"));
    QCOMPARE(g.header("x-goog-api-key"), QByteArray("g-key"));
    QCOMPARE(g.json().value(QLatin1String("tools")).toArray().size(), 1);

    exchange(mock.port(), ollama(kOllamaTools));
    QCOMPARE(mock.lastRequest().path, QByteArray("/api/chat"));
    QCOMPARE(mock.requestCount(), 3);
}

} // namespace aisbf::test::dialect_tests
