// SPDX-License-Identifier: GPL-3.0-or-later
// The aisbf-gateway binary as an operator runs it: --version, --check-config on a broken config,
// the first run on an empty directory, SIGTERM letting an in-flight stream finish, and SIGTERM
// in the middle of load losing no usage row (SQLite and MariaDB).
#include "StoreTestEnv.h"
#include "TestClient.h"
#include "TestGateway.h"

#include <MockUpstream.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace aisbf::test;

namespace {

using Files = QHash<QString, QByteArray>;

/** The binary with a clean environment, stderr collected as it comes. */
class GatewayProcess
{
public:
    explicit GatewayProcess(const QString &home)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(s("AISBF_CONFIG_DIR"));
        env.insert(s("HOME"), home);
        m_process.setProcessEnvironment(env);
        QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process,
                         [this] { m_stderr += m_process.readAllStandardError(); });
    }
    ~GatewayProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(2000);
        }
    }

    void start(const QStringList &arguments) { m_process.start(s(AISBF_GATEWAY_BIN), arguments); }
    /** Until exit; false on timeout. */
    bool waitForExit(int timeoutMs = 10000)
    {
        if (m_process.state() == QProcess::NotRunning)
            return true;
        QSignalSpy finished(&m_process, &QProcess::finished);
        return finished.wait(timeoutMs);
    }
    /** Until stderr contains @p text (or the process ended); true when it does. */
    bool waitForStderr(const QByteArray &text, int timeoutMs = 10000)
    {
        QElapsedTimer clock;
        clock.start();
        QSignalSpy more(&m_process, &QProcess::readyReadStandardError);
        while (!m_stderr.contains(text) && m_process.state() != QProcess::NotRunning &&
               clock.elapsed() < timeoutMs)
            more.wait(int(timeoutMs - clock.elapsed()));
        return m_stderr.contains(text);
    }
    /** The port from "listening on http://127.0.0.1:PORT"; 0 before that line. */
    quint16 port()
    {
        if (!waitForStderr("listening on http://"))
            return 0;
        static const QRegularExpression listening(s(R"(listening on http://127\.0\.0\.1:(\d+))"));
        return quint16(listening.match(QString::fromUtf8(m_stderr)).captured(1).toUInt());
    }

    QProcess &process() { return m_process; }
    QByteArray standardError()
    {
        m_stderr += m_process.readAllStandardError();
        return m_stderr;
    }

private:
    QProcess m_process;
    QByteArray m_stderr;
};

bool writeFiles(const QString &dir, const Files &files)
{
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        QFile file(QDir(dir).filePath(it.key()));
        if (!file.open(QIODevice::WriteOnly) || file.write(it.value()) != it.value().size())
            return false;
    }
    return true;
}

Files validFiles(const QByteArray &endpoint = "http://127.0.0.1:9/v1")
{
    return {{s("aisbf.json"), R"({"server": {"host": "127.0.0.1", "port": 17765}})"},
            {s("providers.json"), R"({"providers": {"p1": {"type": "openai", "endpoint": ")" +
                                      endpoint + R"(", "models": [{"name": "m1"}]}}})"},
            {s("rotations.json"), R"({"rotations": {}})"},
            {s("autoselect.json"), "{}"}};
}

// aisbf.json's "database" section for @p db.
QByteArray databaseJson(const aisbf::store::DatabaseConfig &db)
{
    using Backend = aisbf::store::DatabaseConfig::Backend;
    const QJsonObject section =
        db.backend == Backend::Sqlite
            ? QJsonObject{{s("type"), s("sqlite")}, {s("sqlite_path"), db.sqlitePath}}
            : QJsonObject{{s("type"), s("mysql")},
                          {s("mysql_host"), db.host},
                          {s("mysql_port"), db.port},
                          {s("mysql_user"), db.user},
                          {s("mysql_password"), db.password},
                          {s("mysql_database"), db.database}};
    return QJsonDocument(section).toJson(QJsonDocument::Compact);
}

/**
 * Chat requests in @p loops back-to-back loops (each starts the next when it ends) until
 * stop(); counts the requests that got an HTTP answer.
 */
class ChatLoad
{
public:
    ChatLoad(quint16 port, int loops)
        : m_url(QStringLiteral("http://127.0.0.1:%1/api/v1/chat/completions").arg(port))
    {
        for (int i = 0; i < loops; ++i)
            next();
    }
    void stop() { m_stopped = true; }
    int answered() const { return m_answered; }
    int inFlight() const { return m_inFlight; }

private:
    void next()
    {
        if (m_stopped)
            return;
        QNetworkRequest request{QUrl(m_url)};
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
        QNetworkReply *reply = m_network.post(request, chatBody(s("p1/m1")));
        ++m_inFlight;
        QObject::connect(reply, &QNetworkReply::finished, reply, [this, reply] {
            --m_inFlight;
            if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).isValid())
                ++m_answered;
            reply->deleteLater();
            next();
        });
    }

    QNetworkAccessManager m_network;
    QString m_url;
    int m_answered = 0;
    int m_inFlight = 0;
    bool m_stopped = false;
};

} // namespace

class TestGatewayCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void version();
    void badConfig_data();
    void badConfig();
    void firstRunWritesDefaults_data();
    void firstRunWritesDefaults();
    void sigtermDrainsInFlightStream();
    void sigtermMidLoadLosesNoUsageRow_data() { StoreTestEnv::addBackendRows(); }
    void sigtermMidLoadLosesNoUsageRow();
    void cleanup() { m_store.dropAll(); }

private:
    QTemporaryDir m_home;
    StoreTestEnv m_store;
};

void TestGatewayCli::version()
{
    GatewayProcess gateway(m_home.path());
    gateway.start({s("--version")});
    QVERIFY(gateway.waitForExit());
    QCOMPARE(gateway.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(gateway.process().exitCode(), 0);
    QCOMPARE(gateway.process().readAllStandardOutput().trimmed(),
             QByteArray("aisbf-gateway " AISBF_VERSION));
}

void TestGatewayCli::badConfig_data()
{
    QTest::addColumn<Files>("changes"); // over validFiles()
    QTest::addColumn<bool>("checkOnly");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QStringList>("lines"); // each must start a line of stderr

    QTest::addRow("valid") << Files() << true << 0 << QStringList();
    const Files rotation{
        {s("rotations.json"),
         R"({"rotations": {"r": {"providers": [{"provider_id": "nope", "model": "m1"},
                                                {"provider_id": "p1", "model": "m1", "weight": 0}]}}})"}};
    const QStringList rotationLines{
        s("rotations.json /rotations/r/providers/0/provider_id: error: unknown provider \"nope\""),
        s("rotations.json /rotations/r/providers/1/weight: error: ")};
    QTest::addRow("unknown provider_id and weight 0") << rotation << true << 2 << rotationLines;
    QTest::addRow("same, on a normal start") << rotation << false << 2 << rotationLines;
    QTest::addRow("problems in two files")
        << Files{{s("aisbf.json"), R"({"limits": {"max_body_bytes": 0}})"},
                 {s("providers.json"), R"({"providers": {"p1": {"type": "openai"}}})"}}
        << true << 2
        << QStringList{s("aisbf.json /limits/max_body_bytes: error: "),
                       s("providers.json /providers/p1/endpoint: error: ")};
    QTest::addRow("syntax error")
        << Files{{s("providers.json"), "{\"providers\": {\n  \"p1\": ,\n}}"}} << true << 2
        << QStringList{s("providers.json: error: invalid JSON at line 2")};
}

void TestGatewayCli::badConfig()
{
    QFETCH(Files, changes);
    QFETCH(bool, checkOnly);
    QFETCH(int, exitCode);
    QFETCH(QStringList, lines);

    QTemporaryDir dir;
    Files files = validFiles();
    files.insert(changes);
    QVERIFY(writeFiles(dir.path(), files));
    GatewayProcess gateway(m_home.path());
    QStringList arguments{s("--config-dir"), dir.path(), s("--port"), s("0")};
    if (checkOnly)
        arguments.append(s("--check-config"));
    gateway.start(arguments);
    QVERIFY(gateway.waitForExit());
    QCOMPARE(gateway.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(gateway.process().exitCode(), exitCode);
    const QString err = QString::fromUtf8(gateway.standardError());
    QVERIFY2(!err.contains(QLatin1String("listening")), qPrintable(err));
    if (exitCode == 0) {
        QCOMPARE(gateway.process().readAllStandardOutput().trimmed(),
                 QByteArray("config in " + dir.path().toUtf8() + " is valid"));
        return;
    }
    const QStringList printed = err.split(u'\n');
    for (const QString &line : std::as_const(lines)) {
        QVERIFY2(std::any_of(printed.cbegin(), printed.cend(),
                             [&line](const QString &p) { return p.startsWith(line); }),
                 qPrintable(line + QStringLiteral(" not in:\n") + err));
    }
    QVERIFY2(err.contains(QStringLiteral("the config in %1 is invalid").arg(dir.path())),
             qPrintable(err));
}

void TestGatewayCli::firstRunWritesDefaults_data()
{
    QTest::addColumn<bool>("dirExists");
    QTest::addRow("empty directory") << true;
    QTest::addRow("no directory yet") << false;
}

void TestGatewayCli::firstRunWritesDefaults()
{
    QFETCH(bool, dirExists);
    QTemporaryDir parent;
    const QString dir = parent.filePath(s("config"));
    if (dirExists)
        QVERIFY(QDir().mkpath(dir));
    GatewayProcess gateway(m_home.path());
    gateway.start({s("--config-dir"), dir, s("--port"), s("0")});
    const quint16 port = gateway.port();
    QVERIFY2(port != 0, gateway.standardError().constData());

    for (const char *name : {"aisbf.json", "providers.json", "rotations.json", "autoselect.json"}) {
        QFile written(QDir(dir).filePath(s(name)));
        QVERIFY2(written.open(QIODevice::ReadOnly), name);
        QFile embedded(s(AISBF_TEST_DATA_DIR "/../../resources/defaults/") + s(name));
        QVERIFY(embedded.open(QIODevice::ReadOnly));
        QCOMPARE(written.readAll(), embedded.readAll());
        // They will hold keys and tokens: owner only.
        QCOMPARE(written.permissions() & (QFile::ReadGroup | QFile::ReadOther),
                 QFile::Permissions());
    }
    const HttpReply health = httpRequest(port, "GET", "/health");
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json().value(QLatin1String("providers")).toInt(), 1);

    gateway.process().terminate();
    QVERIFY(gateway.waitForExit());
    QCOMPARE(gateway.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(gateway.process().exitCode(), 0);
}

void TestGatewayCli::sigtermDrainsInFlightStream()
{
    MockUpstream mock;
    QVERIFY(mock.listen());
    mock.setStreamChunks(10);
    mock.setStreamIntervalMs(100);
    QTemporaryDir dir;
    Files files = validFiles(mock.baseUrl().toString().toUtf8());
    files.insert(s("aisbf.json"), R"({"limits": {"drain_timeout": 20}})");
    QVERIFY(writeFiles(dir.path(), files));
    GatewayProcess gateway(m_home.path());
    gateway.start({s("--config-dir"), dir.path(), s("--port"), s("0")});
    const quint16 port = gateway.port();
    QVERIFY2(port != 0, gateway.standardError().constData());

    TestClient stream(port);
    stream.startRequest("POST", "/api/v1/chat/completions", chatBody(s("p1/m1"), true));
    QVERIFY(stream.waitForEvents(2));
    QSignalSpy exited(&gateway.process(), &QProcess::finished);
    gateway.process().terminate();
    QVERIFY2(gateway.waitForStderr("draining"), gateway.standardError().constData());

    // The listening socket closes (the log line comes just before): newcomers are refused.
    const auto refused = [port] {
        TestClient late(port);
        return !late.connectToServer(2000) &&
               late.socketError() == QAbstractSocket::ConnectionRefusedError;
    };
    QTRY_VERIFY_WITH_TIMEOUT(refused(), 1000);

    // The stream in flight runs to its end, every event and the chunked terminator included.
    QVERIFY2(stream.waitForComplete(5000), stream.reply().body.constData());
    QCOMPARE(stream.reply().status, 200);
    QCOMPARE(stream.reply().events.size(), 11);
    QCOMPARE(stream.reply().events.last().data, QByteArray("[DONE]"));

    // Then, and only then, the process goes, cleanly.
    QVERIFY(exited.count() == 1 || exited.wait(5000));
    QCOMPARE(gateway.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(gateway.process().exitCode(), 0);
    QCOMPARE(mock.abortCount(), 0);
}

void TestGatewayCli::sigtermMidLoadLosesNoUsageRow()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_store, backend, db);
    MockUpstream mock;
    QVERIFY(mock.listen());
    // Each answer takes 30 ms, so requests are in flight whenever the signal comes.
    FaultParams slow;
    slow.delayMs = 30;
    mock.setFault(Fault::SlowFirstByte, slow);
    QTemporaryDir dir;
    Files files = validFiles(mock.baseUrl().toString().toUtf8());
    files.insert(s("aisbf.json"),
                 R"({"limits": {"drain_timeout": 20}, "database": )" + databaseJson(db) + "}");
    QVERIFY(writeFiles(dir.path(), files));
    GatewayProcess gateway(m_home.path());
    gateway.start({s("--config-dir"), dir.path(), s("--port"), s("0")});
    const quint16 port = gateway.port();
    QVERIFY2(port != 0, gateway.standardError().constData());

    ChatLoad load(port, 6);
    QTRY_VERIFY_WITH_TIMEOUT(load.answered() >= 30, 10000);
    QVERIFY(load.inFlight() > 0);
    QSignalSpy exited(&gateway.process(), &QProcess::finished);
    gateway.process().terminate();
    QVERIFY(exited.count() == 1 || exited.wait(20000));
    load.stop();
    QTRY_COMPARE_WITH_TIMEOUT(load.inFlight(), 0, 10000);
    QCOMPARE(gateway.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(gateway.process().exitCode(), 0);

    // Every request that got an answer, those finished while draining included, is recorded:
    // an event in a batch, counted once in the rollups.
    aisbf::store::Database database(db);
    QVERIFY(database.open().ok());
    QCOMPARE(storedUsage(database).size(), qsizetype(load.answered()));
    QCOMPARE(scalar(database, s("SELECT SUM(requests) FROM usage_rollups")),
             qint64(load.answered()));
}

QTEST_GUILESS_MAIN(TestGatewayCli)
#include "tst_gateway_cli.moc"
