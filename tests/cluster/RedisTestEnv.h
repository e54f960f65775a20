// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cluster/RedisClient.h>
#include <cluster/RedisConfig.h>

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

namespace aisbf::cluster::test {

/**
 * The server of AISBF_TEST_REDIS ("127.0.0.1:PORT"; installer/test-servers.sh sets it), or
 * nullopt with @p why filled.
 */
std::optional<RedisConfig> sharedRedis(QString *why);

/** CI=true: a missing server is a failure, not a skip. */
bool serversRequired();

/** A key prefix no other test (or run) uses: "aisbf-test:<pid>:<n>:". */
QString uniquePrefix();

/** The reply of one command, once it came; shared so a late reply has somewhere to go. */
using ReplySlot = std::shared_ptr<std::optional<RedisReply>>;
ReplySlot send(RedisClient &client, const QList<QByteArray> &args);
/** send(), then wait up to @p timeoutMs; a connection error "no reply" when none came. */
RedisReply call(RedisClient &client, const QList<QByteArray> &args, int timeoutMs = 5000);

/** A redis-server of the test's own (for passwords, restarts, pauses) on a free port. */
class OwnRedis
{
public:
    ~OwnRedis();

    /** Starts it (the same port on a restart); false with error() when it cannot. */
    bool start(const QStringList &extraArgs = {});
    /** SIGKILL, as if the machine went away. */
    void kill();
    /** SIGSTOP / SIGCONT: a server that accepts connections but answers nothing. */
    void pause();
    void resume();

    /** Whether redis-server is on PATH. */
    static bool available();
    quint16 port() const { return m_port; }
    RedisConfig config() const;
    QString error() const { return m_error; }

private:
    bool waitReady(int timeoutMs);

    QProcess m_process;
    QTemporaryDir m_dir;
    QStringList m_extraArgs;
    quint16 m_port = 0;
    QString m_error;
};

} // namespace aisbf::cluster::test

// Skips the test when no server is available, or fails it under CI=true.
#define AISBF_SKIP_OR_FAIL(why)                                                                    \
    do {                                                                                           \
        if (aisbf::cluster::test::serversRequired())                                               \
            QFAIL(qPrintable(QLatin1String("CI=true: ") + (why)));                                 \
        QSKIP(qPrintable(why));                                                                    \
    } while (false)

// Declares `var`, the AISBF_TEST_REDIS server's config.
#define AISBF_REQUIRE_SHARED_REDIS(var)                                                            \
    QString var##Why;                                                                              \
    const std::optional<aisbf::cluster::RedisConfig> var##Opt =                                    \
        aisbf::cluster::test::sharedRedis(&var##Why);                                              \
    if (!var##Opt)                                                                                 \
        AISBF_SKIP_OR_FAIL(var##Why);                                                              \
    const aisbf::cluster::RedisConfig var = *var##Opt

// Starts `server` (an OwnRedis) with `args`.
#define AISBF_START_OWN_REDIS(server, args)                                                        \
    do {                                                                                           \
        if (!aisbf::cluster::test::OwnRedis::available())                                          \
            AISBF_SKIP_OR_FAIL(QStringLiteral("redis-server is not on PATH"));                     \
        QVERIFY2((server).start(args), qPrintable((server).error()));                              \
    } while (false)
