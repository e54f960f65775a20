// SPDX-License-Identifier: GPL-3.0-or-later
#include "AccessLog.h"

#include "ClientResponse.h"

#include <QDateTime>
#include <QTimerEvent>

#include <charconv>

namespace aisbf::http {

namespace {

// Appends milliseconds with three decimals from a duration, without a floating-point format.
void appendMillis(QByteArray &out, std::chrono::steady_clock::duration duration)
{
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(duration).count();
    char digits[32];
    char *end = std::to_chars(digits, digits + sizeof(digits), us / 1000).ptr;
    const auto fraction = us % 1000;
    *end++ = '.';
    *end++ = char('0' + fraction / 100);
    *end++ = char('0' + fraction / 10 % 10);
    *end++ = char('0' + fraction % 10);
    out.append(digits, end - digits);
}

void appendNumber(QByteArray &out, qint64 value)
{
    char digits[24];
    const char *end = std::to_chars(digits, digits + sizeof(digits), value).ptr;
    out.append(digits, end - digits);
}

// Values are identifiers from config or the client; spaces would break the key=value form.
void appendField(QByteArray &out, const QString &value)
{
    if (value.isEmpty()) {
        out += '-';
        return;
    }
    const qsizetype from = out.size();
    out += value.toUtf8();
    for (qsizetype i = from; i < out.size(); ++i) {
        if (out[i] == ' ' || out[i] == '\n')
            out[i] = '_';
    }
}

} // namespace

AccessLog::AccessLog(std::FILE *out, QObject *parent) : QObject(parent), m_out(out) {}

AccessLog::~AccessLog()
{
    flush();
}

void AccessLog::write(const AccessRecord &record)
{
    if (m_sink)
        m_sink(record);
    if (!m_enabled)
        return;
    const auto now = std::chrono::steady_clock::now();
    m_buffer += timestamp();
    m_buffer += " access req=";
    m_buffer += record.requestId;
    m_buffer += " method=";
    m_buffer += record.method;
    m_buffer += " path=";
    m_buffer += record.path;
    m_buffer += " route=";
    appendField(m_buffer, record.route);
    if (!record.via.isEmpty()) { // the route an autoselect chose
        m_buffer += " via=";
        appendField(m_buffer, record.via);
    }
    m_buffer += " provider=";
    appendField(m_buffer, record.provider);
    m_buffer += " model=";
    appendField(m_buffer, record.model);
    m_buffer += " status=";
    appendNumber(m_buffer, record.status);
    m_buffer += " failovers=";
    appendNumber(m_buffer, record.failovers);
    m_buffer += " latency_ms=";
    appendMillis(m_buffer, now - record.start);
    m_buffer += " ttfb_ms=";
    if (record.firstByte != std::chrono::steady_clock::time_point{})
        appendMillis(m_buffer, record.firstByte - record.start);
    else
        m_buffer += '-';
    m_buffer += '\n';
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
