// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>

namespace aisbf::protocol {

/**
 * Splits a text/event-stream into events as bytes arrive, in any fragmentation (an event or a
 * UTF-8 character may be split across reads). Only "data:" fields are collected; comments and
 * other fields are skipped, as OpenAI-style streams use nothing else.
 */
class SseParser
{
public:
    struct Event
    {
        QByteArray data; ///< data lines joined with '\n'
    };

    /** Feeds bytes; returns the events completed by them. */
    QList<Event> feed(const QByteArray &bytes);
    /** Bytes of an event not yet terminated by a blank line. */
    qsizetype pendingBytes() const { return m_buffer.size() - m_scanFrom; }

private:
    QByteArray m_buffer;
    qsizetype m_scanFrom = 0;
};

/** A cheap shape check for a streamed OpenAI data payload: "[DONE]" or one JSON object. */
bool looksLikeJsonObject(const QByteArray &data);

} // namespace aisbf::protocol
