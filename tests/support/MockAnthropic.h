// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "MockReply.h"

namespace aisbf::test {

struct RouteResult;

/**
 * An Anthropic Messages stream of `event: NAME\ndata: JSON\n\n` events: message_start, ping,
 * [thinking block: content_block_start, thinking_delta..., signature_delta, content_block_stop],
 * a text block (N text_delta "tok0 "...) or a tool_use block (input_json_delta pieces),
 * message_delta (stop_reason, usage), message_stop. Paced between content deltas only.
 */
struct AnthropicStream
{
    Reply reply;

    QByteArray contentType() const { return QByteArrayLiteral("text/event-stream; charset=utf-8"); }
    int count() const;
    QByteArray event(int index) const;
    bool pausesAfter(int index) const;
    QByteArray tail() const { return QByteArrayLiteral("0\r\n\r\n"); }
    QByteArray malformed() const
    {
        return QByteArrayLiteral("event: content_block_delta\ndata: {not json\n\n");
    }

private:
    int thinkingEvents() const;
    int mainStart() const { return 2 + thinkingEvents(); }
    int mainDeltas() const;
};

namespace anthropic {

/** {"type":"error","error":{"type":...,"message":...}}, the type following @p status. */
QByteArray errorBody(int status, const QByteArray &message);

/** POST /v1/messages (/messages), GET /v1/models (/models); anything else 404. */
RouteResult route(const MockConfig &config, const RecordedRequest &request, bool close,
                  quint64 sequence);

} // namespace anthropic

} // namespace aisbf::test
