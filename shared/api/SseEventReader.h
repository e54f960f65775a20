// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>

namespace aisbf::api {

/**
 * Splits a text/event-stream into named events as bytes arrive (any fragmentation, CRLF or LF).
 * Unlike protocol::SseParser (OpenAI streams, data only), this keeps the `event:` name, which the
 * admin event feed uses to tell `request`, `cooldown`, `config` and `stats` apart. Comments
 * (": keep-alive") are counted so a reader can tell the stream is alive.
 */
class SseEventReader
{
public:
    struct Event
    {
        QByteArray name = QByteArrayLiteral("message"); ///< the `event:` field, "message" if none
        QByteArray data;                                ///< data lines joined with '\n'
    };

    /** Feeds bytes; returns the events they complete. */
    QList<Event> feed(const QByteArray &bytes);
    /** Comment lines seen so far. */
    int comments() const { return m_comments; }
    void reset();

private:
    void takeLine(QByteArray line, QList<Event> &out);

    QByteArray m_buffer;
    Event m_current;
    bool m_hasData = false;
    int m_comments = 0;
};

} // namespace aisbf::api
