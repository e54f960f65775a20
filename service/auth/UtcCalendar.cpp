// SPDX-License-Identifier: GPL-3.0-or-later
#include "UtcCalendar.h"

namespace aisbf::auth {

using namespace std::chrono;

CalendarWindow utcDay(TimePoint now)
{
    const sys_days day = floor<days>(now);
    return {qint32(day.time_since_epoch().count()), day + days(1)};
}

CalendarWindow utcMonth(TimePoint now)
{
    const year_month_day date(floor<days>(now));
    const year_month first = date.year() / date.month();
    const qint32 index = (int(date.year()) - 1970) * 12 + qint32(unsigned(date.month())) - 1;
    return {index, sys_days((first + months(1)) / 1)};
}

} // namespace aisbf::auth
