// SPDX-License-Identifier: GPL-3.0-or-later
#include "RequestFit.h"

#include <protocol/TokenEstimate.h>
#include <routing/ContentClassifier.h>

#include <QJsonArray>

namespace aisbf::dispatch {

namespace {

using CandidateList = QList<std::shared_ptr<const Candidate>>;

protocol::OpenAiError badRequest(const QString &message, const QString &param, const char *code)
{
    return {400, message, {}, QByteArray(code), param};
}

std::optional<protocol::OpenAiError> fitToLimits(Resolution &resolution, const QJsonObject &body,
                                                 RequestNeeds &needs)
{
    const bool anyLimit = std::any_of(
        resolution.candidates.cbegin(), resolution.candidates.cend(), [](const auto &candidate) {
            return candidate->contextSize || candidate->maxRequestTokens;
        });
    if (!anyLimit)
        return std::nullopt; // skip the estimate on the hot path when nothing is limited
    if (needs.promptTokens < 0)
        needs.promptTokens =
            protocol::estimatePromptTokens(body.value(QLatin1String("messages")).toArray());
    const qint64 prompt = needs.promptTokens;
    QStringList refusals;
    CandidateList fitting;
    for (const auto &candidate : std::as_const(resolution.candidates)) {
        if (candidate->maxRequestTokens && prompt > *candidate->maxRequestTokens) {
            refusals.append(QStringLiteral("%1 accepts at most %2 (max_request_tokens)")
                                .arg(candidate->key)
                                .arg(*candidate->maxRequestTokens));
        } else if (candidate->contextSize && prompt + needs.maxTokens > *candidate->contextSize) {
            refusals.append(QStringLiteral("%1 has a context of %2 tokens (context_size), "
                                           "less than prompt + max_tokens = %3")
                                .arg(candidate->key)
                                .arg(*candidate->contextSize)
                                .arg(prompt + needs.maxTokens));
        } else {
            fitting.append(candidate);
        }
    }
    if (!fitting.isEmpty()) {
        resolution.candidates = fitting;
        return std::nullopt;
    }
    return badRequest(
        QStringLiteral("the request is about %1 tokens (estimated), too large for %2: %3. "
                       "Shorten the messages or lower max_tokens.")
            .arg(prompt)
            .arg(resolution.route, refusals.join(QStringLiteral("; "))),
        QStringLiteral("messages"), "context_length_exceeded");
}

// Keeps the candidates @p able accepts; an error naming the others when none is left.
template <typename Able>
std::optional<protocol::OpenAiError> keepAble(Resolution &resolution, Able able,
                                              const QString &message, const QString &param)
{
    CandidateList kept;
    QStringList unable;
    for (const auto &candidate : std::as_const(resolution.candidates)) {
        if (able(*candidate))
            kept.append(candidate);
        else
            unable.append(candidate->key);
    }
    if (!kept.isEmpty()) {
        resolution.candidates = kept;
        return std::nullopt;
    }
    return badRequest(message.arg(unable.join(QStringLiteral(", "))), param, "invalid_request");
}

} // namespace

RequestNeeds RequestNeeds::of(const QJsonObject &body, qint64 maxTokens)
{
    RequestNeeds needs;
    needs.maxTokens = maxTokens;
    const QJsonValue tools = body.value(QLatin1String("tools"));
    needs.tools = tools.isArray() && !tools.toArray().isEmpty();
    return needs;
}

std::optional<protocol::OpenAiError> fitRequest(Resolution &resolution, const QJsonObject &body,
                                                RequestNeeds &needs)
{
    if (needs.tools) {
        if (auto error = keepAble(
                resolution, [](const Candidate &c) { return c.toolsSupported; },
                QStringLiteral("the request offers tools, but %1 cannot use them (its "
                               "\"capabilities\" in providers.json name no tool use). "
                               "Remove 'tools' or pick a model that has them."),
                QStringLiteral("tools")))
            return error;
    }
    const bool anyBlind =
        std::any_of(resolution.candidates.cbegin(), resolution.candidates.cend(),
                    [](const auto &candidate) { return !candidate->imagesSupported; });
    if (anyBlind && !needs.images) // the walk over every message part only when it matters
        needs.images = routing::hasImageParts(body.value(QLatin1String("messages")).toArray());
    if (anyBlind && *needs.images) {
        if (auto error = keepAble(
                resolution, [](const Candidate &c) { return c.imagesSupported; },
                QStringLiteral("the request carries images, but %1 cannot read them (its "
                               "\"capabilities\" in providers.json name no vision). "
                               "Send text only or pick a model that reads images."),
                QStringLiteral("messages")))
            return error;
    }
    return fitToLimits(resolution, body, needs);
}

} // namespace aisbf::dispatch
