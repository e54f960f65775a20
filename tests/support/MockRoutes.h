// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "MockConfig.h"
#include "MockPayloads.h"
#include "RecordedRequest.h"

#include <optional>

namespace aisbf::test {

/** A streamed chat completion: which events to send and how far apart. */
struct StreamPlan
{
    payloads::Completion completion;
    int chunks = 5; //!< SSE events before [DONE]
    int intervalMs = 0;
    bool includeUsage = false;
    QByteArray doneEvent = QByteArrayLiteral("data: [DONE]\n\n");

    /** SSE event @p index: role first, then "tok0 ", "tok1 "..., finish_reason "stop" last. */
    QByteArray event(int index) const;
    /** Everything after the last event: optional usage event, [DONE], the terminating chunk. */
    QByteArray tail() const;
};

/** The answer to a request when no fault is active. */
struct RouteResult
{
    QByteArray immediate; //!< the whole response, one write (unless stream is set)
    std::optional<StreamPlan> stream;
};

/** Routes @p request (GET /v1/models, POST /v1/chat/completions) to its normal answer. */
RouteResult route(const MockConfig &config, const RecordedRequest &request, bool close,
                  quint64 sequence);

} // namespace aisbf::test
