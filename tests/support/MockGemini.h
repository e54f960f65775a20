// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "MockReply.h"

namespace aisbf::test {

struct RouteResult;

/**
 * A Gemini streamGenerateContent answer: one GenerateContentResponse per event, each with one
 * part ([thought parts,] text "tok0 "... or one functionCall), the last also with finishReason
 * STOP and usageMetadata. With `alt=sse` the events are `data: JSON\r\n\r\n`; without it the
 * body is one JSON array streamed element by element, as the real API does.
 */
struct GeminiStream
{
    Reply reply;
    bool sse = true;

    QByteArray contentType() const
    {
        return sse ? QByteArrayLiteral("text/event-stream")
                   : QByteArrayLiteral("application/json; charset=UTF-8");
    }
    int count() const;
    QByteArray event(int index) const;
    bool pausesAfter(int index) const { return index < count() - 1; }
    QByteArray tail() const;
    QByteArray malformed() const
    {
        return sse ? QByteArrayLiteral("data: {not json\r\n\r\n") : QByteArrayLiteral(",{not json");
    }
};

namespace gemini {

/** {"error":{"code":...,"message":...,"status":"RESOURCE_EXHAUSTED"...}}. */
QByteArray errorBody(int status, const QByteArray &message);

/** POST .../models/M:generateContent and :streamGenerateContent, GET .../models. */
RouteResult route(const MockConfig &config, const RecordedRequest &request, bool close,
                  quint64 sequence);

} // namespace gemini

} // namespace aisbf::test
