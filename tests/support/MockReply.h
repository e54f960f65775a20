// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "MockConfig.h"
#include "RecordedRequest.h"

#include <QByteArray>
#include <QJsonObject>

// What MockUpstream says to one generation request, before a dialect renders it on the wire.
namespace aisbf::test {

namespace reply {

/** Arguments of every mocked tool call. */
inline constexpr char kToolArguments[] = R"({"city":"Paris","days":3})";
/** The answer once the conversation ends with a tool result. */
inline constexpr char kToolResultText[] = "Sunny in Paris";
/** kToolArguments split into the pieces a stream sends them in. */
inline constexpr int kToolArgumentPieces = 4;
QByteArray toolArgumentPiece(int index);

/** The thinking shown with `X-Mock-Thinking: 1`, and how it is streamed. */
inline constexpr int kThinkingPieces = 2;
QByteArray thinkingPiece(int index);
QByteArray thinkingText();
/** Signature of the Anthropic thinking block. */
inline constexpr char kThinkingSignature[] = "bW9jay10aGlua2luZy1zaWduYXR1cmU=";

/** The current time as RFC 3339 UTC with milliseconds (Ollama's created_at). */
QByteArray rfc3339Now();

/** Characters of @p value if a string, else of every "text" / "content" string in it,
 *  recursively (prompt token estimates). */
qsizetype textChars(const QJsonValue &value);

/** A header's non-negative integer value, @p fallback when absent or not a number. */
int headerInt(const RecordedRequest &request, const QByteArray &name, int fallback, int max);

} // namespace reply

/** A dialect-neutral answer: text, a tool call, or the text after a tool round trip. */
struct Reply
{
    QByteArray id;    //!< the dialect's id of the answer, e.g. "msg_mock_7"
    QByteArray model; //!< echoed from the request
    int promptTokens = 0;
    QByteArray text;        //!< the whole text (non-streamed answers and round trips only)
    bool roundTrip = false; //!< the conversation ended with a tool result: text is the result text
    QByteArray toolName;    //!< non-empty: the answer calls this tool instead of saying text
    QByteArray toolCallId;  //!< id of that call (OpenAI "call_mock_7", Anthropic "toolu_mock_7")
    bool thinking = false;  //!< `X-Mock-Thinking: 1`: begin with a thinking block / part
    int chunks = 5;         //!< N: streamed text pieces (`X-Mock-Chunks`, MockConfig::streamChunks)
    int intervalMs = 0;     //!< gap between two paced events (`X-Mock-Interval-Ms`)

    bool callsTool() const { return !toolName.isEmpty(); }
    /** Text pieces of a stream whose nominal piece count is @p nominal (round trip: its words). */
    int pieceCount(int nominal) const;
    /** Text piece @p index: "tok<index> ", or the index-th word of the round-trip text. */
    QByteArray piece(int index) const;
    /** Tokens of the non-streamed text (its words). */
    int textTokens() const;
};

/**
 * The fields every dialect fills the same way: text (left empty for a plain @p stream), chunks,
 * interval, thinking, and the round trip / tool decision. @p toolName is the first offered tool
 * ("" if none or tool choice "none"), @p lastIsToolResult whether the conversation's last message
 * is a tool result.
 */
Reply baseReply(const MockConfig &config, const RecordedRequest &request, bool stream,
                const QByteArray &toolName, bool lastIsToolResult);

} // namespace aisbf::test
