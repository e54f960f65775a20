// SPDX-License-Identifier: GPL-3.0-or-later
#include "SseEventReader.h"

namespace aisbf::api {

QList<SseEventReader::Event> SseEventReader::feed(const QByteArray &bytes)
{
    QList<Event> out;
    m_buffer += bytes;
    qsizetype start = 0;
    for (;;) {
        const qsizetype newline = m_buffer.indexOf('\n', start);
        if (newline < 0)
            break;
        QByteArray line = m_buffer.mid(start, newline - start);
        if (line.endsWith('\r'))
            line.chop(1);
        takeLine(std::move(line), out);
        start = newline + 1;
    }
    m_buffer.remove(0, start);
    return out;
}

void SseEventReader::reset()
{
    m_buffer.clear();
    m_current = {};
    m_hasData = false;
}

void SseEventReader::takeLine(QByteArray line, QList<Event> &out)
{
    if (line.isEmpty()) {
        if (m_hasData)
            out.append(m_current);
        m_current = {};
        m_hasData = false;
        return;
    }
    if (line.startsWith(':')) {
        ++m_comments;
        return;
    }
    const qsizetype colon = line.indexOf(':');
    const QByteArray field = colon < 0 ? line : line.left(colon);
    QByteArray value = colon < 0 ? QByteArray() : line.mid(colon + 1);
    if (value.startsWith(' '))
        value.remove(0, 1);
    if (field == "event") {
        m_current.name = value;
    } else if (field == "data") {
        if (m_hasData)
            m_current.data += '\n';
        m_current.data += value;
        m_hasData = true;
    }
}

} // namespace aisbf::api
