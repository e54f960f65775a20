// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <array>

namespace aisbf::live {

/** Events per second over the last minute, in a ring of 60 one-second slots. */
class RateCounter
{
public:
    void add(qint64 nowSec, quint32 count = 1)
    {
        advance(nowSec);
        m_slots[std::size_t(nowSec % kSlots)] += count;
    }
    /** Events in the last @p seconds (up to 60), the current second included. */
    quint64 sum(qint64 nowSec, int seconds) const
    {
        quint64 total = 0;
        for (int i = 0; i < seconds && i < kSlots; ++i) {
            const qint64 second = nowSec - i;
            if (second > m_last || second <= m_last - kSlots)
                continue;
            total += m_slots[std::size_t(second % kSlots)];
        }
        return total;
    }
    /** Average per second over the last @p seconds. */
    double perSecond(qint64 nowSec, int seconds) const
    {
        return double(sum(nowSec, seconds)) / seconds;
    }

private:
    static constexpr int kSlots = 60;

    void advance(qint64 nowSec)
    {
        if (nowSec <= m_last)
            return;
        const qint64 stale = std::min<qint64>(nowSec - m_last, kSlots);
        for (qint64 i = 1; i <= stale; ++i)
            m_slots[std::size_t((m_last + i) % kSlots)] = 0;
        m_last = nowSec;
    }

    std::array<quint32, kSlots> m_slots{};
    qint64 m_last = 0;
};

} // namespace aisbf::live
