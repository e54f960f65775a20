// SPDX-License-Identifier: GPL-3.0-or-later
#include "AccessLog.h"

#include "ClientResponse.h"

#include <QDateTime>
#include <QTimerEvent>

namespace aisbf::http {

namespace {

QByteArray micros(std::chrono::steady_clock::duration duration)
{
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(duration).count();
    return QByteArray::number(double(us) / 1000.0, 'f', 3);
}

// Values are identifiers from config or the client; spaces would break the key=value form.
QByteArray field(const QString &value)
{
    if (value.isEmpty())
        return QByteArrayLiteral("-");
    QByteArray bytes = value.toUtf8();
    bytes.replace(' ', '_');
    return bytes;
}

} // namespace

AccessLog::AccessLog(std::FILE *out, QObject *parent) : QObject(parent), m_out(out) {}

AccessLog::~AccessLog()
{
    flush();
}

void AccessLog::write(const AccessRecord &record)
{
    if (!m_enabled)
        return;
    const auto now = std::chrono::steady_clock::now();
    const bool hasFirstByte = record.firstByte != std::chrono::steady_clock::time_point{};
    m_buffer += timestamp() + " access req=" + record.requestId + " method=" + record.method +
                " path=" + record.path + " route=" + field(record.route) +
                " provider=" + field(record.provider) + " model=" + field(record.model) +
                " status=" + QByteArray::number(record.status) +
                " failovers=" + QByteArray::number(record.failovers) +
                " latency_ms=" + micros(now - record.start) + " ttfb_ms=" +
                (hasFirstByte ? micros(record.firstByte - record.start) : QByteArray("-")) + '\n';
    if (!m_timer.isActive())
        m_timer.start(100, this);
    if (m_buffer.size() > 64 * 1024)
        flush();
}

QByteArray AccessLog::timestamp()
{
    // Formatting a QDateTime cost more than the rest of the line; the date and time change
    // once a second, so only the milliseconds are formatted per request.
    const qint64 ms = QDateTime::currentMSecsSinceEpoch();
    if (ms / 1000 != m_stampSecond) {
        m_stampSecond = ms / 1000;
        m_stampPrefix =
            QDateTime::fromSecsSinceEpoch(m_stampSecond, Qt::UTC).toString(Qt::ISODate).toLatin1();
        m_stampPrefix.chop(1); // the 'Z', appended after the milliseconds
    }
    const int millis = int(ms % 1000);
    const char fraction[] = {'.', char('0' + millis / 100), char('0' + millis / 10 % 10),
                             char('0' + millis % 10), 'Z'};
    return m_stampPrefix + QByteArrayView(fraction, sizeof(fraction));
}

void AccessLog::flush()
{
    if (m_buffer.isEmpty())
        return;
    std::fwrite(m_buffer.constData(), 1, size_t(m_buffer.size()), m_out);
    std::fflush(m_out);
    m_buffer.clear();
}

void AccessLog::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_timer.timerId())
        return QObject::timerEvent(event);
    m_timer.stop();
    flush();
}

} // namespace aisbf::http
