// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QBasicTimer>
#include <QObject>

#include <cstdio>
#include <functional>

namespace aisbf::http {

struct AccessRecord;

/** Receives every finished request (the control plane records usage from it). */
using FinishedSink = std::function<void(const AccessRecord &)>;

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
    /** Called with every finished request, whether lines are written or not. */
    void setFinishedSink(FinishedSink sink) { m_sink = std::move(sink); }
    void write(const AccessRecord &record);
    void flush();

    /** Chat answers being streamed to clients now (for the live state). */
    int activeStreams() const { return m_activeStreams; }
    void streamStarted() { ++m_activeStreams; }
    void streamFinished() { --m_activeStreams; }

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    QByteArray timestamp();

    std::FILE *m_out;
    qint64 m_stampSecond = -1;
    QByteArray m_stampPrefix; ///< "2026-11-24T03:40:14" for m_stampSecond
    QByteArray m_buffer;
    QBasicTimer m_timer;
    bool m_enabled = true;
    int m_activeStreams = 0;
    FinishedSink m_sink;
};

} // namespace aisbf::http
