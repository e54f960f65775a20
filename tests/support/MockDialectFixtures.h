// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Requests and response readers of tst_mock_dialects: one raw request builder per dialect, JSON
// field checks ("path=json", "path~prefix") and a per-format stream summary ("text:tok0 ", ...).

#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QStringList>

#include <initializer_list>

namespace aisbf::test::fixtures {

inline constexpr char kAnthropicHeaders[] =
    "x-api-key: sk-ant\r\nanthropic-version: 2023-06-01\r\n";
inline constexpr char kGeminiHeaders[] = "x-goog-api-key: g-key\r\n";

inline constexpr char kAnthropicText[] =
    R"({"model":"claude-x","max_tokens":64,"messages":[{"role":"user","content":"hi"}]})";
inline constexpr char kAnthropicTools[] =
    R"({"model":"claude-x","max_tokens":64,"messages":[{"role":"user","content":"weather?"}],)"
    R"("tools":[{"name":"get_weather","input_schema":{"type":"object"}},)"
    R"({"name":"other","input_schema":{"type":"object"}}]})";
inline constexpr char kAnthropicToolResult[] =
    R"({"model":"claude-x","max_tokens":64,"tools":[{"name":"get_weather","input_schema":{}}],)"
    R"("messages":[{"role":"user","content":"weather?"},{"role":"assistant","content":[)"
    R"({"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},)"
    R"({"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"ok"}]}]})";

inline constexpr char kGeminiText[] = R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}]})";
inline constexpr char kGeminiTools[] =
    R"({"contents":[{"role":"user","parts":[{"text":"weather?"}]}],)"
    R"("tools":[{"functionDeclarations":[{"name":"get_weather"},{"name":"other"}]}]})";
inline constexpr char kGeminiToolResult[] =
    R"({"contents":[{"role":"user","parts":[{"text":"weather?"}]},)"
    R"({"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{}}}]},)"
    R"({"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{}}}]}],)"
    R"("tools":[{"functionDeclarations":[{"name":"get_weather"}]}]})";

inline constexpr char kOllamaText[] =
    R"({"model":"llama3","messages":[{"role":"user","content":"hi"}]})";
inline constexpr char kOllamaTools[] =
    R"({"model":"llama3","messages":[{"role":"user","content":"weather?"}],)"
    R"("tools":[{"type":"function","function":{"name":"get_weather","parameters":{}}}]})";
inline constexpr char kOllamaToolResult[] =
    R"({"model":"llama3","messages":[{"role":"user","content":"weather?"},)"
    R"({"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_weather",)"
    R"("arguments":{}}}]},{"role":"tool","content":"ok"}]})";

inline constexpr char kOpenAiTools[] =
    R"({"model":"gpt-x","messages":[{"role":"user","content":"weather?"}],)"
    R"("tools":[{"type":"function","function":{"name":"get_weather","parameters":{}}},)"
    R"({"type":"function","function":{"name":"other","parameters":{}}}]})";
inline constexpr char kOpenAiToolsNone[] =
    R"({"model":"gpt-x","messages":[{"role":"user","content":"weather?"}],"tool_choice":"none",)"
    R"("tools":[{"type":"function","function":{"name":"get_weather","parameters":{}}}]})";
inline constexpr char kOpenAiToolResult[] =
    R"({"model":"gpt-x","messages":[{"role":"user","content":"weather?"},)"
    R"({"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",)"
    R"("function":{"name":"get_weather","arguments":"{}"}}]},)"
    R"({"role":"tool","tool_call_id":"call_1","content":"ok"}],)"
    R"("tools":[{"type":"function","function":{"name":"get_weather","parameters":{}}}]})";

QStringList strings(std::initializer_list<const char *> items);

/** @p body (a JSON object) with "stream" set. */
QByteArray withStream(const QByteArray &body, bool stream);

/** POST /v1/messages with x-api-key and anthropic-version. */
QByteArray anthropic(const QByteArray &body, const QByteArray &headers = {});
/** POST /v1beta/models/gemini-x:@p method (query included) with x-goog-api-key. */
QByteArray gemini(const QByteArray &method, const QByteArray &body, const QByteArray &headers = {});
/** POST /api/chat. */
QByteArray ollama(const QByteArray &body, const QByteArray &headers = {});
/** POST /v1/chat/completions. */
QByteArray openai(const QByteArray &body, const QByteArray &headers = {});

/** One response is complete in @p data (Content-Length body, or the chunked body's end). */
bool responseComplete(const QByteArray &data);
/** Sends @p request on a fresh connection, returns the whole response (or what came in 5 s). */
QByteArray exchange(quint16 port, const QByteArray &request);

/** The value at @p path ("a/0/b") in @p root; undefined when absent. */
QJsonValue jsonAt(const QJsonValue &root, const QString &path);
/** "path=json": equal to that JSON; "path~text": a string starting with text ("path~": present). */
void verifyFields(const QJsonValue &root, const QStringList &checks);

/** The Content-Type a stream of @p format ("openai", "anthropic", "gemini", "gemini-array",
 *  "ollama") starts with. */
QByteArray streamContentType(const QByteArray &format);
/**
 * One line per meaningful item of a stream's HTTP chunks (each chunk must be exactly one event
 * or NDJSON line): "role", "text:...", "thinking:...", "thought:...", "call:NAME[:ARGS]",
 * "args:...", "signature", "start:TYPE", "stop", "finish:REASON", "usage", "done:REASON", ...
 * Framing errors show up as "BAD:..." lines.
 */
QStringList summarise(const QByteArray &format, const QList<QByteArray> &chunks);

} // namespace aisbf::test::fixtures
