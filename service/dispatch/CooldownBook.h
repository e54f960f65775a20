// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QString>

#include <chrono>
#include <functional>

namespace aisbf::dispatch {

/**
 * Which provider/model pairs are out of traffic after errors, and until when. Shared by all
 * routes of one worker: a pair that fails through one rotation cools down in every rotation.
 */
class CooldownBook
{
public:
    using Clock = std::chrono::steady_clock;

    struct Entry
    {
        Clock::time_point until;
        QString reason;
    };

    /** Told of every failed attempt: @p until is the end of the cooldown it started, or a
     *  default time point when the failure started none (a single-provider route). */
    using FailureListener =
        std::function<void(const QString &key, Clock::time_point until, const QString &reason)>;

    void setFailureListener(FailureListener listener) { m_listener = std::move(listener); }
    /** Records a failed attempt on @p key and takes it out of traffic for @p duration (none
     *  when zero). */
    void coolDown(const QString &key, std::chrono::milliseconds duration, const QString &reason);
    /** Time left for @p key; zero when it may take traffic. */
    std::chrono::milliseconds remaining(const QString &key, Clock::time_point now) const;
    QString reason(const QString &key) const;
    void clear(const QString &key) { m_entries.remove(key); }

private:
    QHash<QString, Entry> m_entries;
    FailureListener m_listener;
};

} // namespace aisbf::dispatch
