// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Request.h"

#include <protocol/HeaderAssembler.h>

#include <http_parser.h>

#include <utility>

namespace aisbf::http {

/**
 * Reads HTTP/1.x requests off a client connection with http_parser, one at a time: it stops
 * at the end of each request, so pipelined ones wait until the one before is answered. Refuses
 * a body over the limit from its Content-Length alone (before any of it is read), chunked
 * bodies (411) and heads over 64 KiB (431); anything that is not HTTP gets 400.
 */
class RequestParser
{
public:
    enum class State
    {
        Idle,     ///< between requests, nothing of the next one read
        Partial,  ///< a request has begun and is not complete
        Complete, ///< a request is ready: takeRequest()
        Rejected, ///< the client sent something to refuse: rejection(); the connection ends
    };
    struct Rejection
    {
        int status = 400;
        QByteArray code;
        QByteArray message;
    };

    explicit RequestParser(qint64 maxBodyBytes);
    RequestParser(const RequestParser &) = delete;
    RequestParser &operator=(const RequestParser &) = delete;

    /**
     * Parses from @p data until a request is complete, the client is refused or the bytes run
     * out. Returns how many bytes it used; the rest belongs to the next request.
     */
    qsizetype feed(const char *data, qsizetype size);
    State state() const { return m_state; }
    const Rejection &rejection() const { return m_rejection; }
    /** The head asked for "Expect: 100-continue"; true once per request, when it is due. */
    bool takeContinueDue() { return std::exchange(m_continueDue, false); }

    /** The complete request; the parser is Idle after it. */
    Request takeRequest();
    /** Whether the connection may carry another request after the one taken. */
    bool keepAlive() const { return m_keepAlive; }

private:
    void reject(int status, const char *code, QByteArray message);
    void reset();

    static const http_parser_settings &callbacks();
    static int onMessageBegin(http_parser *parser);
    static int onUrl(http_parser *parser, const char *at, size_t length);
    static int onHeaderField(http_parser *parser, const char *at, size_t length);
    static int onHeaderValue(http_parser *parser, const char *at, size_t length);
    static int onHeadersComplete(http_parser *parser);
    static int onBody(http_parser *parser, const char *at, size_t length);
    static int onMessageComplete(http_parser *parser);

    const qint64 m_maxBodyBytes;
    http_parser m_parser{};
    Request m_request;
    Rejection m_rejection;
    State m_state = State::Idle;
    qsizetype m_headBytes = 0;
    protocol::HeaderAssembler m_headers;
    bool m_continueDue = false;
    bool m_keepAlive = true;
};

} // namespace aisbf::http
