// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "MockReply.h"

namespace aisbf::test {

struct RouteResult;

/**
 * An Ollama /api/chat stream of NDJSON lines: [message.thinking lines,] content lines "tok0 "...
 * or one message.tool_calls line, all done:false, then the done:true line with done_reason and
 * the timing counters. Paced between the lines before the done line.
 */
struct OllamaStream
{
    Reply reply;

    QByteArray contentType() const { return QByteArrayLiteral("application/x-ndjson"); }
    int count() const;
    QByteArray event(int index) const;
    bool pausesAfter(int index) const { return index < count() - 2; }
    QByteArray tail() const { return QByteArrayLiteral("0\r\n\r\n"); }
    QByteArray malformed() const { return QByteArrayLiteral("{not json\n"); }
};

namespace ollama {

/** {"error":"..."}. */
QByteArray errorBody(const QByteArray &message);

/** POST /api/chat ("stream" defaults to true), GET /api/tags, GET /api/version. */
RouteResult route(const MockConfig &config, const RecordedRequest &request, bool close,
                  quint64 sequence);

} // namespace ollama

} // namespace aisbf::test
