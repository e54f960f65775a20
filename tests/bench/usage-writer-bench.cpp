// SPDX-License-Identifier: GPL-3.0-or-later
// How many usage records per second the UsageWriter sustains, on SQLite and on MariaDB.
//
//   aisbf-usage-writer-bench [--rate 5000] [--seconds 10] [--burst 200000]
//                            [--backend sqlite|mariadb] [--keys 400]
//
// Paced: enqueue at a fixed rate for a while, sampling the queue depth every 100 ms; a depth
// that keeps growing means the writer does not keep up. Burst: enqueue N at once and time
// until written: the writer's ceiling. MariaDB comes from AISBF_TEST_MYSQL (as for the tests).
// Prints figures; not a ctest test.
#include "StoreTestEnv.h"

#include "store/UsageWriter.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QThread>

#include <cstdio>

using namespace aisbf::store;

namespace {

// How many (user, token) pairs the records cycle through: 400 (50 users x 80 tokens) is a harsh
// case for the per-minute sums; 1 is a gateway without auth, or one busy token.
int g_keys = 400;

UsageRecord record(qint64 n)
{
    UsageRecord r;
    r.userId = n % g_keys % 50;
    r.tokenId = n % g_keys % 80;
    r.routeKind = QStringLiteral("rotation");
    r.routeId = QStringLiteral("coding-production");
    r.provider = QStringLiteral("ollama-private");
    r.model = QStringLiteral("qwen2.5-coder:32b");
    r.promptTokens = 900 + n % 300;
    r.completionTokens = 250;
    r.latencyMs = 800;
    r.ttftMs = 120;
    r.status = 200;
    return r;
}

UsageWriter::Options g_options;

void paced(Database &db, int rate, int seconds)
{
    UsageWriter writer(db, g_options);
    QElapsedTimer clock;
    clock.start();
    const qint64 total = qint64(rate) * seconds;
    qint64 sent = 0;
    qint64 nextSample = 100;
    qsizetype maxDepth = 0;
    QList<qsizetype> perSecondMax(seconds, 0);
    qint64 slowestEnqueueNs = 0;
    qint64 enqueueNs = 0;
    while (sent < total) {
        const qint64 due = qMin(total, clock.elapsed() * rate / 1000);
        for (; sent < due; ++sent) {
            const qint64 t0 = clock.nsecsElapsed();
            writer.enqueue(record(sent));
            const qint64 took = clock.nsecsElapsed() - t0;
            enqueueNs += took;
            slowestEnqueueNs = qMax(slowestEnqueueNs, took);
        }
        if (clock.elapsed() >= nextSample) {
            const qsizetype depth = writer.queueDepth();
            maxDepth = qMax(maxDepth, depth);
            const qsizetype second = qMin<qsizetype>(seconds - 1, nextSample / 1000);
            perSecondMax[second] = qMax(perSecondMax[second], depth);
            nextSample += 100;
        }
        QThread::usleep(500);
    }
    const qint64 enqueueMs = clock.elapsed();
    const qsizetype depthAtEnd = writer.queueDepth();
    QElapsedTimer drain;
    drain.start();
    writer.stop();
    const qint64 drainMs = drain.elapsed();

    // Growing: the deepest queue of the last second is well above that of the first, and above
    // what a timer tick accumulates anyway.
    const qsizetype first = perSecondMax.constFirst();
    const qsizetype last = perSecondMax.constLast();
    const bool grows = last > 2 * qMax<qsizetype>(first, rate / 10 + 500);
    std::printf("  paced %d/s for %d s: %lld enqueued in %lld ms, %llu written, %llu dropped, "
                "%llu INSERTs\n",
                rate, seconds, qlonglong(sent), qlonglong(enqueueMs),
                qulonglong(writer.rowsWritten()), qulonglong(writer.rowsDropped()),
                qulonglong(writer.insertsExecuted()));
    QString series;
    for (qsizetype d : perSecondMax)
        series += QString::number(d) + QLatin1Char(' ');
    std::printf("    queue depth: max %lld, at end %lld, per-second max [ %s], grows: %s\n",
                qlonglong(maxDepth), qlonglong(depthAtEnd), qPrintable(series),
                grows ? "YES" : "no");
    std::printf("    enqueue(): mean %.0f ns, slowest %.1f us; stop() drained in %lld ms\n",
                double(enqueueNs) / double(qMax<qint64>(1, sent)), double(slowestEnqueueNs) / 1e3,
                qlonglong(drainMs));
}

void burst(Database &db, int count)
{
    UsageWriter writer(db, g_options);
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < count; ++i)
        writer.enqueue(record(i));
    const qint64 enqueueMs = clock.elapsed();
    writer.flush(600'000);
    const qint64 ms = qMax<qint64>(1, clock.elapsed());
    std::printf("  burst %d: enqueued in %lld ms, all written in %lld ms -> %.0f records/s "
                "(%llu INSERTs)\n",
                count, qlonglong(enqueueMs), qlonglong(ms), count * 1000.0 / double(ms),
                qulonglong(writer.insertsExecuted()));
}

bool runOn(StoreTestEnv &env, const QString &backend, int rate, int seconds, int burstCount)
{
    const StoreTestEnv::Fresh fresh = env.fresh(backend);
    if (!fresh.config) {
        std::printf("%s: skipped: %s\n", qPrintable(backend), qPrintable(fresh.reason));
        return !fresh.fatal;
    }
    bool ok = true;
    {
        Database db(*fresh.config);
        if (auto opened = db.open(); !opened) {
            std::printf("%s: %s\n", qPrintable(backend), qPrintable(opened.error().toString()));
            ok = false;
        } else {
            std::printf("%s (%s)\n", qPrintable(backend), qPrintable(db.config().describe()));
            paced(db, rate, seconds);
            burst(db, burstCount);
        }
    }
    env.dropAll();
    return ok;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("UsageWriter throughput on SQLite and MariaDB"));
    parser.addHelpOption();
    const QCommandLineOption rateOption(QStringLiteral("rate"), QStringLiteral("records/s"),
                                        QStringLiteral("n"), QStringLiteral("5000"));
    const QCommandLineOption secondsOption(QStringLiteral("seconds"), QStringLiteral("paced run"),
                                           QStringLiteral("s"), QStringLiteral("10"));
    const QCommandLineOption burstOption(QStringLiteral("burst"), QStringLiteral("burst size"),
                                         QStringLiteral("n"), QStringLiteral("200000"));
    const QCommandLineOption backendOption(QStringLiteral("backend"),
                                           QStringLiteral("sqlite or mariadb (default: both)"),
                                           QStringLiteral("name"));
    const QCommandLineOption keysOption(QStringLiteral("keys"),
                                        QStringLiteral("distinct user/token pairs (1-400)"),
                                        QStringLiteral("n"), QStringLiteral("400"));
    parser.addOptions({rateOption, secondsOption, burstOption, backendOption, keysOption});
    parser.process(app);
    const int rate = qMax(1, parser.value(rateOption).toInt());
    const int seconds = qMax(1, parser.value(secondsOption).toInt());
    const int burstCount = qMax(1, parser.value(burstOption).toInt());
    g_keys = qBound(1, parser.value(keysOption).toInt(), 400);
    const QStringList backends = parser.isSet(backendOption)
                                     ? QStringList{parser.value(backendOption)}
                                     : StoreTestEnv::backends();
    StoreTestEnv env;
    bool ok = true;
    for (const QString &backend : backends)
        ok = runOn(env, backend, rate, seconds, burstCount) && ok;
    return ok ? 0 : 1;
}
