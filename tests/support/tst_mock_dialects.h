// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// MockUpstream's Anthropic, Gemini and Ollama dialects (and OpenAI tool calls), table-driven over
// loopback. Each pair is the _data function and the body of one TestMockUpstream test slot.

namespace aisbf::test {

class MockUpstream;

namespace dialect_tests {

/** Non-streamed answers, model listings and 404s: status, Content-Type and JSON fields. */
void answersData();
void answers(MockUpstream &mock);

/** Streams (text, tool call, thinking, after a tool result), summarised event by event. */
void streamsData();
void streams(MockUpstream &mock);

/** Every dialect's stream keeps X-Mock-Chunks / X-Mock-Interval-Ms pacing. */
void pacesStreamsData();
void pacesStreams(MockUpstream &mock);

/** Ollama /api/chat streams unless the request says "stream": false. */
void ollamaStreamsByDefaultData();
void ollamaStreamsByDefault(MockUpstream &mock);

/** Status / TooManyRequests faults answer in the dialect's error shape. */
void faultBodiesData();
void faultBodies(MockUpstream &mock);

/** ResetMidStream / MalformedChunk / StallMidStream cut each stream format after N events. */
void streamFaultsData();
void streamFaults(MockUpstream &mock);

/** The record keeps the dialects' auth headers, the query and the body. */
void recordsDialectRequests(MockUpstream &mock);

} // namespace dialect_tests

} // namespace aisbf::test
