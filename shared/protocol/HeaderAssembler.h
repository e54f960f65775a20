// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

namespace aisbf::protocol {

/**
 * http_parser reports each header's name and value in pieces (a read may end inside either);
 * this puts the pieces back together into (name, value) pairs. One per parsed message: reset()
 * between messages.
 */
class HeaderAssembler
{
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    void reset() { m_lastWasValue = false; }
    void addName(Headers &headers, const char *at, size_t length)
    {
        if (headers.isEmpty() || m_lastWasValue)
            headers.append({QByteArray(at, qsizetype(length)), QByteArray()});
        else
            headers.last().first.append(at, qsizetype(length));
        m_lastWasValue = false;
    }
    void addValue(Headers &headers, const char *at, size_t length)
    {
        if (!headers.isEmpty())
            headers.last().second.append(at, qsizetype(length));
        m_lastWasValue = true;
    }

private:
    bool m_lastWasValue = false;
};

} // namespace aisbf::protocol
