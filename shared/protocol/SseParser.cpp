// SPDX-License-Identifier: GPL-3.0-or-later
#include "SseParser.h"

namespace aisbf::protocol {

namespace {

// Finds the end of the next event: a blank line, in LF or CRLF form. Returns the index just
// past it and sets @p eventEnd to where the event text ends, or returns -1.
qsizetype findEventEnd(const QByteArray &buffer, qsizetype from, qsizetype *eventEnd)
{
    for (qsizetype i = buffer.indexOf('\n', from); i >= 0; i = buffer.indexOf('\n', i + 1)) {
        const qsizetype next = i + 1;
        if (next < buffer.size() && buffer[next] == '\n') {
            *eventEnd = i;
            return next + 1;
        }
        if (next + 1 < buffer.size() && buffer[next] == '\r' && buffer[next + 1] == '\n') {
            *eventEnd = i;
            return next + 2;
        }
    }
    return -1;
}

QByteArray dataOf(QByteArrayView event)
{
    QByteArray data;
    bool hasData = false;
    while (!event.isEmpty()) {
        const qsizetype lineEnd = event.indexOf('\n');
        QByteArrayView line = lineEnd < 0 ? event : event.first(lineEnd);
        event = lineEnd < 0 ? QByteArrayView() : event.sliced(lineEnd + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        if (!line.startsWith("data:"))
            continue;
        line = line.sliced(5);
        if (line.startsWith(' '))
            line = line.sliced(1);
        if (hasData)
            data.append('\n');
        data.append(line);
        hasData = true;
    }
    // An event without data lines (a comment or keep-alive) yields a null array.
    return hasData ? (data.isNull() ? QByteArray("") : data) : QByteArray();
}

} // namespace

QList<SseParser::Event> SseParser::feed(const QByteArray &bytes)
{
    QList<Event> events;
    m_buffer.append(bytes);
    qsizetype start = m_scanFrom;
    // Resume the blank-line search just before the old end: the terminator may straddle reads.
    qsizetype searchFrom = qMax(start, m_buffer.size() - bytes.size() - 2);
    qsizetype eventEnd = 0;
    for (qsizetype next = findEventEnd(m_buffer, searchFrom, &eventEnd); next >= 0;
         next = findEventEnd(m_buffer, next, &eventEnd)) {
        const QByteArray data = dataOf(QByteArrayView(m_buffer).sliced(start, eventEnd - start));
        if (!data.isNull())
            events.append({data});
        start = next;
    }
    if (start >= m_buffer.size()) {
        m_buffer.clear();
        m_scanFrom = 0;
    } else if (start > 4096) {
        m_buffer.remove(0, start);
        m_scanFrom = 0;
    } else {
        m_scanFrom = start;
    }
    return events;
}

bool looksLikeJsonObject(const QByteArray &data)
{
    const QByteArrayView trimmed = QByteArrayView(data).trimmed();
    if (trimmed == "[DONE]")
        return true;
    return trimmed.startsWith('{') && trimmed.endsWith('}');
}

} // namespace aisbf::protocol
