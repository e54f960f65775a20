// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "MockAnthropic.h"
#include "MockConfig.h"
#include "MockGemini.h"
#include "MockOllama.h"
#include "MockOpenAi.h"
#include "RecordedRequest.h"

#include <optional>
#include <variant>

namespace aisbf::test {

/** The native API a request speaks, told from its path (and, for a shared path, its headers). */
enum class Dialect
{
    OpenAi,    //!< /v1/chat/completions, /v1/models (the default)
    Anthropic, //!< /v1/messages, /messages; any other path with an anthropic-version header
    Gemini,    //!< /v1beta/..., .../models/M:generateContent; any path with x-goog-api-key
    Ollama,    //!< /api/...
};

Dialect dialectOf(const RecordedRequest &request);

/** The request target without its query. */
QByteArray pathOf(const RecordedRequest &request);

/** An error body in @p dialect's shape (OpenAI: payloads::errorBody). */
QByteArray dialectErrorBody(Dialect dialect, int status, const QByteArray &message);

/**
 * A streamed answer: which events to send and how far apart. Each dialect renders its own
 * events (OpenAiStream, AnthropicStream, GeminiStream, OllamaStream share one duck-typed shape);
 * MockConnection frames each event as one HTTP chunk, cuts the stream for the mid-stream faults
 * after FaultParams::afterChunks events, and waits intervalMs after an event that pausesAfter().
 */
struct StreamPlan
{
    std::variant<OpenAiStream, AnthropicStream, GeminiStream, OllamaStream> events;
    int intervalMs = 0;

    /** Content-Type of the streamed body. */
    QByteArray contentType() const
    {
        return std::visit([](const auto &s) { return s.contentType(); }, events);
    }
    /** Events before tail(). */
    int count() const
    {
        return std::visit([](const auto &s) { return s.count(); }, events);
    }
    /** Event @p index, unframed: an SSE event or an NDJSON line. */
    QByteArray event(int index) const
    {
        return std::visit([index](const auto &s) { return s.event(index); }, events);
    }
    /** Whether intervalMs passes between event @p index and the next one. */
    bool pausesAfter(int index) const
    {
        return std::visit([index](const auto &s) { return s.pausesAfter(index); }, events);
    }
    /** Everything after the last event, HTTP-framed, the terminating 0-chunk included. */
    QByteArray tail() const
    {
        return std::visit([](const auto &s) { return s.tail(); }, events);
    }
    /** The unparseable event the MalformedChunk fault sends instead of the next one. */
    QByteArray malformed() const
    {
        return std::visit([](const auto &s) { return s.malformed(); }, events);
    }
};

/** The answer to a request when no fault is active. */
struct RouteResult
{
    QByteArray immediate; //!< the whole response, one write (unless stream is set)
    std::optional<StreamPlan> stream;
};

/**
 * Routes @p request to its normal answer in its dialect: OpenAI GET /v1/models and POST
 * /v1/chat/completions; Anthropic POST /v1/messages (/messages) and GET /v1/models (/models);
 * Gemini POST /v1beta/models/M:generateContent / :streamGenerateContent and GET /v1beta/models;
 * Ollama POST /api/chat, GET /api/tags, GET /api/version.
 */
RouteResult route(const MockConfig &config, const RecordedRequest &request, bool close,
                  quint64 sequence);

/** A JSON response (status, body) as one write. */
inline RouteResult jsonResult(int status, const QByteArray &body, bool close)
{
    return {payloads::response(status, "application/json", body, close), {}};
}

/** A stream plan for @p stream, paced like @p reply. */
template <typename Stream> RouteResult streamResult(Stream stream)
{
    const int intervalMs = stream.reply.intervalMs;
    return {{}, StreamPlan{std::move(stream), intervalMs}};
}

} // namespace aisbf::test
