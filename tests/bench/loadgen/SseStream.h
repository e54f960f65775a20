// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "HttpResponseParser.h"

#include <cstdint>
#include <string>

namespace aisbf::test {

/** Timing of the SSE events of one streamed response, fed with its decoded body. */
class SseStream : public BodySink
{
public:
    /** Time stamp for the events found in the next onBody() calls (one read = one instant). */
    void setNow(int64_t ns) { m_nowNs = ns; }
    void onBody(std::string_view bytes) override;

    int64_t sentNs = 0;       //!< request written
    int64_t firstEventNs = 0; //!< 0 until the first event
    int64_t lastEventNs = 0;
    int64_t maxGapNs = 0;
    int events = 0; //!< data events other than [DONE]
    int stalls = 0;
    bool done = false; //!< saw `data: [DONE]`
    int64_t stallNs = 100'000'000;

private:
    void onEvent(std::string_view event);

    std::string m_pending;
    int64_t m_nowNs = 0;
};

} // namespace aisbf::test
