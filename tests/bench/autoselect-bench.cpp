// SPDX-License-Identifier: GPL-3.0-or-later
// What an autoselect decision costs on the gateway's thread before any upstream is called: the
// privacy and NSFW checks over prompts of growing size (the privacy check reads at most 256 KiB)
// and the BM25 match of the request against 3 and 20 route descriptions. Prints one line per
// case: the median of 7 runs, in microseconds per call. See README, "Autoselect".
#include <routing/ContentClassifier.h>
#include <routing/DescriptionRanker.h>

#include <QElapsedTimer>
#include <QStringList>

#include <algorithm>
#include <cstdio>
#include <functional>

using namespace aisbf::routing;

namespace {

// Ordinary code review text: no secrets, so every pattern runs to the end (the worst case).
QString prompt(qsizetype chars)
{
    const QString unit = QStringLiteral(
        "Please refactor this function so the parser keeps its state in one struct; the tests "
        "in tst_parser cover the edge cases. for (int i = 0; i < n; ++i) total += weights[i];\n");
    QString text;
    while (text.size() < chars)
        text += unit;
    text.truncate(chars);
    return text;
}

QStringList descriptions(int count)
{
    const QStringList base{
        QStringLiteral("Private code, logs, secrets, customer data, or normal coding work."),
        QStringLiteral("GPU-heavy long refactors when data is not secret."),
        QStringLiteral("Fast hosted fallback for non-private tasks."),
        QStringLiteral("Legal documents, contracts and compliance questions."),
        QStringLiteral("Creative writing, stories and marketing copy.")};
    QStringList out;
    for (int i = 0; i < count; ++i)
        out.append(base.at(i % base.size()) + QStringLiteral(" variant %1").arg(i));
    return out;
}

// Median over 7 runs of the mean time per call, in microseconds.
double microsPerCall(int calls, const std::function<void()> &call)
{
    QList<double> runs;
    for (int run = 0; run < 7; ++run) {
        QElapsedTimer clock;
        clock.start();
        for (int i = 0; i < calls; ++i)
            call();
        runs.append(double(clock.nsecsElapsed()) / 1000.0 / calls);
    }
    std::sort(runs.begin(), runs.end());
    return runs.at(runs.size() / 2);
}

volatile qsizetype g_sink = 0; // keeps the calls from being optimised away

} // namespace

int main()
{
    std::printf("%-44s %12s\n", "case", "us/call");
    for (const qsizetype chars :
         {qsizetype(30), qsizetype(2'000), qsizetype(16'000), qsizetype(256 * 1024)}) {
        const QString text = prompt(chars);
        const int calls = chars > 100'000 ? 20 : 400;
        const double privacy =
            microsPerCall(calls, [&] { g_sink = g_sink + (privateContentReason(text) ? 1 : 0); });
        const double nsfw =
            microsPerCall(calls, [&] { g_sink = g_sink + (nsfwContentReason(text) ? 1 : 0); });
        std::printf("%-44s %12.1f\n",
                    qPrintable(QStringLiteral("privacy check, %1 chars").arg(chars)), privacy);
        std::printf("%-44s %12.1f\n", qPrintable(QStringLiteral("nsfw check, %1 chars").arg(chars)),
                    nsfw);
    }
    for (const int count : {3, 20}) {
        const QStringList routes = descriptions(count);
        const QString request = prompt(2'000);
        const double rank =
            microsPerCall(400, [&] { g_sink = g_sink + rankDescriptions(request, routes).size(); });
        std::printf(
            "%-44s %12.1f\n",
            qPrintable(QStringLiteral("BM25, 2000-char request, %1 descriptions").arg(count)),
            rank);
    }
    return 0;
}
