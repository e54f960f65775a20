// SPDX-License-Identifier: GPL-3.0-or-later
#include "StreamRunner.h"

#include "Net.h"
#include "SseStream.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <vector>

namespace aisbf::test {

namespace {

enum class Failure
{
    None,
    Connect,
    Status,
    Incomplete,
    Timeout
};

struct Stream
{
    int fd = -1;
    bool connecting = false;
    bool finished = false;
    size_t sent = 0;
    Failure failure = Failure::None;
    HttpResponseParser parser;
    SseStream sse;
};

class Runner
{
public:
    explicit Runner(const Options &o)
        : m_options(o), m_request(o.request()), m_streams(size_t(o.streams))
    {}

    int run()
    {
        const int64_t start = nowNs();
        const int64_t deadline = start + int64_t(m_options.timeoutS * 1e9);
        const int64_t rampNs = int64_t(m_options.rampMs) * 1000000;
        size_t started = 0;
        while (m_finished < m_streams.size()) {
            const int64_t now = nowNs();
            if (now >= deadline)
                break;
            // Stream i starts at start + i * ramp / N.
            while (started < m_streams.size() &&
                   start + rampNs * int64_t(started) / int64_t(m_streams.size()) <= now)
                open(started++);
            const int timeoutMs = started < m_streams.size() ? 1 : 10;
            const int n = m_epoll.wait(timeoutMs);
            for (int i = 0; i < n; ++i)
                handle(size_t(m_epoll.event(i).data.u64), m_epoll.event(i).events);
        }
        for (size_t i = 0; i < m_streams.size(); ++i) {
            if (!m_streams[i].finished)
                finish(i, Failure::Timeout);
        }
        report(double(nowNs() - start) / 1e9);
        return 0;
    }

private:
    void open(size_t i)
    {
        Stream &s = m_streams[i];
        s.sse.stallNs = int64_t(m_options.stallMs) * 1000000;
        s.parser.reset(&s.sse);
        s.fd = startConnect(m_options.address);
        if (s.fd < 0) {
            finish(i, Failure::Connect);
            return;
        }
        s.connecting = true;
        m_epoll.add(s.fd, EPOLLOUT, i);
    }

    void finish(size_t i, Failure failure)
    {
        Stream &s = m_streams[i];
        if (s.finished)
            return;
        s.finished = true;
        s.failure = failure;
        ++m_finished;
        if (s.fd >= 0) {
            m_epoll.remove(s.fd);
            ::close(s.fd);
            s.fd = -1;
        }
    }

    void handle(size_t i, uint32_t events)
    {
        Stream &s = m_streams[i];
        if (s.finished)
            return;
        if (s.connecting) {
            s.connecting = false;
            if (connectError(s.fd) != 0) {
                finish(i, Failure::Connect);
                return;
            }
            s.sse.sentNs = nowNs();
        }
        if (s.sent < m_request.size()) {
            if (!sendSome(s.fd, m_request, s.sent)) {
                finish(i, Failure::Connect);
                return;
            }
            m_epoll.modify(s.fd, s.sent < m_request.size() ? EPOLLOUT : EPOLLIN, i);
            return;
        }
        if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
            read(i);
    }

    void read(size_t i)
    {
        Stream &s = m_streams[i];
        const ssize_t n = ::read(s.fd, m_buffer, sizeof m_buffer);
        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR)
                finish(i, Failure::Incomplete);
            return;
        }
        s.sse.setNow(nowNs());
        size_t used = 0;
        const auto result = n == 0 ? s.parser.onEof() : s.parser.feed(m_buffer, size_t(n), used);
        if (result == HttpResponseParser::Result::Error) {
            finish(i, Failure::Incomplete);
        } else if (result == HttpResponseParser::Result::Complete) {
            if (s.parser.status() != 200)
                finish(i, Failure::Status);
            else if (!s.sse.done || s.sse.events < m_options.expectEvents)
                finish(i, Failure::Incomplete);
            else
                finish(i, Failure::None);
        }
    }

    void report(double seconds)
    {
        std::vector<uint64_t> ttfc;
        uint64_t ok = 0, stalls = 0, events = 0, maxGapNs = 0;
        uint64_t failures[5] = {};
        for (const Stream &s : m_streams) {
            ++failures[int(s.failure)];
            ok += s.failure == Failure::None;
            stalls += uint64_t(s.sse.stalls);
            events += uint64_t(s.sse.events);
            maxGapNs = std::max(maxGapNs, uint64_t(s.sse.maxGapNs));
            if (s.sse.firstEventNs > 0)
                ttfc.push_back(uint64_t((s.sse.firstEventNs - s.sse.sentNs) / 1000));
        }
        std::printf(
            "{\"mode\":\"stream\",\"streams\":%zu,\"ok\":%llu,\"failures\":%llu,"
            "\"stalls\":%llu,\"ttfc_p50_us\":%llu,\"ttfc_p99_us\":%llu,"
            "\"max_gap_us\":%llu,\"events\":%llu,\"fail_connect\":%llu,"
            "\"fail_status\":%llu,\"fail_incomplete\":%llu,\"fail_timeout\":%llu,"
            "\"seconds\":%.2f}\n",
            m_streams.size(), (unsigned long long)ok, (unsigned long long)(m_streams.size() - ok),
            (unsigned long long)stalls, (unsigned long long)percentile(ttfc, 0.50),
            (unsigned long long)percentile(ttfc, 0.99), (unsigned long long)(maxGapNs / 1000),
            (unsigned long long)events, (unsigned long long)failures[int(Failure::Connect)],
            (unsigned long long)failures[int(Failure::Status)],
            (unsigned long long)failures[int(Failure::Incomplete)],
            (unsigned long long)failures[int(Failure::Timeout)], seconds);
        std::fflush(stdout);
    }

    const Options &m_options;
    const std::string m_request;
    std::vector<Stream> m_streams;
    Epoll m_epoll;
    char m_buffer[65536];
    size_t m_finished = 0;
};

} // namespace

int runStreams(const Options &options)
{
    Runner runner(options);
    return runner.run();
}

} // namespace aisbf::test
