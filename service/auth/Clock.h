// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <functional>

namespace aisbf::auth {

/** Wall-clock time in UTC at millisecond resolution; calendar windows are computed from it. */
using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;

/** Where the rate limiter reads the time; tests pass a lambda over a variable they move. */
using Clock = std::function<TimePoint()>;

/** std::chrono::system_clock, truncated to milliseconds. */
inline Clock systemClock()
{
    return [] {
        return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
    };
}

} // namespace aisbf::auth
