// SPDX-License-Identifier: GPL-3.0-or-later
#include "Net.h"

#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <ctime>

namespace aisbf::test {

int64_t nowNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

long raiseFdLimit()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    getrlimit(RLIMIT_NOFILE, &limit);
    return long(limit.rlim_cur);
}

int startConnect(const sockaddr_in &address)
{
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0 &&
        errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    return fd;
}

int connectError(int fd)
{
    int error = 0;
    socklen_t len = sizeof error;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0)
        return errno;
    return error;
}

bool sendSome(int fd, const std::string &bytes, size_t &offset)
{
    while (offset < bytes.size()) {
        const ssize_t n = send(fd, bytes.data() + offset, bytes.size() - offset, MSG_NOSIGNAL);
        if (n < 0)
            return errno == EAGAIN || errno == EINTR;
        offset += size_t(n);
    }
    return true;
}

Epoll::Epoll() : m_fd(epoll_create1(EPOLL_CLOEXEC)), m_events(1024) {}

Epoll::~Epoll()
{
    close(m_fd);
}

void Epoll::add(int fd, uint32_t events, uint64_t data)
{
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = data;
    epoll_ctl(m_fd, EPOLL_CTL_ADD, fd, &ev);
}

void Epoll::modify(int fd, uint32_t events, uint64_t data)
{
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = data;
    epoll_ctl(m_fd, EPOLL_CTL_MOD, fd, &ev);
}

void Epoll::remove(int fd)
{
    epoll_ctl(m_fd, EPOLL_CTL_DEL, fd, nullptr);
}

int Epoll::wait(int timeoutMs)
{
    const int n = epoll_wait(m_fd, m_events.data(), int(m_events.size()), timeoutMs);
    return n < 0 ? 0 : n;
}

uint64_t percentile(std::vector<uint64_t> &values, double p)
{
    if (values.empty())
        return 0;
    if (!std::is_sorted(values.begin(), values.end()))
        std::sort(values.begin(), values.end());
    const size_t rank = size_t(std::ceil(p * double(values.size())));
    return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

} // namespace aisbf::test
