// SPDX-License-Identifier: GPL-3.0-or-later
// aisbf-control against the real aisbf-gateway binary: providers are MockUpstreams, one
// rotation entry answers 500 (so it cools down), traffic flows, then the app renders every page
// offscreen (--screenshot) and dumps the route graph (--dump-graph), which must hold the
// configured nodes and edges with the failing entry "cooling".
#include <MockUpstream.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace aisbf::test;

namespace {

const QByteArray adminToken = "e2e-admin-token-0123456789";

QString str(const char *text)
{
    return QString::fromLatin1(text);
}

/** A child process whose output is collected while the test's event loop keeps running. */
class Child
{
public:
    Child()
    {
        QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process,
                         [this] { m_stderr += m_process.readAllStandardError(); });
    }
    ~Child()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(5000))
                m_process.kill();
            m_process.waitForFinished(2000);
        }
    }
    QProcess &process() { return m_process; }
    QByteArray standardError()
    {
        m_stderr += m_process.readAllStandardError();
        return m_stderr;
    }
    bool waitForExit(int timeoutMs)
    {
        if (m_process.state() == QProcess::NotRunning)
            return true;
        QSignalSpy finished(&m_process, &QProcess::finished);
        return finished.wait(timeoutMs);
    }
    bool waitForStderr(const QByteArray &text, int timeoutMs)
    {
        QElapsedTimer clock;
        clock.start();
        QSignalSpy more(&m_process, &QProcess::readyReadStandardError);
        while (!standardError().contains(text) && m_process.state() != QProcess::NotRunning &&
               clock.elapsed() < timeoutMs)
            more.wait(200);
        return standardError().contains(text);
    }

private:
    QProcess m_process;
    QByteArray m_stderr;
};

bool writeJson(const QString &path, const QJsonObject &doc)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(QJsonDocument(doc).toJson()) > 0;
}

/** Distinct colours in a sample grid: a rendered page has many, a blank one has one. */
int distinctColours(const QImage &image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7) {
        for (int x = 0; x < image.width(); x += 7)
            colours.insert(image.pixel(x, y));
    }
    return int(colours.size());
}

QJsonObject findNode(const QJsonArray &nodes, const QString &id)
{
    for (const QJsonValue &n : nodes) {
        if (n.toObject().value(str("id")).toString() == id)
            return n.toObject();
    }
    return {};
}

QJsonObject findEdge(const QJsonArray &edges, const QString &from, const QString &to)
{
    for (const QJsonValue &e : edges) {
        const QJsonObject o = e.toObject();
        if (o.value(str("from")).toString() == from && o.value(str("to")).toString() == to)
            return o;
    }
    return {};
}

} // namespace

class TestControlE2e : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void screenshots_data();
    void screenshots();
    void loginWithPassword();
    void dumpGraphHasLiveHealth();
    void connectionFailureExitsNonZero();

private:
    int runControl(const QStringList &arguments, QByteArray *stderrOut, int timeoutMs = 90000);
    QNetworkReply *chat(const QString &model);

    MockUpstream m_good;
    MockUpstream m_bad;
    QTemporaryDir m_dir;
    std::unique_ptr<Child> m_gateway;
    QString m_url;
    QNetworkAccessManager m_network;
};

void TestControlE2e::initTestCase()
{
    QVERIFY(QFile::exists(str(AISBF_GATEWAY_BIN)));
    QVERIFY(QFile::exists(str(AISBF_CONTROL_BIN)));
    QVERIFY(m_dir.isValid());
    QVERIFY(m_good.listen());
    QVERIFY(m_bad.listen());
    m_good.setCompletionText(str("pong from the good provider"));
    m_bad.setFault(Fault::Status, FaultParams{});

    const QString config = m_dir.filePath(str("config"));
    QVERIFY(QDir().mkpath(config));
    QVERIFY(writeJson(
        config + str("/aisbf.json"),
        QJsonObject{
            {str("server"), QJsonObject{{str("host"), str("127.0.0.1")}, {str("port"), 17765}}},
            {str("database"), QJsonObject{{str("type"), str("sqlite")},
                                          {str("sqlite_path"), m_dir.filePath(str("aisbf.db"))}}},
            {str("auth"),
             QJsonObject{{str("enabled"), true},
                         {str("tokens"), QJsonArray{QString::fromLatin1(adminToken)}}}},
            {str("dashboard"),
             QJsonObject{
                 {str("enabled"), true},
                 {str("username"), str("admin")},
                 {str("password"),
                  str("8c6976e5b5410415bde908bd4dee15dfb167a9c873fc4bb8a81f6f2ab448a918")}}}}));
    const auto provider = [](const QUrl &endpoint, const QStringList &models, int cooldown) {
        QJsonArray list;
        for (const QString &m : models)
            list.append(QJsonObject{{str("name"), m}});
        return QJsonObject{{str("type"), str("openai")},
                           {str("endpoint"), endpoint.toString()},
                           {str("api_key_required"), false},
                           {str("default_error_cooldown"), cooldown},
                           {str("models"), list}};
    };
    QVERIFY(writeJson(
        config + str("/providers.json"),
        QJsonObject{
            {str("providers"),
             QJsonObject{
                 {str("good-provider"),
                  provider(m_good.baseUrl(), {str("gpt-good"), str("gpt-fast")}, 30)},
                 {str("bad-provider"), provider(m_bad.baseUrl(), {str("gpt-bad")}, 600)}}}}));
    QVERIFY(writeJson(
        config + str("/rotations.json"),
        QJsonObject{
            {str("rotations"),
             QJsonObject{
                 {str("coding"),
                  QJsonObject{{
                                  str("model_name"),
                                  str("coding"),
                              },
                              {str("providers"),
                               QJsonArray{QJsonObject{{str("provider_id"), str("good-provider")},
                                                      {str("model"), str("gpt-good")},
                                                      {str("weight"), 3}},
                                          QJsonObject{{str("provider_id"), str("bad-provider")},
                                                      {str("model"), str("gpt-bad")},
                                                      {str("weight"), 5},
                                                      {str("error_cooldown"), 600}}}}}}}}}));
    QVERIFY(writeJson(
        config + str("/autoselect.json"),
        QJsonObject{
            {str("auto"),
             QJsonObject{{str("model_name"), str("auto")},
                         {str("description"), str("pick a route")},
                         {str("fallback"), str("rotation/coding")},
                         {str("available_models"),
                          QJsonArray{QJsonObject{{str("model_id"), str("rotation/coding")},
                                                 {str("description"), str("coding work")}},
                                     QJsonObject{{str("model_id"), str("good-provider/gpt-fast")},
                                                 {str("description"), str("quick answers")}}}}}}}));

    m_gateway = std::make_unique<Child>();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(str("HOME"), m_dir.path());
    m_gateway->process().setProcessEnvironment(env);
    m_gateway->process().start(str(AISBF_GATEWAY_BIN),
                               {str("--config-dir"), config, str("--port"), str("0")});
    QVERIFY2(m_gateway->waitForStderr("listening on http://", 30000),
             m_gateway->standardError().constData());
    static const QRegularExpression listening(str(R"(listening on (http://127\.0\.0\.1:\d+))"));
    m_url = listening.match(QString::fromUtf8(m_gateway->standardError())).captured(1);
    QVERIFY(!m_url.isEmpty());

    // The endpoints the app depends on must be there.
    for (const char *path :
         {"/api/admin/state", "/api/admin/cluster", "/api/admin/config/providers",
          "/api/admin/analytics?bucket=minute&group_by=provider"}) {
        QNetworkRequest request(QUrl(m_url + QString::fromLatin1(path)));
        request.setRawHeader("Authorization", "Bearer " + adminToken);
        QNetworkReply *reply = m_network.get(request);
        QSignalSpy done(reply, &QNetworkReply::finished);
        QVERIFY(done.wait(15000));
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        QVERIFY2(status == 200, qPrintable(QStringLiteral("GET %1 answered %2: %3")
                                               .arg(QString::fromLatin1(path))
                                               .arg(status)
                                               .arg(QString::fromUtf8(reply->readAll()))));
        reply->deleteLater();
    }

    // Traffic until the failing entry has been tried (and so cools down for 600 s).
    int answered = 0;
    for (int i = 0; i < 40 && (m_bad.requestCount() == 0 || answered < 12); ++i) {
        QNetworkReply *reply = chat(i % 4 == 3 ? str("autoselect/auto") : str("rotation/coding"));
        QSignalSpy done(reply, &QNetworkReply::finished);
        QVERIFY(done.wait(15000));
        answered += reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200;
        reply->deleteLater();
    }
    QVERIFY2(m_bad.requestCount() > 0, "the weighted rotation never tried the failing entry");
    QVERIFY(answered > 0);
}

void TestControlE2e::cleanupTestCase()
{
    m_gateway.reset();
}

QNetworkReply *TestControlE2e::chat(const QString &model)
{
    QNetworkRequest request(QUrl(m_url + str("/api/v1/chat/completions")));
    request.setRawHeader("Authorization", "Bearer " + adminToken);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    const QJsonObject body{
        {str("model"), model},
        {str("messages"),
         QJsonArray{QJsonObject{{str("role"), str("user")}, {str("content"), str("ping")}}}}};
    return m_network.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

int TestControlE2e::runControl(const QStringList &arguments, QByteArray *stderrOut, int timeoutMs)
{
    Child control;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(str("QT_QPA_PLATFORM"), str("offscreen"));
    env.insert(str("HOME"), m_dir.path()); // saved connections go to a throwaway place
    env.insert(str("XDG_CONFIG_HOME"), m_dir.filePath(str("xdg")));
    control.process().setProcessEnvironment(env);
    control.process().start(str(AISBF_CONTROL_BIN), arguments);
    const bool exited = control.waitForExit(timeoutMs);
    if (stderrOut)
        *stderrOut = control.standardError();
    if (!exited)
        return -1;
    return control.process().exitStatus() == QProcess::NormalExit ? control.process().exitCode()
                                                                  : -2;
}

void TestControlE2e::screenshots_data()
{
    QTest::addColumn<QString>("page");
    for (const char *page :
         {"overview", "routes", "graph", "cluster", "analytics", "users", "playground"})
        QTest::addRow("%s", page) << str(page);
}

void TestControlE2e::screenshots()
{
    QFETCH(QString, page);
    const QString keep = qEnvironmentVariable("AISBF_SCREENSHOT_DIR");
    const QString file = keep.isEmpty() ? m_dir.filePath(page + str(".png"))
                                        : QDir(keep).filePath(page + str(".png"));
    QFile::remove(file);
    QByteArray err;
    const int code =
        runControl({str("--connect"), m_url, str("--token"), QString::fromLatin1(adminToken),
                    str("--page"), page, str("--screenshot"), file},
                   &err);
    QVERIFY2(code == 0,
             qPrintable(QStringLiteral("exit %1: %2").arg(code).arg(QString::fromUtf8(err))));
    const QImage image(file);
    QVERIFY2(!image.isNull(), qPrintable(file));
    QVERIFY(image.width() >= 1280);
    QVERIFY(image.height() >= 800);
    const int colours = distinctColours(image);
    QVERIFY2(colours > 12,
             qPrintable(QStringLiteral("%1 looks blank (%2 colours)").arg(page).arg(colours)));
}

void TestControlE2e::loginWithPassword()
{
    QByteArray err;
    const QString file = m_dir.filePath(str("login.png"));
    const int code =
        runControl({str("--connect"), m_url, str("--username"), str("admin"), str("--password"),
                    str("admin"), str("--page"), str("cluster"), str("--screenshot"), file},
                   &err);
    QVERIFY2(code == 0, err.constData());
    QVERIFY(!QImage(file).isNull());

    const int refused = runControl({str("--connect"), m_url, str("--username"), str("admin"),
                                    str("--password"), str("wrong"), str("--screenshot"), file},
                                   &err);
    QVERIFY(refused != 0);
    QVERIFY2(err.contains("login as admin failed"), err.constData());
}

void TestControlE2e::dumpGraphHasLiveHealth()
{
    const QString file = m_dir.filePath(str("graph.json"));
    QByteArray err;
    const int code =
        runControl({str("--connect"), m_url, str("--token"), QString::fromLatin1(adminToken),
                    str("--page"), str("graph"), str("--dump-graph"), file},
                   &err);
    QVERIFY2(code == 0, err.constData());
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject graph = QJsonDocument::fromJson(f.readAll()).object();
    const QJsonArray nodes = graph.value(str("nodes")).toArray();
    const QJsonArray edges = graph.value(str("edges")).toArray();
    for (const char *id : {"autoselect/auto", "rotation/coding", "model/good-provider/gpt-good",
                           "model/good-provider/gpt-fast", "model/bad-provider/gpt-bad",
                           "provider/good-provider", "provider/bad-provider"})
        QVERIFY2(!findNode(nodes, str(id)).isEmpty(), id);
    QCOMPARE(nodes.size(), 7);

    const QJsonObject goodEntry =
        findEdge(edges, str("rotation/coding"), str("model/good-provider/gpt-good"));
    const QJsonObject badEntry =
        findEdge(edges, str("rotation/coding"), str("model/bad-provider/gpt-bad"));
    QCOMPARE(goodEntry.value(str("kind")).toString(), str("entry"));
    QCOMPARE(goodEntry.value(str("weight")).toDouble(), 3.0);
    QCOMPARE(badEntry.value(str("weight")).toDouble(), 5.0);
    QVERIFY(!findEdge(edges, str("autoselect/auto"), str("rotation/coding")).isEmpty());
    QVERIFY(
        !findEdge(edges, str("autoselect/auto"), str("model/good-provider/gpt-fast")).isEmpty());
    QVERIFY(!findEdge(edges, str("model/bad-provider/gpt-bad"), str("provider/bad-provider"))
                 .isEmpty());

    // Live health: the failing entry cools down, the good one does not.
    const QJsonObject bad = findNode(nodes, str("model/bad-provider/gpt-bad"));
    QCOMPARE(bad.value(str("health")).toString(), str("cooling"));
    QVERIFY(bad.value(str("cooldownRemaining")).toDouble() > 0);
    QVERIFY(findNode(nodes, str("model/good-provider/gpt-good")).value(str("health")).toString() !=
            str("cooling"));
}

void TestControlE2e::connectionFailureExitsNonZero()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const quint16 port = probe.serverPort();
    probe.close();
    QByteArray err;
    const int code =
        runControl({str("--connect"), str("http://127.0.0.1:%1").arg(port), str("--token"),
                    str("x"), str("--screenshot"), m_dir.filePath(str("never.png"))},
                   &err);
    QCOMPARE(code, 2);
    QVERIFY2(err.contains("cannot connect to http://127.0.0.1:"), err.constData());
    QVERIFY(!QFile::exists(m_dir.filePath(str("never.png"))));

    // A wrong token is a connection failure too, with the gateway's reason.
    const int refused = runControl({str("--connect"), m_url, str("--token"), str("not-a-token"),
                                    str("--screenshot"), m_dir.filePath(str("never.png"))},
                                   &err);
    QCOMPARE(refused, 2);
    QVERIFY2(err.contains("refused the credentials (HTTP 401)"), err.constData());
}

QTEST_MAIN(TestControlE2e)
#include "tst_control_e2e.moc"
