// SPDX-License-Identifier: GPL-3.0-or-later
#include "RequestParser.h"

namespace aisbf::http {

namespace {

constexpr qsizetype kMaxHeadBytes = 64 * 1024;

RequestParser *self(http_parser *parser)
{
    return static_cast<RequestParser *>(parser->data);
}

Method methodOf(unsigned method)
{
    switch (method) {
    case HTTP_GET:
        return Method::Get;
    case HTTP_POST:
        return Method::Post;
    case HTTP_PUT:
        return Method::Put;
    case HTTP_DELETE:
        return Method::Delete;
    case HTTP_PATCH:
        return Method::Patch;
    case HTTP_HEAD:
        return Method::Head;
    case HTTP_OPTIONS:
        return Method::Options;
    default:
        return Method::Other;
    }
}

} // namespace

RequestParser::RequestParser(qint64 maxBodyBytes) : m_maxBodyBytes(maxBodyBytes)
{
    reset();
}

void RequestParser::reset()
{
    http_parser_init(&m_parser, HTTP_REQUEST);
    m_parser.data = this;
    m_request = Request();
    m_state = State::Idle;
    m_headBytes = 0;
    m_headers.reset();
    m_continueDue = false;
}

qsizetype RequestParser::feed(const char *data, qsizetype size)
{
    if (m_state == State::Complete || m_state == State::Rejected || size == 0)
        return 0;
    const size_t used = http_parser_execute(&m_parser, &callbacks(), data, size_t(size));
    if (m_state == State::Complete || m_state == State::Rejected)
        return qsizetype(used); // paused by a callback: the rest is not this request's
    if (m_parser.http_errno != HPE_OK) {
        const auto error = static_cast<http_errno>(m_parser.http_errno);
        if (error == HPE_HEADER_OVERFLOW)
            reject(431, "request_header_too_large",
                   QByteArrayLiteral("the request head is larger than 64 KiB"));
        else
            reject(400, "malformed_request",
                   QByteArrayLiteral("the request is not valid HTTP/1.1 (") +
                       http_errno_description(error) + ')');
        return size;
    }
    return qsizetype(used);
}

Request RequestParser::takeRequest()
{
    Request request = std::move(m_request);
    reset();
    return request;
}

void RequestParser::reject(int status, const char *code, QByteArray message)
{
    m_rejection = {status, QByteArray(code), std::move(message)};
    m_state = State::Rejected;
    if (HTTP_PARSER_ERRNO(&m_parser) == HPE_OK) // inside a callback: stop there
        http_parser_pause(&m_parser, 1);
}

int RequestParser::onMessageBegin(http_parser *parser)
{
    self(parser)->m_state = State::Partial;
    return 0;
}

int RequestParser::onUrl(http_parser *parser, const char *at, size_t length)
{
    RequestParser *p = self(parser);
    p->m_state = State::Partial;
    p->m_headBytes += qsizetype(length);
    p->m_request.m_target.append(at, qsizetype(length));
    return 0;
}

int RequestParser::onHeaderField(http_parser *parser, const char *at, size_t length)
{
    RequestParser *p = self(parser);
    p->m_headBytes += qsizetype(length);
    p->m_headers.addName(p->m_request.m_headers, at, length);
    return 0;
}

int RequestParser::onHeaderValue(http_parser *parser, const char *at, size_t length)
{
    RequestParser *p = self(parser);
    p->m_headBytes += qsizetype(length);
    if (p->m_headBytes > kMaxHeadBytes) {
        p->reject(431, "request_header_too_large",
                  QByteArrayLiteral("the request head is larger than 64 KiB"));
        return 0;
    }
    p->m_headers.addValue(p->m_request.m_headers, at, length);
    return 0;
}

int RequestParser::onHeadersComplete(http_parser *parser)
{
    RequestParser *p = self(parser);
    Request &request = p->m_request;
    for (auto &header : request.m_headers)
        header.first = std::move(header.first).toLower();
    request.m_method = methodOf(parser->method);
    if (parser->flags & F_CHUNKED) {
        p->reject(
            411, "length_required",
            QByteArrayLiteral("chunked request bodies are not accepted; send Content-Length"));
        return 0;
    }
    // content_length is ULLONG_MAX when the head has none: an empty body.
    const bool hasLength = parser->content_length != ULLONG_MAX;
    if (hasLength && parser->content_length > quint64(p->m_maxBodyBytes)) {
        p->reject(413, "request_too_large",
                  "request body of " + QByteArray::number(quint64(parser->content_length)) +
                      " bytes exceeds the limit of " + QByteArray::number(p->m_maxBodyBytes) +
                      " bytes (limits.max_body_bytes in aisbf.json)");
        return 0;
    }
    if (hasLength && parser->content_length > 0) {
        // Room for the declared body, up to 1 MiB: a client that declares 16 MiB and sends
        // slowly (or never) must not get that much memory up front.
        constexpr quint64 kMaxReserve = 1024 * 1024;
        request.m_body.reserve(qsizetype(qMin<quint64>(parser->content_length, kMaxReserve)));
        p->m_continueDue =
            request.value("expect").compare("100-continue", Qt::CaseInsensitive) == 0;
    }
    return 0;
}

int RequestParser::onBody(http_parser *parser, const char *at, size_t length)
{
    self(parser)->m_request.m_body.append(at, qsizetype(length));
    return 0;
}

int RequestParser::onMessageComplete(http_parser *parser)
{
    RequestParser *p = self(parser);
    p->m_state = State::Complete;
    p->m_continueDue = false;
    // An upgrade (WebSocket, h2c) is not served: answer the request, then close.
    p->m_keepAlive = http_should_keep_alive(parser) != 0 && !parser->upgrade;
    http_parser_pause(parser, 1); // the next request waits until this one is answered
    return 0;
}

const http_parser_settings &RequestParser::callbacks()
{
    static const http_parser_settings settings = [] {
        http_parser_settings s{};
        s.on_message_begin = &RequestParser::onMessageBegin;
        s.on_url = &RequestParser::onUrl;
        s.on_header_field = &RequestParser::onHeaderField;
        s.on_header_value = &RequestParser::onHeaderValue;
        s.on_headers_complete = &RequestParser::onHeadersComplete;
        s.on_body = &RequestParser::onBody;
        s.on_message_complete = &RequestParser::onMessageComplete;
        return s;
    }();
    return settings;
}

} // namespace aisbf::http
