// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace aisbf::routing {

/**
 * Scores route descriptions against a request with Okapi BM25 (k1 = 1.2, b = 0.75): words are
 * lower-cased, split on anything but letters and digits, stripped of common English endings
 * ("refactors" and "refactoring" count as "refactor") and of stop words. A local, cheap stand-in
 * for the original AISBF's embedding search: it decides when a description clearly matches and
 * leaves the rest to the selection model.
 */
QList<double> rankDescriptions(const QString &request, const QStringList &descriptions);

/**
 * The index of the clear winner of @p scores: the highest score, above zero and at least
 * @p margin times the runner-up. Nothing when no description matches or two are close.
 */
std::optional<qsizetype> clearWinner(const QList<double> &scores, double margin = 1.5);

/** The words BM25 compares (exposed for tests). */
QStringList rankingTerms(const QString &text);

} // namespace aisbf::routing
