// SPDX-License-Identifier: GPL-3.0-or-later
#include "SseStream.h"

namespace aisbf::test {

void SseStream::onBody(std::string_view bytes)
{
    m_pending.append(bytes);
    // An event ends at a blank line: "\n\n" or "\n\r\n".
    size_t start = 0;
    for (size_t nl = m_pending.find('\n'); nl != std::string::npos;
         nl = m_pending.find('\n', nl + 1)) {
        size_t next = nl + 1;
        if (next < m_pending.size() && m_pending[next] == '\r')
            ++next;
        if (next < m_pending.size() && m_pending[next] == '\n') {
            onEvent(std::string_view(m_pending).substr(start, nl - start));
            start = next + 1;
            nl = next;
        }
    }
    m_pending.erase(0, start);
}

void SseStream::onEvent(std::string_view event)
{
    // An event may carry several lines; only `data:` lines make it count.
    bool hasData = false;
    bool isDone = false;
    size_t pos = 0;
    while (pos < event.size()) {
        size_t eol = event.find('\n', pos);
        if (eol == std::string_view::npos)
            eol = event.size();
        std::string_view line = event.substr(pos, eol - pos);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.substr(0, 5) == "data:") {
            hasData = true;
            std::string_view payload = line.substr(5);
            if (!payload.empty() && payload.front() == ' ')
                payload.remove_prefix(1);
            isDone = isDone || payload == "[DONE]";
        }
        pos = eol + 1;
    }
    if (!hasData)
        return;
    if (firstEventNs == 0) {
        firstEventNs = m_nowNs;
    } else {
        const int64_t gap = m_nowNs - lastEventNs;
        if (gap > maxGapNs)
            maxGapNs = gap;
        if (gap > stallNs)
            ++stalls;
    }
    lastEventNs = m_nowNs;
    if (isDone)
        done = true;
    else
        ++events;
}

} // namespace aisbf::test
