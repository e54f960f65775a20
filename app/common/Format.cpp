// SPDX-License-Identifier: GPL-3.0-or-later
#include "Format.h"

#include <QLocale>

#include <cmath>

namespace aisbf::app {

QString Format::duration(double seconds)
{
    const qint64 s = qint64(std::max(0.0, seconds));
    const qint64 d = s / 86400, h = (s % 86400) / 3600, m = (s % 3600) / 60;
    if (d > 0)
        return QStringLiteral("%1d %2h").arg(d).arg(h);
    if (h > 0)
        return QStringLiteral("%1h %2m").arg(h).arg(m);
    if (m > 0)
        return QStringLiteral("%1m %2s").arg(m).arg(s % 60);
    return QStringLiteral("%1s").arg(s);
}

QString Format::percent(double fraction)
{
    const double p = fraction * 100.0;
    return QString::number(p, 'f', p < 10 ? 1 : 0) + QLatin1Char('%');
}

QString Format::rate(double value)
{
    if (std::abs(value) >= 1000)
        return QLocale(QLocale::English).toString(qint64(std::llround(value)));
    return QString::number(value, 'f',
                           std::abs(value) >= 100 ? 0 : (std::abs(value) >= 10 ? 1 : 2));
}

QString Format::millis(double ms)
{
    if (ms >= 1000)
        return QString::number(ms / 1000.0, 'f', 2) + QStringLiteral(" s");
    return QString::number(ms, 'f', ms >= 100 ? 0 : (ms >= 10 ? 1 : 2)) + QStringLiteral(" ms");
}

QString Format::compact(double value)
{
    const double a = std::abs(value);
    if (a >= 1e9)
        return QString::number(value / 1e9, 'f', 2) + QLatin1Char('G');
    if (a >= 1e6)
        return QString::number(value / 1e6, 'f', 2) + QLatin1Char('M');
    if (a >= 1e3)
        return QString::number(value / 1e3, 'f', 1) + QLatin1Char('k');
    return QString::number(value, 'f', a == std::floor(a) ? 0 : 1);
}

QString Format::ago(double epochMs, double nowMs)
{
    if (epochMs <= 0)
        return QStringLiteral("never");
    return duration((nowMs - epochMs) / 1000.0) + QStringLiteral(" ago");
}

} // namespace aisbf::app
