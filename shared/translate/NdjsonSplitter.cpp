// SPDX-License-Identifier: GPL-3.0-or-later
#include "NdjsonSplitter.h"

namespace aisbf::translate {

namespace {

// A line without its CR (some servers write CRLF) and surrounding blanks; null when blank.
QByteArray lineOf(QByteArrayView line)
{
    line = line.trimmed();
    return line.isEmpty() ? QByteArray() : line.toByteArray();
}

} // namespace

QList<QByteArray> NdjsonSplitter::feed(const QByteArray &bytes)
{
    QList<QByteArray> lines;
    // Only the new bytes can hold a newline: everything before them was scanned already.
    qsizetype from = m_buffer.size();
    m_buffer.append(bytes);
    for (qsizetype end = m_buffer.indexOf('\n', from); end >= 0;
         end = m_buffer.indexOf('\n', from)) {
        const QByteArray line =
            lineOf(QByteArrayView(m_buffer).sliced(m_lineStart, end - m_lineStart));
        if (!line.isNull())
            lines.append(line);
        m_lineStart = from = end + 1;
    }
    if (m_lineStart >= m_buffer.size()) {
        m_buffer.clear();
        m_lineStart = 0;
    } else if (m_lineStart > 4096) {
        // Compact now and then rather than on every line: a line usually ends a read.
        m_buffer.remove(0, m_lineStart);
        m_lineStart = 0;
    }
    return lines;
}

QByteArray NdjsonSplitter::finish()
{
    const QByteArray line = lineOf(QByteArrayView(m_buffer).sliced(m_lineStart));
    m_buffer.clear();
    m_lineStart = 0;
    return line;
}

} // namespace aisbf::translate
