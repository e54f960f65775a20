// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QStringList>

// Byte builders for the mock's HTTP and OpenAI-shaped JSON (the other dialects: MockAnthropic,
// MockGemini, MockOllama). Built by hand rather than through
// QJsonDocument because the benchmark pushes tens of thousands of these per second.
namespace aisbf::test::payloads {

/** @p text as a JSON string literal, quotes included. */
QByteArray jsonString(const QByteArray &utf8);

QByteArray modelsBody(const QStringList &models);

struct Completion
{
    QByteArray id;    //!< e.g. "chatcmpl-mock-7"
    QByteArray model; //!< echoed from the request
    qint64 created = 0;
    int promptTokens = 0;
};

QByteArray completionBody(const Completion &c, const QByteArray &content, int completionTokens);
/** A chat.completion whose message calls the tool @p name; @p arguments is the JSON text. */
QByteArray toolCallBody(const Completion &c, const QByteArray &callId, const QByteArray &name,
                        const QByteArray &arguments, int completionTokens);

/** One SSE event `data: {chat.completion.chunk}\n\n`; @p delta and @p finishReason are JSON. */
QByteArray chunkEvent(const Completion &c, const QByteArray &delta, const QByteArray &finishReason);
/** The SSE event carrying usage only, sent when the request asked for stream_options.include_usage.
 */
QByteArray usageEvent(const Completion &c, int completionTokens);

QByteArray errorBody(int status, const QByteArray &message);

QByteArray reasonPhrase(int status);

/** A complete response with Content-Length; @p extraHeaders are full "Name: value\r\n" lines. */
QByteArray response(int status, const QByteArray &contentType, const QByteArray &body, bool close,
                    const QByteArray &extraHeaders = {});
/** Status line and headers of a chunked streamed response. */
QByteArray streamHead(bool close, const QByteArray &contentType = "text/event-stream");
/** @p data framed as one HTTP/1.1 chunk. */
QByteArray httpChunk(const QByteArray &data);

} // namespace aisbf::test::payloads
