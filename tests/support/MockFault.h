// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>

namespace aisbf::test {

/**
 * How MockUpstream misbehaves for a request, whatever its dialect. The mid-stream faults count
 * the events of the stream's own format (OpenAI / Anthropic / Gemini SSE events, Ollama NDJSON
 * lines, Gemini JSON-array elements) and also hit non-streamed answers: ResetMidStream /
 * StallMidStream send half the body first, MalformedChunk sends a 200 whose body is `{not json`.
 * A streamed MalformedChunk sends the format's unparseable event (`data: {not json`, Anthropic
 * with its `event:` line, an Ollama `{not json` line) and ends the HTTP body cleanly, without the
 * stream's normal end (`data: [DONE]`, message_stop, done:true...).
 */
enum class Fault
{
    None,                //!< normal answer
    Status,              //!< FaultParams::status with FaultParams::body (or the dialect's error)
    TooManyRequests,     //!< 429 with `Retry-After: FaultParams::retryAfterS`
    Hang,                //!< read the request, never answer, keep the socket open
    ResetBeforeResponse, //!< TCP reset right after reading the request
    ResetMidStream,      //!< stream FaultParams::afterChunks events, then TCP reset
    SlowFirstByte,       //!< wait FaultParams::delayMs before the headers, then answer normally
    MalformedChunk,      //!< stream FaultParams::afterChunks events, then `data: {not json`
    Garbage,             //!< send bytes that are not HTTP, then close
    StallMidStream,      //!< stream FaultParams::afterChunks events, then go silent, socket open
};

/** Parameters of a Fault; each field is used only by the faults named beside it. */
struct FaultParams
{
    int status = 500; //!< Status
    /** Status, TooManyRequests: JSON error body; empty = the request dialect's error shape
     *  (OpenAI {"error":{...}}, Anthropic {"type":"error",...}, Gemini {"error":{"code",
     *  "status"...}}, Ollama {"error":"..."}). */
    QByteArray body;
    int retryAfterS = 1; //!< TooManyRequests
    int afterChunks = 1; //!< ResetMidStream, MalformedChunk, StallMidStream
    int delayMs = 1000;  //!< SlowFirstByte
    /** Only requests whose path starts with this get the fault (e.g. "/v1/chat"); empty = all. */
    QByteArray onlyPath;
};

struct FaultSpec
{
    Fault fault = Fault::None;
    FaultParams params;
};

} // namespace aisbf::test
