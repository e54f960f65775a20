// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "RouteTable.h"

#include <protocol/OpenAiError.h>

#include <QJsonObject>

#include <optional>

namespace aisbf::dispatch {

/** What the fit checks read of a chat request. */
struct RequestNeeds
{
    qint64 promptTokens = -1; ///< estimated on first use (-1: not yet)
    qint64 maxTokens = 0;     ///< max_tokens / max_completion_tokens, 0 when unset
    bool tools = false;       ///< offers tools
    /** Carries image parts; looked for only when some candidate cannot read images. */
    std::optional<bool> images;

    static RequestNeeds of(const QJsonObject &body, qint64 maxTokens);
};

/**
 * Narrows @p resolution to the candidates that can take the request: tools need a model whose
 * "capabilities" allow them, images one whose capabilities allow them, and the estimated prompt
 * must fit max_request_tokens and context_size. An error (400) saying why when none is left.
 */
std::optional<protocol::OpenAiError> fitRequest(Resolution &resolution, const QJsonObject &body,
                                                RequestNeeds &needs);

} // namespace aisbf::dispatch
