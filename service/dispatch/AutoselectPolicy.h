// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "RequestFit.h"
#include "RouteTable.h"

#include <config/Config.h>
#include <protocol/OpenAiError.h>

#include <QJsonObject>
#include <QStringList>

#include <functional>
#include <optional>

namespace aisbf::dispatch {

/** One route an autoselect policy may send a request to, resolved for this request. */
struct AutoselectOption
{
    QString id; ///< as written in available_models (or fallback)
    QString description;
    bool privacy = false; ///< may receive private content (the entry's or its rotation's flag)
    bool nsfw = false;    ///< may receive NSFW content
    bool listed = true;   ///< false: the fallback, not one of available_models
    /** The route, narrowed to what can take this request; error set when it cannot serve. */
    Resolution resolution;
};

/** Resolves a route id in the caller's scope (global routes, or the caller's own). */
using RouteResolver = std::function<Resolution(const QString &id)>;

/**
 * The options of @p policy for this request: each available_models entry resolved with
 * @p resolve and narrowed by fitRequest(), then the fallback (sharing an entry's index when it is
 * one of them, appended with listed = false otherwise). Another autoselect as an option is
 * refused (one level of policy per request).
 */
QList<AutoselectOption> autoselectOptions(const config::AutoselectConfig &policy,
                                          const RouteResolver &resolve, const QJsonObject &body,
                                          RequestNeeds &needs);

/** What the policy decided before any selection model is asked. */
struct AutoselectPlan
{
    QList<qsizetype> eligible;       ///< listed options that may serve, in listed order
    std::optional<qsizetype> chosen; ///< decided without the selection model
    QString chosenBy;                ///< why chosen: "only eligible route", "semantic match"…
    qsizetype fallback = -1;         ///< serves when the selection model cannot decide
    QString classification;          ///< "private: …" / "nsfw: …" when the content was flagged
    bool isPrivate = false;          ///< private content: a selection model must be private too
    std::optional<protocol::OpenAiError> error; ///< no option may take this request
};

/**
 * Applies @p policy to a request: drops options that cannot serve it, keeps only private-safe
 * ones when the content is private ("privacy": true on the policy, or "classify_privacy" and
 * privateContentReason()), only NSFW-safe ones when "classify_nsfw" finds NSFW content, then
 * decides at once when one route is left or ("classify_semantic") a description clearly
 * matches. Otherwise @c chosen is empty: ask the selection model among @c eligible, and use
 * @c fallback when it cannot answer.
 */
AutoselectPlan planAutoselect(const config::AutoselectConfig &policy, const QString &route,
                              const QList<AutoselectOption> &options, const QJsonObject &body);

/**
 * Whether the route @p id (resolved as @p resolution) may receive private content: marked
 * "privacy": true where an option lists it, or its rotation marked so.
 */
bool isPrivacySafe(const QString &id, const Resolution &resolution,
                   const QList<AutoselectOption> &options);

/** The user text the semantic match and the selection model read (the last user messages). */
QString autoselectRequestText(const QJsonObject &body);

} // namespace aisbf::dispatch
