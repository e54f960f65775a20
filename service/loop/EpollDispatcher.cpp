// SPDX-License-Identifier: GPL-3.0-or-later
#include "EpollDispatcher.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QThread>
#include <QTimerEvent>

#include <cerrno>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace aisbf::loop {

namespace {

constexpr int kMaxEvents = 512;

quint32 readMask(quint32 events)
{
    return events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP);
}

quint32 writeMask(quint32 events)
{
    return events & (EPOLLOUT | EPOLLHUP | EPOLLERR);
}

} // namespace

quint32 EpollDispatcher::FdWatch::wanted() const
{
    quint32 mask = 0;
    if (read)
        mask |= EPOLLIN | EPOLLRDHUP;
    if (write)
        mask |= EPOLLOUT;
    if (exception)
        mask |= EPOLLPRI;
    return mask;
}

EpollDispatcher::EpollDispatcher(QObject *parent) : QAbstractEventDispatcher(parent)
{
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    m_wakeFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m_epoll < 0 || m_wakeFd < 0)
        qFatal("EpollDispatcher: cannot create epoll or eventfd: %s", strerror(errno));
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = m_wakeFd;
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeFd, &event);
}

EpollDispatcher::~EpollDispatcher()
{
    ::close(m_wakeFd);
    ::close(m_epoll);
}

void EpollDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    FdWatch &watch = m_watches[int(notifier->socket())];
    switch (notifier->type()) {
    case QSocketNotifier::Read:
        watch.read = notifier;
        break;
    case QSocketNotifier::Write:
        watch.write = notifier;
        break;
    case QSocketNotifier::Exception:
        watch.exception = notifier;
        break;
    }
    m_dirty.insert(int(notifier->socket()));
}

void EpollDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const auto it = m_watches.find(fd);
    if (it != m_watches.end()) {
        FdWatch &watch = it->second;
        if (watch.read == notifier)
            watch.read = nullptr;
        else if (watch.write == notifier)
            watch.write = nullptr;
        else if (watch.exception == notifier)
            watch.exception = nullptr;
        if (watch.wanted() == 0)
            watch.emptied = true;
        m_dirty.insert(fd);
    }
    // It may be waiting for activation in this very pass; it must not get it any more.
    const qsizetype pending = m_activating.indexOf(notifier);
    if (pending >= 0)
        m_activating[pending] = nullptr;
}

void EpollDispatcher::applyInterest()
{
    for (int fd : std::as_const(m_dirty)) {
        const auto it = m_watches.find(fd);
        if (it == m_watches.end())
            continue;
        FdWatch &watch = it->second;
        const quint32 wanted = watch.wanted();
        if (wanted == 0) {
            // Removing the fd (not leaving it with an empty mask) stops EPOLLHUP wake-ups for a
            // socket nobody is watching. It may be closed already: EBADF/ENOENT are fine.
            if (watch.inKernel)
                epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
            m_watches.erase(it);
            continue;
        }
        if (watch.emptied && watch.inKernel) {
            // Closed and reused within this pass: the kernel dropped the old registration
            // when the old socket closed, so MOD would fail and a mask match would be a lie.
            epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
            watch.inKernel = false;
        }
        watch.emptied = false;
        if (watch.inKernel && watch.applied == wanted)
            continue;
        epoll_event event{};
        event.events = wanted;
        event.data.fd = fd;
        // The fd number may belong to a new socket already (closed and reused within one
        // pass), so fall back between MOD and ADD by what the kernel says.
        int result = epoll_ctl(m_epoll, watch.inKernel ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event);
        if (result != 0 && errno == ENOENT)
            result = epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event);
        else if (result != 0 && errno == EEXIST)
            result = epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event);
        if (result == 0) {
            watch.inKernel = true;
            watch.applied = wanted;
        } else {
            qWarning("EpollDispatcher: cannot watch fd %d: %s", fd, strerror(errno));
        }
    }
    m_dirty.clear();
}

void EpollDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                                    QObject *object)
{
    Timer timer{std::max<qint64>(0, interval), timerType, object, Clock::now(), 0};
    timer.deadline += std::chrono::milliseconds(timer.intervalMs);
    schedule(timerId, m_timers.insert_or_assign(timerId, timer).first->second);
}

void EpollDispatcher::schedule(int timerId, Timer &timer)
{
    timer.generation = ++m_generation;
    m_due.push({timer.deadline, timerId, timer.generation});
    // A stopped timer leaves its entry behind until the old deadline. The gateway starts and
    // stops minutes-long timeouts for every request, so without this the heap grew by millions
    // of dead entries (RSS and latency climbing round after round).
    if (m_due.size() > 2 * m_timers.size() + 1024)
        compactTimers();
}

void EpollDispatcher::compactTimers()
{
    std::vector<Due> live;
    live.reserve(m_timers.size());
    for (const auto &[id, timer] : m_timers)
        live.push_back({timer.deadline, id, timer.generation});
    m_due = decltype(m_due)(std::greater<>(), std::move(live));
}

bool EpollDispatcher::unregisterTimer(int timerId)
{
    return m_timers.erase(timerId) > 0; // its heap entry goes stale and is skipped
}

bool EpollDispatcher::unregisterTimers(QObject *object)
{
    bool any = false;
    for (auto it = m_timers.begin(); it != m_timers.end();) {
        if (it->second.object == object) {
            it = m_timers.erase(it);
            any = true;
        } else {
            ++it;
        }
    }
    return any;
}

QList<QAbstractEventDispatcher::TimerInfo> EpollDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> list;
    for (const auto &[id, timer] : m_timers) {
        if (timer.object == object)
            list.append(TimerInfo(id, int(timer.intervalMs), timer.type));
    }
    return list;
}

int EpollDispatcher::remainingTime(int timerId)
{
    const auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return -1;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(it->second.deadline - Clock::now());
    return int(std::max<qint64>(0, left.count()));
}

void EpollDispatcher::wakeUp()
{
    // Posting from the loop's own thread (deleteLater, queued calls: several per request)
    // happens while the loop is running, not waiting: remembering it is enough for the next
    // pass not to block. Only another thread needs the eventfd.
    if (QThread::currentThread() == thread()) {
        m_postedLocally = true;
        return;
    }
    if (m_wakeUpPending.testAndSetAcquire(0, 1)) {
        const quint64 one = 1;
        [[maybe_unused]] const ssize_t written = ::write(m_wakeFd, &one, sizeof(one));
    }
}

void EpollDispatcher::interrupt()
{
    m_interrupt.storeRelaxed(1);
    wakeUp();
}

void EpollDispatcher::drainWakeUps()
{
    quint64 count = 0;
    [[maybe_unused]] const ssize_t got = ::read(m_wakeFd, &count, sizeof(count));
    m_wakeUpPending.storeRelease(0);
}

int EpollDispatcher::waitTimeoutMs(Clock::time_point now)
{
    while (!m_due.empty()) {
        const Due &due = m_due.top();
        const auto it = m_timers.find(due.timerId);
        if (it == m_timers.end() || it->second.generation != due.generation) {
            m_due.pop(); // stale: the timer was stopped or restarted
            continue;
        }
        if (due.deadline <= now)
            return 0;
        // Round up so a wake-up never comes before the deadline.
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(due.deadline - now);
        return int(std::min<qint64>(left.count(), std::numeric_limits<int>::max()));
    }
    return -1;
}

bool EpollDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupt.storeRelaxed(0);
    Q_EMIT awake();
    m_postedLocally = false;
    QCoreApplication::sendPostedEvents();

    // Events posted while the posted ones ran are delivered on the next pass, without waiting.
    const bool mayWait =
        (flags & QEventLoop::WaitForMoreEvents) && !m_interrupt.loadRelaxed() && !m_postedLocally;
    applyInterest();
    int timeout = 0;
    if (mayWait) {
        timeout = (flags & QEventLoop::X11ExcludeTimers) ? -1 : waitTimeoutMs(Clock::now());
        if (timeout != 0)
            Q_EMIT aboutToBlock();
    }
    epoll_event events[kMaxEvents];
    int count = epoll_wait(m_epoll, events, kMaxEvents, timeout);
    if (count < 0)
        count = 0; // EINTR
    if (timeout != 0)
        Q_EMIT awake();

    bool handled = false;
    m_activating.clear();
    for (int i = 0; i < count; ++i) {
        const int fd = events[i].data.fd;
        if (fd == m_wakeFd) {
            drainWakeUps();
            handled = true;
            continue;
        }
        if (flags & QEventLoop::ExcludeSocketNotifiers)
            continue;
        const auto it = m_watches.find(fd);
        if (it == m_watches.end())
            continue;
        const FdWatch &watch = it->second;
        if (watch.read && readMask(events[i].events))
            m_activating.append(watch.read);
        if (watch.write && writeMask(events[i].events))
            m_activating.append(watch.write);
        if (watch.exception && (events[i].events & EPOLLPRI))
            m_activating.append(watch.exception);
    }
    // Handlers may unregister (or delete) notifiers still in the list; those become null.
    for (qsizetype i = 0; i < m_activating.size(); ++i) {
        QSocketNotifier *notifier = m_activating[i];
        if (!notifier)
            continue;
        m_activating[i] = nullptr;
        QEvent event(QEvent::SockAct);
        QCoreApplication::sendEvent(notifier, &event);
        handled = true;
    }
    m_activating.clear();

    if (!(flags & QEventLoop::X11ExcludeTimers))
        handled = fireTimers() || handled;
    return handled;
}

bool EpollDispatcher::fireTimers()
{
    const Clock::time_point now = Clock::now();
    // Fire what is due now, one heap entry at a time, so that a handler running a nested event
    // loop leaves the other due timers in the heap for the nested passes. Entries made during
    // this pass (re-armed, restarted, or fired by a nested pass) wait for the next one.
    const quint64 passGeneration = m_generation;
    std::vector<Due> later;
    bool fired = false;
    while (!m_due.empty() && m_due.top().deadline <= now) {
        const Due top = m_due.top();
        m_due.pop();
        const auto it = m_timers.find(top.timerId);
        if (it == m_timers.end() || it->second.generation != top.generation)
            continue; // stale: stopped or restarted since
        if (top.generation > passGeneration) {
            later.push_back(top);
            continue;
        }
        Timer &timer = it->second;
        // Next deadline from the previous one keeps a steady period; after a long stall, restart
        // from now instead of firing a burst of catch-up events.
        timer.deadline += std::chrono::milliseconds(timer.intervalMs);
        if (timer.deadline <= now)
            timer.deadline = now + std::chrono::milliseconds(timer.intervalMs);
        schedule(top.timerId, timer);
        if (timer.firing)
            continue; // still inside its own handler (a nested event loop): skip this tick
        timer.firing = true;
        QTimerEvent event(top.timerId);
        QCoreApplication::sendEvent(timer.object, &event);
        fired = true;
        const auto after = m_timers.find(top.timerId);
        if (after != m_timers.end())
            after->second.firing = false;
    }
    for (const Due &due : later)
        m_due.push(due);
    return fired;
}

} // namespace aisbf::loop
