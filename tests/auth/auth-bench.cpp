// SPDX-License-Identifier: GPL-3.0-or-later
// Cost of the auth primitives; build Release and run: aisbf-auth-bench [keys...]
#include <auth/ApiToken.h>
#include <auth/PasswordHash.h>
#include <auth/RateLimiter.h>
#include <auth/SecretBox.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QStringList>

#include <cstdio>

using namespace aisbf::auth;

namespace {

template <typename F> double nsPer(int runs, F &&work)
{
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < runs; ++i)
        work(i);
    return double(timer.nsecsElapsed()) / runs;
}

void rateLimiter(int keyCount)
{
    QStringList keys;
    for (int i = 0; i < keyCount; ++i)
        keys.append(QStringLiteral("user:") + QString::number(i));
    RateLimits limits;
    limits.requestsPerMinute = 1000000;
    limits.requestsPerDay = 100000000;
    limits.requestsPerMonth = 1000000000;
    limits.tokensPerMinute = 1000000000;
    RateLimiter limiter;
    const TimePoint start =
        std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
    for (const QString &key : keys)
        limiter.record(key, 1, 10, start);
    const int calls = std::max(2000000, keyCount * 4);
    qint64 allowed = 0;
    const double ns = nsPer(calls, [&](int i) {
        const QString &key = keys[i % keyCount];
        const TimePoint now = start + std::chrono::milliseconds(i / 10); // 10 calls per ms
        if (limiter.check(key, limits, now, 100).allowed) {
            limiter.record(key, 1, 100, now);
            ++allowed;
        }
    });
    std::printf("rate limiter check+record, %7d keys: %6.0f ns/call (%lld allowed)\n", keyCount, ns,
                allowed);
}

qint64 residentKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    return 0;
}

// Resident memory per key, the key strings included (the table holds the only copies).
void memoryPerKey(int keyCount)
{
    const qint64 before = residentKiB();
    RateLimiter limiter;
    const TimePoint now =
        std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
    for (int i = 0; i < keyCount; ++i)
        limiter.record(QStringLiteral("user:") + QString::number(i), 1, 10, now);
    std::printf("rate limiter memory, %d keys: %.0f bytes/key\n", keyCount,
                double(residentKiB() - before) * 1024 / keyCount);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QString encoded;
    std::printf("PBKDF2-SHA256 hash x%d:   %6.1f ms\n", PasswordHash::DefaultIterations,
                nsPer(3, [&](int) { encoded = PasswordHash::hash(QStringLiteral("pw")).value(); }) /
                    1e6);
    std::printf("PBKDF2-SHA256 verify x%d: %6.1f ms\n", PasswordHash::DefaultIterations,
                nsPer(3, [&](int) { PasswordHash::verify(QStringLiteral("pw"), encoded); }) / 1e6);
    const QString admin =
        QStringLiteral("8c6976e5b5410415bde908bd4dee15dfb167a9c873fc4bb8a81f6f2ab448a918");
    std::printf("dashboard sha256 verify:     %6.0f ns\n",
                nsPer(100000, [&](int) { verifyDashboardSha256(QStringLiteral("admin"), admin); }));
    std::printf("token generate:              %6.0f ns\n",
                nsPer(100000, [](int) { ApiToken::generate(); }));
    const QString token = ApiToken::generate().value();
    const QString hash = ApiToken::storageHash(token);
    std::printf("token hash + compare:        %6.0f ns\n",
                nsPer(100000, [&](int) { ApiToken::matchesHash(token, hash); }));
    const SecretBox box = SecretBox::fromKey(QByteArray(32, 'k')).value();
    const QByteArray key("sk-proj-0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEF");
    QString sealed;
    std::printf("secret box seal (64 B):      %6.0f ns\n",
                nsPer(100000, [&](int) { sealed = box.seal(key, "user:42").value(); }));
    std::printf("secret box open (64 B):      %6.0f ns\n",
                nsPer(100000, [&](int) { box.open(sealed, "user:42"); }));
    QList<int> keyCounts{10000, 100000, 1000000};
    if (argc > 1) {
        keyCounts.clear();
        for (int i = 1; i < argc; ++i)
            keyCounts.append(QString::fromLocal8Bit(argv[i]).toInt());
    }
    for (const int count : keyCounts)
        rateLimiter(count);
    memoryPerKey(1000000);
    return 0;
}
