// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

namespace aisbf::app {

/** Number and time formatting shared by every page, so figures read the same everywhere. */
class Format : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

public:
    using QObject::QObject;

    /** 3725 -> "1h 2m", 93784 -> "1d 2h", 42 -> "42s". */
    Q_INVOKABLE static QString duration(double seconds);
    /** 0.0123 -> "1.2%". */
    Q_INVOKABLE static QString percent(double fraction);
    /** 3.456 -> "3.46", 1234.5 -> "1,235" — requests/s and the like. */
    Q_INVOKABLE static QString rate(double value);
    /** Milliseconds: 0.734 -> "0.73 ms", 1520 -> "1.52 s". */
    Q_INVOKABLE static QString millis(double ms);
    /** 1234567 -> "1.23M", 5300 -> "5.3k". */
    Q_INVOKABLE static QString compact(double value);
    /** Age of a time given as ms since epoch: "3s ago", "never" for 0. */
    Q_INVOKABLE static QString ago(double epochMs, double nowMs);
};

} // namespace aisbf::app
