// SPDX-License-Identifier: GPL-3.0-or-later
#include "DescriptionRanker.h"

#include <QHash>
#include <QSet>

#include <cmath>

namespace aisbf::routing {

namespace {

constexpr double kK1 = 1.2;
constexpr double kB = 0.75;

const QSet<QString> &stopWords()
{
    static const QSet<QString> words = [] {
        QSet<QString> set;
        for (const char *word :
             {"a",   "an",     "and",  "are",  "as",   "at",    "be",    "but",   "by",    "can",
              "do",  "for",    "from", "has",  "have", "how",   "i",     "if",    "in",    "into",
              "is",  "it",     "its",  "me",   "my",   "no",    "not",   "of",    "on",    "or",
              "our", "please", "so",   "that", "the",  "their", "then",  "there", "these", "this",
              "to",  "us",     "was",  "we",   "what", "when",  "where", "which", "while", "who",
              "why", "will",   "with", "you",  "your"})
            set.insert(QString::fromLatin1(word));
        return set;
    }();
    return words;
}

// A light suffix stripper: enough to make plural and verb forms meet, not a full stemmer.
QString stem(QString word)
{
    for (const char *suffix : {"ings", "ing", "ied", "ies", "ed", "es", "s"}) {
        const QLatin1String ending(suffix);
        if (word.size() > ending.size() + 3 && word.endsWith(ending)) {
            word.chop(ending.size());
            if (ending == QLatin1String("ied") || ending == QLatin1String("ies"))
                word.append(u'y');
            return word;
        }
    }
    return word;
}

} // namespace

QStringList rankingTerms(const QString &text)
{
    QStringList terms;
    QString word;
    auto flush = [&] {
        if (!word.isEmpty() && !stopWords().contains(word))
            terms.append(stem(word));
        word.clear();
    };
    for (const QChar c : text) {
        if (c.isLetterOrNumber())
            word.append(c.toLower());
        else
            flush();
    }
    flush();
    return terms;
}

QList<double> rankDescriptions(const QString &request, const QStringList &descriptions)
{
    QList<QHash<QString, int>> frequencies;
    QList<qsizetype> lengths;
    QHash<QString, int> documentsWith;
    qsizetype totalLength = 0;
    for (const QString &description : descriptions) {
        QHash<QString, int> counts;
        const QStringList terms = rankingTerms(description);
        for (const QString &term : terms)
            ++counts[term];
        for (auto it = counts.cbegin(); it != counts.cend(); ++it)
            ++documentsWith[it.key()];
        frequencies.append(counts);
        lengths.append(terms.size());
        totalLength += terms.size();
    }
    const qsizetype n = descriptions.size();
    const double averageLength = n > 0 ? std::max(1.0, double(totalLength) / double(n)) : 1.0;
    // Each distinct request word counts once: a long prompt repeating a word is not more sure.
    const QStringList requestTerms = rankingTerms(request);
    const QSet<QString> query(requestTerms.cbegin(), requestTerms.cend());
    QList<double> scores(n, 0.0);
    for (const QString &term : query) {
        const int containing = documentsWith.value(term);
        if (containing == 0)
            continue;
        const double idf = std::log(1.0 + (double(n) - containing + 0.5) / (containing + 0.5));
        for (qsizetype i = 0; i < n; ++i) {
            const int f = frequencies.at(i).value(term);
            if (f == 0)
                continue;
            const double norm = kK1 * (1.0 - kB + kB * double(lengths.at(i)) / averageLength);
            scores[i] += idf * (f * (kK1 + 1.0)) / (f + norm);
        }
    }
    return scores;
}

std::optional<qsizetype> clearWinner(const QList<double> &scores, double margin)
{
    qsizetype best = -1;
    double runnerUp = 0;
    for (qsizetype i = 0; i < scores.size(); ++i) {
        if (best < 0 || scores.at(i) > scores.at(best)) {
            if (best >= 0)
                runnerUp = std::max(runnerUp, scores.at(best));
            best = i;
        } else {
            runnerUp = std::max(runnerUp, scores.at(i));
        }
    }
    if (best < 0 || scores.at(best) <= 0 || scores.at(best) < margin * runnerUp)
        return std::nullopt;
    return best;
}

} // namespace aisbf::routing
