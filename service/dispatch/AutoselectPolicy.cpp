// SPDX-License-Identifier: GPL-3.0-or-later
#include "AutoselectPolicy.h"

#include <routing/ContentClassifier.h>
#include <routing/DescriptionRanker.h>

#include <QJsonArray>

namespace aisbf::dispatch {

namespace {

constexpr int kUserMessagesRead = 3;
constexpr int kRequestTextChars = 4000;      ///< what the selection model reads
constexpr int kSemanticTextChars = 2000;     ///< what BM25 reads (~40 us per 1,000 characters)
constexpr int kClassifiedChars = 256 * 1024; ///< privacy looks at this much of every message

bool flag(const QJsonObject &raw, const char *key)
{
    return raw.value(QLatin1String(key)).toBool(false);
}

// The rotation a resolution came from, for its own "privacy" / "nsfw" flags.
const config::RotationConfig *rotationOf(const Resolution &resolution)
{
    if (!resolution.isRotation || !resolution.config)
        return nullptr;
    const qsizetype slash = resolution.route.lastIndexOf(QLatin1String("rotation/"));
    const QString id = slash >= 0 ? resolution.route.mid(slash + 9) : resolution.route;
    const auto it = resolution.config->rotations.constFind(id);
    return it == resolution.config->rotations.cend() ? nullptr : &*it;
}

AutoselectOption resolveOption(const QString &id, const RouteResolver &resolve,
                               const QJsonObject &body, RequestNeeds &needs)
{
    AutoselectOption option;
    option.id = id;
    option.resolution = resolve(id);
    Resolution &resolution = option.resolution;
    if (resolution.error)
        return option;
    if (resolution.autoselect) {
        // 503, not 400: the policy's config is what is wrong here, not the request.
        resolution.error = protocol::OpenAiError{
            503,
            QStringLiteral("an autoselect cannot choose another autoselect; list that policy's "
                           "routes instead"),
            {},
            QByteArrayLiteral("autoselect_nested"),
            QStringLiteral("model")};
        return option;
    }
    if (const config::RotationConfig *rotation = rotationOf(resolution)) {
        option.privacy = flag(rotation->raw, "privacy");
        option.nsfw = flag(rotation->raw, "nsfw");
    }
    if (auto error = fitRequest(resolution, body, needs))
        resolution.error = error;
    return option;
}

QString optionRefusals(const QList<AutoselectOption> &options)
{
    QStringList reasons;
    for (const AutoselectOption &option : options) {
        if (option.resolution.error)
            reasons.append(option.id + QStringLiteral(": ") + option.resolution.error->message);
    }
    return reasons.join(QStringLiteral("; "));
}

protocol::OpenAiError noRoute(int status, const QString &message, const char *code)
{
    return {status, message, {}, QByteArray(code), QStringLiteral("model")};
}

// Why none is left: the request's content or shape (400), or routes that cannot serve (503).
protocol::OpenAiError nothingEligible(const QString &route, const QList<AutoselectOption> &options,
                                      const AutoselectPlan &plan, bool isPrivate, bool isNsfw)
{
    const bool anyUsable = std::any_of(options.cbegin(), options.cend(),
                                       [](const auto &option) { return !option.resolution.error; });
    if (anyUsable && isPrivate)
        return noRoute(400,
                       route + QStringLiteral(" has no route for private content (") +
                           plan.classification +
                           QStringLiteral("). Mark a private route with \"privacy\": true in "
                                          "available_models, or leave the secret out."),
                       "privacy_route_unavailable");
    if (anyUsable && isNsfw)
        return noRoute(400,
                       route + QStringLiteral(" has no route for NSFW content (") +
                           plan.classification +
                           QStringLiteral("). Mark one with \"nsfw\": true in available_models."),
                       "nsfw_route_unavailable");
    const bool requestRefused =
        std::any_of(options.cbegin(), options.cend(), [](const AutoselectOption &option) {
            return option.resolution.error && option.resolution.error->status == 400;
        });
    if (options.isEmpty())
        return noRoute(503, route + QStringLiteral(" lists no available_models and no fallback"),
                       "autoselect_unavailable");
    return noRoute(requestRefused ? 400 : 503,
                   QStringLiteral("no route of ") + route +
                       QStringLiteral(" can take this request: ") + optionRefusals(options),
                   requestRefused ? "no_route_fits" : "autoselect_unavailable");
}

} // namespace

QString autoselectRequestText(const QJsonObject &body)
{
    return routing::messagesText(body.value(QLatin1String("messages")).toArray(), true,
                                 kUserMessagesRead, kRequestTextChars);
}

bool isPrivacySafe(const QString &id, const Resolution &resolution,
                   const QList<AutoselectOption> &options)
{
    for (const AutoselectOption &option : options) {
        if (option.id == id && option.privacy)
            return true;
    }
    const config::RotationConfig *rotation = rotationOf(resolution);
    return rotation && flag(rotation->raw, "privacy");
}

QList<AutoselectOption> autoselectOptions(const config::AutoselectConfig &policy,
                                          const RouteResolver &resolve, const QJsonObject &body,
                                          RequestNeeds &needs)
{
    QList<AutoselectOption> options;
    for (const config::AutoselectCandidate &candidate : policy.candidates) {
        AutoselectOption option = resolveOption(candidate.modelId, resolve, body, needs);
        option.description = candidate.description;
        option.privacy = option.privacy || candidate.privacy;
        option.nsfw = option.nsfw || candidate.nsfw;
        options.append(std::move(option));
    }
    const bool fallbackListed =
        std::any_of(options.cbegin(), options.cend(),
                    [&](const AutoselectOption &option) { return option.id == policy.fallback; });
    if (!policy.fallback.isEmpty() && !fallbackListed) {
        AutoselectOption fallback = resolveOption(policy.fallback, resolve, body, needs);
        fallback.listed = false;
        options.append(std::move(fallback));
    }
    return options;
}

AutoselectPlan planAutoselect(const config::AutoselectConfig &policy, const QString &route,
                              const QList<AutoselectOption> &options, const QJsonObject &body)
{
    AutoselectPlan plan;
    bool isPrivate = false;
    bool isNsfw = false;
    if (policy.privacy) {
        isPrivate = true;
        plan.classification = QStringLiteral("private: the policy treats every request as private");
    } else if (policy.classifyPrivacy) {
        const QString all = routing::messagesText(body.value(QLatin1String("messages")).toArray(),
                                                  false, 0, kClassifiedChars);
        if (const auto reason = routing::privateContentReason(all)) {
            isPrivate = true;
            plan.classification = QStringLiteral("private: ") + *reason;
        }
    }
    const QString requestText = autoselectRequestText(body);
    if (policy.classifyNsfw) {
        if (const auto reason = routing::nsfwContentReason(requestText)) {
            isNsfw = true;
            const QString note = QStringLiteral("nsfw: ") + *reason;
            plan.classification = plan.classification.isEmpty()
                                      ? note
                                      : plan.classification + QStringLiteral("; ") + note;
        }
    }
    plan.isPrivate = isPrivate;
    auto allowed = [&](const AutoselectOption &option) {
        return !option.resolution.error && (!isPrivate || option.privacy) &&
               (!isNsfw || option.nsfw);
    };
    for (qsizetype i = 0; i < options.size(); ++i) {
        if (options.at(i).listed && allowed(options.at(i)))
            plan.eligible.append(i);
    }
    // The fallback serves when the selection model cannot decide, if it may take the request;
    // otherwise the first eligible route does.
    for (qsizetype i = 0; i < options.size(); ++i) {
        if (options.at(i).id == policy.fallback && allowed(options.at(i)))
            plan.fallback = i;
    }
    if (plan.fallback < 0 && !plan.eligible.isEmpty())
        plan.fallback = plan.eligible.first();

    if (plan.eligible.isEmpty()) {
        if (plan.fallback < 0) {
            plan.error = nothingEligible(route, options, plan, isPrivate, isNsfw);
            return plan;
        }
        plan.chosen = plan.fallback;
        plan.chosenBy = QStringLiteral("fallback (no listed route can take the request)");
        return plan;
    }
    if (plan.eligible.size() == 1) {
        plan.chosen = plan.eligible.first();
        plan.chosenBy = QStringLiteral("only eligible route");
        return plan;
    }
    if (policy.classifySemantic) {
        QStringList descriptions;
        for (qsizetype index : std::as_const(plan.eligible))
            descriptions.append(options.at(index).description);
        const auto winner = routing::clearWinner(
            routing::rankDescriptions(requestText.right(kSemanticTextChars), descriptions));
        if (winner) {
            plan.chosen = plan.eligible.at(*winner);
            plan.chosenBy = QStringLiteral("semantic match");
        }
    }
    return plan;
}

} // namespace aisbf::dispatch
