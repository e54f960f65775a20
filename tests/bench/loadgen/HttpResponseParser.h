// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace aisbf::test {

/** Receives the decoded body bytes of a response as they arrive. */
class BodySink
{
public:
    virtual ~BodySink() = default;
    virtual void onBody(std::string_view bytes) = 0;
};

/**
 * Incremental HTTP/1.1 response parser: status line, headers, then a Content-Length,
 * chunked or read-until-close body. One instance per connection, reset() between responses.
 */
class HttpResponseParser
{
public:
    enum class Result
    {
        NeedMore,
        Complete,
        Error
    };

    /** Body bytes go to @p sink (may be null: discarded). */
    void reset(BodySink *sink = nullptr);
    /** Consumes bytes of @p data; on Complete, @p used says where the next response starts. */
    Result feed(const char *data, size_t len, size_t &used);
    /** The peer closed: Complete if the body runs until close, Error otherwise. */
    Result onEof();

    int status() const { return m_status; }
    bool keepAlive() const { return m_keepAlive; }

private:
    enum class State
    {
        Head,
        Length,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailer,
        UntilClose,
        Done
    };

    bool parseHead();

    State m_state = State::Head;
    BodySink *m_sink = nullptr;
    std::string m_line; //!< head bytes, or a partial chunk-size / trailer line
    size_t m_remaining = 0;
    int m_status = 0;
    bool m_keepAlive = true;
};

} // namespace aisbf::test
