// SPDX-License-Identifier: GPL-3.0-or-later
#include "RequestResponseRunner.h"

#include "HttpResponseParser.h"
#include "Net.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <utility>
#include <vector>

namespace aisbf::test {

namespace {

constexpr int64_t kReconnectDelayNs = 10'000'000;

struct Connection
{
    int fd = -1;
    bool connecting = false;
    size_t sent = 0;
    uint32_t watching = 0; //!< epoll events registered, to skip needless epoll_ctl calls
    int64_t startNs = 0;
    int64_t reconnectAtNs = 0;
    HttpResponseParser parser;
};

class Runner
{
public:
    explicit Runner(const Options &o)
        : m_options(o), m_request(o.request()), m_connections(size_t(o.concurrency))
    {}

    int run()
    {
        const int64_t start = nowNs();
        m_windowStart = start + int64_t(m_options.warmupS * 1e9);
        m_windowEnd = m_windowStart + int64_t(m_options.durationS * 1e9);
        for (size_t i = 0; i < m_connections.size(); ++i)
            open(i);
        for (int64_t now = start; now < m_windowEnd; now = nowNs()) {
            const int timeoutMs = int(std::min<int64_t>((m_windowEnd - now) / 1000000 + 1, 10));
            const int n = m_epoll.wait(timeoutMs);
            for (int i = 0; i < n; ++i)
                handle(size_t(m_epoll.event(i).data.u64), m_epoll.event(i).events);
            if (m_closed > 0)
                reopenDue();
        }
        report();
        return writeTrace() ? 0 : 1;
    }

private:
    void open(size_t i)
    {
        Connection &c = m_connections[i];
        c.fd = startConnect(m_options.address);
        if (c.fd < 0) {
            fail(i);
            return;
        }
        c.connecting = true;
        c.watching = EPOLLOUT;
        m_epoll.add(c.fd, EPOLLOUT, i);
    }

    void watch(size_t i, uint32_t events)
    {
        Connection &c = m_connections[i];
        if (c.watching != events) {
            c.watching = events;
            m_epoll.modify(c.fd, events, i);
        }
    }

    void close(size_t i, int64_t reconnectAtNs)
    {
        Connection &c = m_connections[i];
        if (c.fd >= 0) {
            m_epoll.remove(c.fd);
            ::close(c.fd);
        }
        c.fd = -1;
        c.reconnectAtNs = reconnectAtNs;
        ++m_closed;
    }

    void fail(size_t i)
    {
        if (inWindow(nowNs()))
            ++m_errors;
        close(i, nowNs() + kReconnectDelayNs);
    }

    void reopenDue()
    {
        const int64_t now = nowNs();
        for (size_t i = 0; i < m_connections.size(); ++i) {
            if (m_connections[i].fd < 0 && m_connections[i].reconnectAtNs <= now) {
                --m_closed;
                open(i);
            }
        }
    }

    bool inWindow(int64_t t) const { return t >= m_windowStart && t <= m_windowEnd; }

    void sendRequest(size_t i)
    {
        Connection &c = m_connections[i];
        c.parser.reset();
        c.sent = 0;
        c.startNs = nowNs();
        if (!sendSome(c.fd, m_request, c.sent)) {
            fail(i);
            return;
        }
        watch(i, c.sent < m_request.size() ? EPOLLOUT : EPOLLIN);
    }

    void handle(size_t i, uint32_t events)
    {
        Connection &c = m_connections[i];
        if (c.fd < 0)
            return;
        if (c.connecting) {
            c.connecting = false;
            if (connectError(c.fd) != 0) {
                fail(i);
                return;
            }
            sendRequest(i);
            return;
        }
        if ((events & EPOLLOUT) && c.sent < m_request.size()) {
            if (!sendSome(c.fd, m_request, c.sent))
                fail(i);
            else if (c.sent == m_request.size())
                watch(i, EPOLLIN);
            return;
        }
        if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
            readResponse(i);
    }

    void readResponse(size_t i)
    {
        Connection &c = m_connections[i];
        for (;;) {
            const ssize_t n = ::read(c.fd, m_buffer, sizeof m_buffer);
            if (n < 0) {
                if (errno != EAGAIN && errno != EINTR)
                    fail(i);
                return;
            }
            size_t used = 0;
            const auto result =
                n == 0 ? c.parser.onEof() : c.parser.feed(m_buffer, size_t(n), used);
            if (result == HttpResponseParser::Result::Error) {
                fail(i);
                return;
            }
            if (result == HttpResponseParser::Result::Complete) {
                complete(i);
                return;
            }
            if (n == 0 || size_t(n) < sizeof m_buffer)
                return;
        }
    }

    void complete(size_t i)
    {
        Connection &c = m_connections[i];
        const int64_t now = nowNs();
        if (c.startNs >= m_windowStart && now <= m_windowEnd) {
            m_latenciesUs.push_back(uint64_t((now - c.startNs) / 1000));
            if (!m_options.traceFile.empty())
                m_trace.push_back({c.startNs, now - c.startNs});
            if (c.parser.status() < 200 || c.parser.status() > 299)
                ++m_non2xx;
        }
        if (c.parser.keepAlive()) {
            sendRequest(i);
        } else {
            close(i, 0);
        }
    }

    /** "start_ns latency_ns" per measured request (CLOCK_MONOTONIC, as other processes see
     *  it), written after the run so that it costs nothing during it. */
    bool writeTrace() const
    {
        if (m_options.traceFile.empty())
            return true;
        FILE *file = std::fopen(m_options.traceFile.c_str(), "w");
        if (!file) {
            std::fprintf(stderr, "aisbf-loadgen: cannot write %s\n", m_options.traceFile.c_str());
            return false;
        }
        for (const auto &[startNs, latencyNs] : m_trace)
            std::fprintf(file, "%lld %lld\n", (long long)startNs, (long long)latencyNs);
        return std::fclose(file) == 0;
    }

    void report()
    {
        const size_t n = m_latenciesUs.size();
        std::printf("{\"mode\":\"rr\",\"concurrency\":%d,\"requests\":%zu,\"errors\":%llu,"
                    "\"non2xx\":%llu,\"rps\":%.1f,\"p50_us\":%llu,\"p90_us\":%llu,"
                    "\"p99_us\":%llu,\"max_us\":%llu}\n",
                    m_options.concurrency, n, (unsigned long long)m_errors,
                    (unsigned long long)m_non2xx, double(n) / m_options.durationS,
                    (unsigned long long)percentile(m_latenciesUs, 0.50),
                    (unsigned long long)percentile(m_latenciesUs, 0.90),
                    (unsigned long long)percentile(m_latenciesUs, 0.99),
                    (unsigned long long)percentile(m_latenciesUs, 1.0));
        std::fflush(stdout);
    }

    const Options &m_options;
    const std::string m_request;
    std::vector<Connection> m_connections;
    Epoll m_epoll;
    char m_buffer[65536];
    int64_t m_windowStart = 0;
    int64_t m_windowEnd = 0;
    size_t m_closed = 0;
    uint64_t m_errors = 0;
    uint64_t m_non2xx = 0;
    std::vector<uint64_t> m_latenciesUs;
    std::vector<std::pair<int64_t, int64_t>> m_trace; //!< start, latency (ns)
};

} // namespace

int runRequestResponse(const Options &options)
{
    Runner runner(options);
    return runner.run();
}

} // namespace aisbf::test
