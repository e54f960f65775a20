// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Clock.h"

#include <QtGlobal>

namespace aisbf::auth {

/** A fixed calendar window (a UTC day or month): a number that names it and when it ends. */
struct CalendarWindow
{
    qint32 index = 0; ///< days since 1970-01-01, or months since 1970-01
    TimePoint end;    ///< the first millisecond of the next window
};

CalendarWindow utcDay(TimePoint now);
CalendarWindow utcMonth(TimePoint now);

} // namespace aisbf::auth
