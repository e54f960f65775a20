// SPDX-License-Identifier: GPL-3.0-or-later
#include "LineDiff.h"

#include <vector>

namespace aisbf::app {

QList<DiffLine> lineDiff(const QStringList &before, const QStringList &after)
{
    // Common prefix and suffix first: edits are usually small and local.
    qsizetype prefix = 0;
    while (prefix < before.size() && prefix < after.size() && before[prefix] == after[prefix])
        ++prefix;
    qsizetype suffix = 0;
    while (suffix < before.size() - prefix && suffix < after.size() - prefix &&
           before[before.size() - 1 - suffix] == after[after.size() - 1 - suffix])
        ++suffix;

    const qsizetype n = before.size() - prefix - suffix;
    const qsizetype m = after.size() - prefix - suffix;
    std::vector<std::vector<int>> lcs(size_t(n + 1), std::vector<int>(size_t(m + 1), 0));
    for (qsizetype i = n - 1; i >= 0; --i) {
        for (qsizetype j = m - 1; j >= 0; --j) {
            lcs[size_t(i)][size_t(j)] =
                before[prefix + i] == after[prefix + j]
                    ? lcs[size_t(i + 1)][size_t(j + 1)] + 1
                    : std::max(lcs[size_t(i + 1)][size_t(j)], lcs[size_t(i)][size_t(j + 1)]);
        }
    }

    QList<DiffLine> out;
    int oldNo = 0;
    int newNo = 0;
    auto same = [&](const QString &text) {
        out.append({DiffLine::Kind::Same, text, ++oldNo, ++newNo});
    };
    for (qsizetype k = 0; k < prefix; ++k)
        same(before[k]);
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && before[prefix + i] == after[prefix + j]) {
            same(before[prefix + i]);
            ++i;
            ++j;
        } else if (j >= m ||
                   (i < n && lcs[size_t(i + 1)][size_t(j)] >= lcs[size_t(i)][size_t(j + 1)])) {
            out.append({DiffLine::Kind::Removed, before[prefix + i], ++oldNo, 0});
            ++i;
        } else {
            out.append({DiffLine::Kind::Added, after[prefix + j], 0, ++newNo});
            ++j;
        }
    }
    for (qsizetype k = before.size() - suffix; k < before.size(); ++k)
        same(before[k]);
    return out;
}

QList<DiffLine> withContext(const QList<DiffLine> &diff, int context)
{
    QList<bool> keep(diff.size(), false);
    for (qsizetype i = 0; i < diff.size(); ++i) {
        if (diff[i].kind == DiffLine::Kind::Same)
            continue;
        for (qsizetype k = qMax<qsizetype>(0, i - context);
             k <= qMin<qsizetype>(diff.size() - 1, i + context); ++k)
            keep[k] = true;
    }
    // "…" stands for every run of unchanged lines left out, at either end too.
    const DiffLine skipped{DiffLine::Kind::Same, QStringLiteral("…"), 0, 0};
    QList<DiffLine> out;
    bool gap = false;
    for (qsizetype i = 0; i < diff.size(); ++i) {
        if (!keep[i]) {
            gap = true;
            continue;
        }
        if (gap)
            out.append(skipped);
        gap = false;
        out.append(diff[i]);
    }
    if (gap && !out.isEmpty())
        out.append(skipped);
    return out;
}

} // namespace aisbf::app
