// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <netinet/in.h>
#include <sys/epoll.h>

#include <cstdint>
#include <string>
#include <vector>

namespace aisbf::test {

/** CLOCK_MONOTONIC in nanoseconds. */
int64_t nowNs();

/** RLIMIT_NOFILE soft limit raised to the hard limit; returns the new soft limit. */
long raiseFdLimit();

/** A non-blocking TCP socket with TCP_NODELAY, connect started; -1 on failure. */
int startConnect(const sockaddr_in &address);

/** SO_ERROR of a socket whose connect finished (0 = connected). */
int connectError(int fd);

/** Writes from @p offset on without blocking; false on a socket error. */
bool sendSome(int fd, const std::string &bytes, size_t &offset);

/** Level-triggered epoll; the 64-bit user data is the caller's connection index. */
class Epoll
{
public:
    Epoll();
    ~Epoll();
    Epoll(const Epoll &) = delete;
    Epoll &operator=(const Epoll &) = delete;

    void add(int fd, uint32_t events, uint64_t data);
    void modify(int fd, uint32_t events, uint64_t data);
    void remove(int fd);
    /** Waits up to @p timeoutMs; the ready events are in events(). */
    int wait(int timeoutMs);
    const epoll_event &event(int i) const { return m_events[size_t(i)]; }

private:
    int m_fd;
    std::vector<epoll_event> m_events;
};

/** Nearest-rank percentile of @p values (sorted in place on first use). */
uint64_t percentile(std::vector<uint64_t> &values, double p);

} // namespace aisbf::test
