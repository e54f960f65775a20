// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>

namespace aisbf::translate {

/**
 * Splits a newline-delimited JSON stream (application/x-ndjson) into lines as bytes arrive, in
 * any fragmentation: a line, or a UTF-8 character inside it, may be split across reads. Lines
 * come without their "\n" (or "\r\n"); blank lines are skipped.
 */
class NdjsonSplitter
{
public:
    /** Feeds bytes; returns the lines completed by them. */
    QList<QByteArray> feed(const QByteArray &bytes);
    /** The body ended: the last line if it had no terminating newline (else empty). */
    QByteArray finish();
    /** Bytes of a line not yet terminated. */
    qsizetype pendingBytes() const { return m_buffer.size() - m_lineStart; }

private:
    QByteArray m_buffer;
    qsizetype m_lineStart = 0;
};

} // namespace aisbf::translate
