// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace aisbf::app {

/** One line of a unified line diff. */
struct DiffLine
{
    enum class Kind
    {
        Same,
        Removed,
        Added,
    };
    Kind kind = Kind::Same;
    QString text;
    int oldLine = 0; ///< 1-based line in the old text, 0 for Added
    int newLine = 0; ///< 1-based line in the new text, 0 for Removed
};

/**
 * The line diff of @p before and @p after (longest common subsequence; pretty-printed config
 * documents are a few thousand lines at most). Removed lines come before the added lines that
 * replace them.
 */
QList<DiffLine> lineDiff(const QStringList &before, const QStringList &after);

/** Only the changed lines with @p context unchanged lines around each change ("..." between). */
QList<DiffLine> withContext(const QList<DiffLine> &diff, int context = 3);

} // namespace aisbf::app
