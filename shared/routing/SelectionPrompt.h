// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace aisbf::routing {

/** One route an autoselect may choose, as the selection model sees it. */
struct SelectionOption
{
    QString id; ///< the route id as written in available_models
    QString description;
};

/**
 * The built-in instructions for the selection model (resources/prompts/autoselect-selection.txt),
 * with "{routes}" where the route list goes.
 */
QString defaultSelectionPrompt();

/**
 * The OpenAI chat request asking @p selectorModel to choose among @p options: a system message
 * made of @p promptTemplate ("{routes}" replaced by one "- id: description" line per option),
 * the user's @p requestText as the user message, no streaming, temperature 0, a few tokens.
 */
QByteArray selectionRequest(const QString &selectorModel, const QString &promptTemplate,
                            const QList<SelectionOption> &options, const QString &requestText);

/**
 * Which of @p ids the selection model's answer names (a <think>…</think> part left out): the
 * whole answer (trimmed, quotes and
 * backticks dropped), else the id that appears first in it (the longest when two start at the
 * same place), else a leading list number ("2" or "2." names the second). Nothing when the
 * answer names none.
 */
std::optional<qsizetype> parseSelection(const QString &reply, const QStringList &ids);

/** choices[0].message.content of an OpenAI chat completion body, or nothing. */
std::optional<QString> completionText(const QByteArray &body);

} // namespace aisbf::routing
