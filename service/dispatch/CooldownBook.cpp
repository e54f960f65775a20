// SPDX-License-Identifier: GPL-3.0-or-later
#include "CooldownBook.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcDispatch, "aisbf.dispatch")

namespace aisbf::dispatch {

void CooldownBook::coolDown(const QString &key, std::chrono::milliseconds duration,
                            const QString &reason)
{
    if (duration.count() <= 0) {
        if (m_listener)
            m_listener(key, Clock::time_point{}, reason);
        return;
    }
    const Clock::time_point until = Clock::now() + duration;
    Entry &entry = m_entries[key];
    if (entry.until < until) {
        entry.until = until;
        qCInfo(lcDispatch).noquote()
            << "cooldown" << key << duration.count() / 1000.0 << "s:" << reason;
    }
    entry.reason = reason;
    if (m_listener)
        m_listener(key, entry.until, reason);
}

std::chrono::milliseconds CooldownBook::remaining(const QString &key, Clock::time_point now) const
{
    const auto it = m_entries.constFind(key);
    if (it == m_entries.cend() || it->until <= now)
        return std::chrono::milliseconds(0);
    return std::chrono::duration_cast<std::chrono::milliseconds>(it->until - now);
}

QString CooldownBook::reason(const QString &key) const
{
    return m_entries.value(key).reason;
}

} // namespace aisbf::dispatch
