// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QBasicTimer>
#include <QObject>

#include <cstdio>

namespace aisbf::http {

struct AccessRecord;

/**
 * One line per request, as key=value pairs. Lines are buffered and written every 100 ms (and at
 * exit) so logging costs a string append on the request path, not a write(2).
 */
class AccessLog : public QObject
{
    Q_OBJECT

public:
    explicit AccessLog(std::FILE *out = stderr, QObject *parent = nullptr);
    ~AccessLog() override;

    void setEnabled(bool enabled) { m_enabled = enabled; }
    void write(const AccessRecord &record);
    void flush();

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    std::FILE *m_out;
    QByteArray m_buffer;
    QBasicTimer m_timer;
    bool m_enabled = true;
};

} // namespace aisbf::http
