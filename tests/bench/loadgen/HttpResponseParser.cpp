// SPDX-License-Identifier: GPL-3.0-or-later
#include "HttpResponseParser.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <strings.h>

namespace aisbf::test {

namespace {

bool headerIs(std::string_view line, const char *name, std::string_view &value)
{
    const size_t n = std::strlen(name);
    if (line.size() <= n || strncasecmp(line.data(), name, n) != 0 || line[n] != ':')
        return false;
    value = line.substr(n + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    return true;
}

bool containsNoCase(std::string_view hay, std::string_view needle)
{
    return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
               return std::tolower(a) == std::tolower(b);
           }) != hay.end();
}

} // namespace

void HttpResponseParser::reset(BodySink *sink)
{
    m_state = State::Head;
    m_sink = sink;
    m_line.clear();
    m_remaining = 0;
    m_status = 0;
    m_keepAlive = true;
}

bool HttpResponseParser::parseHead()
{
    std::string_view head(m_line);
    if (head.size() < 12 || head.substr(0, 7) != "HTTP/1.")
        return false;
    m_status = std::atoi(head.data() + 9);
    m_keepAlive = head[7] == '1';
    bool chunked = false;
    long long length = -1;
    size_t pos = head.find("\r\n");
    while (pos != std::string_view::npos && pos + 2 < head.size()) {
        const size_t end = head.find("\r\n", pos + 2);
        const std::string_view line = head.substr(pos + 2, end - pos - 2);
        std::string_view value;
        if (headerIs(line, "content-length", value))
            length = std::atoll(std::string(value).c_str());
        else if (headerIs(line, "transfer-encoding", value))
            chunked = containsNoCase(value, "chunked");
        else if (headerIs(line, "connection", value))
            m_keepAlive = containsNoCase(value, "keep-alive") ||
                          (m_keepAlive && !containsNoCase(value, "close"));
        pos = end;
    }
    m_line.clear();
    if (m_status == 204 || m_status == 304 || (m_status >= 100 && m_status < 200)) {
        m_state = State::Done;
    } else if (chunked) {
        m_state = State::ChunkSize;
    } else if (length >= 0) {
        m_remaining = size_t(length);
        m_state = length == 0 ? State::Done : State::Length;
    } else {
        m_keepAlive = false;
        m_state = State::UntilClose;
    }
    return true;
}

HttpResponseParser::Result HttpResponseParser::feed(const char *data, size_t len, size_t &used)
{
    size_t i = 0;
    while (i < len && m_state != State::Done) {
        switch (m_state) {
        case State::Head: {
            // Append byte ranges and look for the blank line across the seam.
            const size_t before = m_line.size();
            m_line.append(data + i, len - i);
            const size_t from = before >= 3 ? before - 3 : 0;
            const size_t end = m_line.find("\r\n\r\n", from);
            if (end == std::string::npos) {
                if (m_line.size() > 65536)
                    return Result::Error;
                i = len;
                break;
            }
            i += end + 4 - before;
            m_line.resize(end + 2);
            if (!parseHead())
                return Result::Error;
            if (m_status == 100) { // interim response: the real one follows
                reset(m_sink);
            }
            break;
        }
        case State::Length:
        case State::ChunkData: {
            const size_t n = std::min(m_remaining, len - i);
            if (m_sink)
                m_sink->onBody(std::string_view(data + i, n));
            i += n;
            m_remaining -= n;
            if (m_remaining == 0)
                m_state = m_state == State::Length ? State::Done : State::ChunkDataEnd;
            break;
        }
        case State::ChunkDataEnd:
        case State::ChunkSize:
        case State::Trailer: {
            const char *nl = static_cast<const char *>(std::memchr(data + i, '\n', len - i));
            const size_t stop = nl ? size_t(nl - data) + 1 : len;
            m_line.append(data + i, stop - i);
            i = stop;
            if (!nl)
                break;
            if (m_state == State::ChunkDataEnd) {
                if (m_line != "\r\n")
                    return Result::Error;
                m_state = State::ChunkSize;
            } else if (m_state == State::ChunkSize) {
                char *end = nullptr;
                m_remaining = std::strtoull(m_line.c_str(), &end, 16);
                if (end == m_line.c_str())
                    return Result::Error;
                m_state = m_remaining == 0 ? State::Trailer : State::ChunkData;
            } else if (m_line == "\r\n") {
                m_state = State::Done;
            }
            m_line.clear();
            break;
        }
        case State::UntilClose:
            if (m_sink)
                m_sink->onBody(std::string_view(data + i, len - i));
            i = len;
            break;
        case State::Done:
            break;
        }
    }
    used = i;
    return m_state == State::Done ? Result::Complete : Result::NeedMore;
}

HttpResponseParser::Result HttpResponseParser::onEof()
{
    if (m_state == State::UntilClose || m_state == State::Done) {
        m_state = State::Done;
        return Result::Complete;
    }
    return Result::Error;
}

} // namespace aisbf::test
