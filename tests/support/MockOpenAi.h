// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "MockPayloads.h"
#include "MockReply.h"

namespace aisbf::test {

struct RouteResult;

/**
 * An OpenAI chat.completion.chunk stream. Text: N events, role first, then "tok0 ", "tok1 "...,
 * finish_reason "stop" last. Tool call: the id/name delta, the arguments over several deltas,
 * finish_reason "tool_calls". After a tool result: role, the result text word by word, "stop".
 * Then the optional usage event and [DONE].
 */
struct OpenAiStream
{
    payloads::Completion completion;
    Reply reply;
    bool includeUsage = false;
    QByteArray doneEvent = QByteArrayLiteral("data: [DONE]\n\n");

    QByteArray contentType() const { return QByteArrayLiteral("text/event-stream"); }
    int count() const;
    QByteArray event(int index) const;
    bool pausesAfter(int) const { return true; }
    QByteArray tail() const;
    QByteArray malformed() const { return QByteArrayLiteral("data: {not json\n\n"); }
};

namespace openai {

/** GET /v1/models, POST /v1/chat/completions; anything else 404. */
RouteResult route(const MockConfig &config, const RecordedRequest &request, bool close,
                  quint64 sequence);

} // namespace openai

} // namespace aisbf::test
