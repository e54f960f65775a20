// SPDX-License-Identifier: GPL-3.0-or-later
#include "RedisTestEnv.h"

#include <QCoreApplication>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>

#include <atomic>

#include <signal.h>

namespace aisbf::cluster::test {

std::optional<RedisConfig> sharedRedis(QString *why)
{
    const QString spec = qEnvironmentVariable("AISBF_TEST_REDIS");
    if (spec.isEmpty()) {
        *why = QStringLiteral("AISBF_TEST_REDIS is not set; installer/test-servers.sh start "
                              "/tmp/srv-cluster starts a throwaway Redis and prints it");
        return std::nullopt;
    }
    const qsizetype colon = spec.lastIndexOf(QLatin1Char(':'));
    bool ok = false;
    const int port = colon > 0 ? spec.mid(colon + 1).toInt(&ok) : 0;
    if (!ok || port < 1 || port > 65535) {
        *why = QLatin1String("AISBF_TEST_REDIS=\"") % spec %
               QLatin1String("\" is not HOST:PORT, e.g. 127.0.0.1:6379");
        return std::nullopt;
    }
    RedisConfig config;
    config.host = spec.left(colon);
    config.port = port;
    config.keyPrefix = uniquePrefix();
    return config;
}

bool serversRequired()
{
    return qEnvironmentVariable("CI") == QLatin1String("true");
}

QString uniquePrefix()
{
    static std::atomic<int> serial{0};
    return QStringLiteral("aisbf-test:%1:%2:")
        .arg(QCoreApplication::applicationPid())
        .arg(++serial);
}

ReplySlot send(RedisClient &client, const QList<QByteArray> &args)
{
    auto slot = std::make_shared<std::optional<RedisReply>>();
    client.command(args, [slot](const RedisReply &reply) { *slot = reply; });
    return slot;
}

RedisReply call(RedisClient &client, const QList<QByteArray> &args, int timeoutMs)
{
    const ReplySlot slot = send(client, args);
    if (!QTest::qWaitFor([&slot] { return slot->has_value(); }, timeoutMs))
        return RedisReply::connectionError(QByteArrayLiteral("no reply"));
    return **slot;
}

OwnRedis::~OwnRedis()
{
    if (m_process.state() != QProcess::NotRunning) {
        resume();
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

bool OwnRedis::available()
{
    return !QStandardPaths::findExecutable(QStringLiteral("redis-server")).isEmpty();
}

bool OwnRedis::start(const QStringList &extraArgs)
{
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("no temporary directory");
        return false;
    }
    if (m_port == 0) {
        m_extraArgs = extraArgs;
        // A port that was free a moment ago; the kernel hands out ports in turn, so a clash
        // within the test is unlikely.
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0)) {
            m_error = QStringLiteral("no free port: ") + probe.errorString();
            return false;
        }
        m_port = probe.serverPort();
    }
    QStringList args{QStringLiteral("--port"),       QString::number(m_port),
                     QStringLiteral("--bind"),       QStringLiteral("127.0.0.1"),
                     QStringLiteral("--save"),       QString(),
                     QStringLiteral("--appendonly"), QStringLiteral("no"),
                     QStringLiteral("--dir"),        m_dir.path()};
    args += m_extraArgs;
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.start(QStringLiteral("redis-server"), args);
    if (!m_process.waitForStarted(5000)) {
        m_error = QStringLiteral("redis-server did not start: ") + m_process.errorString();
        return false;
    }
    if (!waitReady(10'000)) {
        m_error = QLatin1String("redis-server on port ") % QString::number(m_port) %
                  QLatin1String(" is not answering; it said: ") %
                  QString::fromLocal8Bit(m_process.readAll().right(2000));
        return false;
    }
    return true;
}

bool OwnRedis::waitReady(int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeoutMs) {
        if (m_process.state() == QProcess::NotRunning)
            return false;
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        if (socket.waitForConnected(200)) {
            socket.write("PING\r\n");
            if (socket.waitForReadyRead(1000)) {
                const QByteArray answer = socket.readAll();
                // NOAUTH: up, and asking for the password it was started with.
                if (answer.startsWith("+PONG") || answer.startsWith("-NOAUTH"))
                    return true;
            }
        }
        QTest::qWait(50);
    }
    return false;
}

void OwnRedis::kill()
{
    resume();
    m_process.kill();
    m_process.waitForFinished(5000);
}

void OwnRedis::pause()
{
    if (m_process.state() != QProcess::NotRunning)
        ::kill(pid_t(m_process.processId()), SIGSTOP);
}

void OwnRedis::resume()
{
    if (m_process.state() != QProcess::NotRunning)
        ::kill(pid_t(m_process.processId()), SIGCONT);
}

RedisConfig OwnRedis::config() const
{
    RedisConfig config;
    config.host = QStringLiteral("127.0.0.1");
    config.port = m_port;
    config.keyPrefix = uniquePrefix();
    return config;
}

} // namespace aisbf::cluster::test
