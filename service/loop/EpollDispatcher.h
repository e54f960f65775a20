// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractEventDispatcher>
#include <QAtomicInt>
#include <QHash>
#include <QList>
#include <QSet>

#include <chrono>
#include <queue>
#include <unordered_map>
#include <vector>

namespace aisbf::loop {

/**
 * A Linux epoll event dispatcher for the gateway's threads.
 *
 * Qt 6.4's UNIX dispatcher rebuilds a pollfd array of every socket on each loop pass and the
 * kernel walks all of them: with 1,000 streams (2,000 sockets) most of a pass went to poll()
 * itself. epoll costs O(ready sockets) per pass. Interest changes are applied lazily, just before
 * the next wait, because QAbstractSocket enables and disables its write notifier around every
 * write: within one pass those cancel out and cost no syscall.
 *
 * Timers are a min-heap of deadlines with millisecond resolution (all timer types are treated
 * as precise). Install with QCoreApplication::setEventDispatcher() before the application object.
 */
class EpollDispatcher final : public QAbstractEventDispatcher
{
    Q_OBJECT

public:
    explicit EpollDispatcher(QObject *parent = nullptr);
    ~EpollDispatcher() override;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                       QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

    /** Deadline entries held, live and stale (for tests: it must stay bounded). */
    qsizetype timerEntries() const { return qsizetype(m_due.size()); }

private:
    using Clock = std::chrono::steady_clock;

    struct FdWatch
    {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
        QSocketNotifier *exception = nullptr;
        quint32 applied = 0; ///< the mask the kernel has
        bool inKernel = false;
        /// Every notifier went away during this pass: the socket may have been closed and its
        /// number reused by a new one, whose kernel registration must be made afresh.
        bool emptied = false;
        quint32 wanted() const;
    };

    struct Timer
    {
        qint64 intervalMs;
        Qt::TimerType type;
        QObject *object;
        Clock::time_point deadline;
        quint64 generation;
        bool firing = false;
    };

    struct Due
    {
        Clock::time_point deadline;
        int timerId;
        quint64 generation;
        bool operator>(const Due &other) const { return deadline > other.deadline; }
    };

    void applyInterest();
    int waitTimeoutMs(Clock::time_point now);
    bool activateSockets(int count);
    bool fireTimers();
    void schedule(int timerId, Timer &timer);
    void compactTimers();
    void drainWakeUps();

    int m_epoll = -1;
    int m_wakeFd = -1;
    QAtomicInt m_wakeUpPending{0};
    QAtomicInt m_interrupt{0};
    bool m_postedLocally = false; ///< an event was posted from this thread since the last pass
    std::unordered_map<int, FdWatch> m_watches;
    QSet<int> m_dirty;
    QList<QSocketNotifier *> m_activating; ///< notifiers of this pass; cleared when unregistered
    std::unordered_map<int, Timer> m_timers;
    std::priority_queue<Due, std::vector<Due>, std::greater<>> m_due;
    quint64 m_generation = 0;
};

} // namespace aisbf::loop
