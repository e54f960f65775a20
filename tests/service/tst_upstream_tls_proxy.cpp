// SPDX-License-Identifier: GPL-3.0-or-later
// The upstream client's TLS and proxy paths: https upstreams are always verified (an extra CA
// comes from "upstream.ca_file"), HTTP(S)_PROXY tunnels with CONNECT, NO_PROXY and loopback hosts
// bypass the proxy. End to end through an in-process Gateway, plus ProxySettings as a unit.
#include "ConnectProxy.h"
#include "GatewayTestMain.h"
#include "TestClient.h"
#include "TestGateway.h"
#include "TlsTestServer.h"

#include <MockUpstream.h>
#include <config/ConfigLoader.h>
#include <upstream/ProxySettings.h>

#include <QJsonArray>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace aisbf::test;
using aisbf::upstream::ProxySettings;

namespace {

// Every spelling ProxySettings reads; each test starts with none of them set.
const QByteArrayList kProxyVariables{"HTTP_PROXY",  "http_proxy", "HTTPS_PROXY",
                                     "https_proxy", "NO_PROXY",   "no_proxy"};
// A direct provider route: the client sees this one upstream's failure as it is.
const QByteArray kChatPath = "/api/p1/chat/completions";
// Resolves nowhere (RFC 2606); only the test proxy knows where it is.
const QString kProxyOnlyHost = QStringLiteral("upstream.test");

QUrl endpoint(bool tls, const QString &host, quint16 port)
{
    return QUrl((tls ? QStringLiteral("https://") : QStringLiteral("http://")) + host + u':' +
                QString::number(port) + QStringLiteral("/v1"));
}

TestConfig providerConfig(const QUrl &endpoint, const QString &caFile = {})
{
    TestConfig config;
    config.addProvider(QStringLiteral("p1"), endpoint, {QStringLiteral("m1")},
                       {{QStringLiteral("api_key"), QStringLiteral("sk-test")}});
    config.set(QStringLiteral("upstream"), QStringLiteral("connect_timeout"), 5);
    if (!caFile.isEmpty())
        config.set(QStringLiteral("upstream"), QStringLiteral("ca_file"), caFile);
    return config;
}

HttpReply postChat(const TestGateway &gateway)
{
    return httpRequest(gateway.port(), "POST", kChatPath, chatBody(QStringLiteral("m1")));
}

QString content(const HttpReply &reply)
{
    const QJsonObject choice =
        reply.json().value(QLatin1String("choices")).toArray().first().toObject();
    return choice.value(QLatin1String("message"))
        .toObject()
        .value(QLatin1String("content"))
        .toString();
}

} // namespace

class TestUpstreamTlsProxy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void proxyFor_data();
    void proxyFor();
    void tlsUntrustedCertificate();
    void tlsTrustedByCaFile_data();
    void tlsTrustedByCaFile();
    void caFileMissingIsConfigError();
    void proxyTunnels_data();
    void proxyTunnels();
    void noProxyBypassesProxy();
    void loopbackBypassesProxy();

private:
    QTemporaryDir m_dir;
    std::optional<TestPki> m_pki;
    std::unique_ptr<TlsTestServer> m_tls;
    MockUpstream m_mock;
    QList<QPair<QByteArray, std::optional<QByteArray>>> m_savedEnv;
};

void TestUpstreamTlsProxy::initTestCase()
{
    QVERIFY2(QSslSocket::supportsSsl(), "Qt has no TLS backend");
    QVERIFY(m_dir.isValid());
    QString error;
    m_pki = makeTestPki(m_dir.path(), &error);
    QVERIFY2(m_pki, qPrintable(error));
    m_tls = std::make_unique<TlsTestServer>(*m_pki);
    QVERIFY(m_tls->isListening());
    QVERIFY(m_mock.listen());
}

void TestUpstreamTlsProxy::init()
{
    m_savedEnv.clear();
    for (const QByteArray &name : kProxyVariables) {
        const char *variable = name.constData();
        m_savedEnv.append({name, qEnvironmentVariableIsSet(variable)
                                     ? std::optional<QByteArray>(qgetenv(variable))
                                     : std::nullopt});
        qunsetenv(variable);
    }
}

void TestUpstreamTlsProxy::cleanup()
{
    for (const auto &[name, value] : std::as_const(m_savedEnv)) {
        if (value)
            qputenv(name.constData(), *value);
        else
            qunsetenv(name.constData());
    }
}

void TestUpstreamTlsProxy::proxyFor_data()
{
    QTest::addColumn<QStringList>("env");
    QTest::addColumn<QByteArray>("scheme");
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("expected"); // "host:port" of the proxy, or "none"

    const QString http = QStringLiteral("HTTP_PROXY=http://proxy.corp:8080");
    const QString viaHttp = QStringLiteral("proxy.corp:8080");
    const QString none = QStringLiteral("none");
    const QString api = QStringLiteral("api.example.com");
    const auto row = [](const char *name, const QStringList &env, const char *scheme,
                        const QString &host, const QString &expected) {
        QTest::addRow("%s", name) << env << QByteArray(scheme) << host << expected;
    };
    const auto withNoProxy = [&](const char *value) {
        return QStringList{http, QStringLiteral("NO_PROXY=") + QString::fromLatin1(value)};
    };
    row("no variables", {}, "http", api, none);
    row("http proxy, http upstream", {http}, "http", api, viaHttp);
    row("http proxy, https upstream", {http}, "https", api, none);
    row("https proxy, https upstream", {QStringLiteral("HTTPS_PROXY=http://tls.corp:3129")},
        "https", api, QStringLiteral("tls.corp:3129"));
    row("https proxy, http upstream", {QStringLiteral("HTTPS_PROXY=http://tls.corp:3129")}, "http",
        api, none);
    row("lower-case proxy name", {QStringLiteral("http_proxy=http://low.corp:1111")}, "http", api,
        QStringLiteral("low.corp:1111"));
    row("upper-case wins",
        {QStringLiteral("HTTP_PROXY=http://up.corp:1"),
         QStringLiteral("http_proxy=http://lo.corp:2")},
        "http", api, QStringLiteral("up.corp:1"));
    row("default port 3128", {QStringLiteral("HTTP_PROXY=http://proxy.corp")}, "http", api,
        QStringLiteral("proxy.corp:3128"));
    row("no scheme", {QStringLiteral("HTTP_PROXY=proxy.corp:8080")}, "http", api, viaHttp);
    row("NO_PROXY exact", withNoProxy("api.example.com"), "http", api, none);
    row("NO_PROXY suffix", withNoProxy("example.com"), "http", QStringLiteral("eu.api.example.com"),
        none);
    row("NO_PROXY suffix at a dot only", withNoProxy("example.com"), "http",
        QStringLiteral("badexample.com"), viaHttp);
    row("NO_PROXY leading dot, subdomain", withNoProxy(".example.com"), "http", api, none);
    row("NO_PROXY leading dot, the domain", withNoProxy(".example.com"), "http",
        QStringLiteral("example.com"), none);
    row("NO_PROXY list with spaces", withNoProxy("a.test, example.com ,b.test"), "http", api, none);
    row("NO_PROXY other hosts", withNoProxy("a.test,b.test"), "http", api, viaHttp);
    row("NO_PROXY star", withNoProxy("*"), "http", api, none);
    row("NO_PROXY port stripped", withNoProxy("api.example.com:443"), "http", api, none);
    row("NO_PROXY case", withNoProxy("API.Example.COM"), "http", QStringLiteral("api.EXAMPLE.com"),
        none);
    row("lower-case no_proxy", {http, QStringLiteral("no_proxy=example.com")}, "http", api, none);
    row("loopback name", {http}, "http", QStringLiteral("localhost"), none);
    row("loopback 127.0.0.1", {http}, "http", QStringLiteral("127.0.0.1"), none);
    row("loopback 127/8", {http}, "http", QStringLiteral("127.1.2.3"), none);
    row("loopback ::1", {http}, "http", QStringLiteral("::1"), none);
}

void TestUpstreamTlsProxy::proxyFor()
{
    QFETCH(QStringList, env);
    QFETCH(QByteArray, scheme);
    QFETCH(QString, host);
    QFETCH(QString, expected);

    QProcessEnvironment environment;
    for (const QString &entry : env)
        environment.insert(entry.section(u'=', 0, 0), entry.section(u'=', 1));
    const QNetworkProxy proxy = ProxySettings::fromEnvironment(environment).proxyFor(scheme, host);
    if (expected == QLatin1String("none")) {
        QCOMPARE(proxy.type(), QNetworkProxy::NoProxy);
    } else {
        QCOMPARE(proxy.type(), QNetworkProxy::HttpProxy);
        QCOMPARE(proxy.hostName() + u':' + QString::number(proxy.port()), expected);
    }
}

void TestUpstreamTlsProxy::tlsUntrustedCertificate()
{
    TestGateway gateway;
    QVERIFY(gateway.start(
        providerConfig(endpoint(true, QStringLiteral("127.0.0.1"), m_tls->serverPort()))));
    const int requests = m_tls->requestCount();
    const int failures = m_tls->failedHandshakes();
    const HttpReply reply = postChat(gateway);
    QCOMPARE(reply.status, 502);
    const QString message = reply.error().value(QLatin1String("message")).toString();
    // Says what failed: the handshake, over the certificate (not "closed by upstream").
    QVERIFY2(message.contains(QLatin1String("TLS handshake failed")) &&
                 message.contains(QLatin1String("certificate"), Qt::CaseInsensitive) &&
                 message.contains(QLatin1String("connect failed")),
             qPrintable(message));
    QCOMPARE(m_tls->requestCount(), requests);
    QTRY_VERIFY(m_tls->failedHandshakes() > failures);
}

void TestUpstreamTlsProxy::tlsTrustedByCaFile_data()
{
    QTest::addColumn<QString>("host");
    QTest::addRow("ip address") << QStringLiteral("127.0.0.1");
    QTest::addRow("host name") << QStringLiteral("localhost");
}

void TestUpstreamTlsProxy::tlsTrustedByCaFile()
{
    QFETCH(QString, host);
    TestGateway gateway;
    QVERIFY(
        gateway.start(providerConfig(endpoint(true, host, m_tls->serverPort()), m_pki->caFile)));
    const int requests = m_tls->requestCount();
    const HttpReply reply = postChat(gateway);
    QVERIFY2(reply.status == 200, reply.body.constData());
    QCOMPARE(content(reply), QStringLiteral("over tls"));
    QCOMPARE(m_tls->requestCount(), requests + 1);
    QCOMPARE(m_tls->lastRequestLine(), QByteArray("POST /v1/chat/completions HTTP/1.1"));
}

void TestUpstreamTlsProxy::caFileMissingIsConfigError()
{
    const QString missing = m_dir.filePath(QStringLiteral("no-such-ca.pem"));
    const TestConfig config =
        providerConfig(endpoint(true, QStringLiteral("127.0.0.1"), 443), missing);
    const aisbf::config::LoadResult loaded =
        aisbf::config::parseDocuments(config.server, config.providersDocument(),
                                      config.rotationsDocument(), config.autoselect, config.env);
    QVERIFY(!loaded.ok());
    const auto it = std::find_if(loaded.diagnostics.begin(), loaded.diagnostics.end(),
                                 [](const aisbf::config::Diagnostic &diagnostic) {
                                     return diagnostic.path == QLatin1String("/upstream/ca_file");
                                 });
    QVERIFY(it != loaded.diagnostics.end());
    QVERIFY(it->isError());
    QCOMPARE(it->file, QStringLiteral("aisbf.json"));
    QVERIFY2(it->message.contains(missing), qPrintable(it->message));
}

void TestUpstreamTlsProxy::proxyTunnels_data()
{
    QTest::addColumn<QByteArray>("variable");
    QTest::addColumn<bool>("tls");
    QTest::addRow("http upstream, HTTP_PROXY") << QByteArray("HTTP_PROXY") << false;
    QTest::addRow("http upstream, http_proxy") << QByteArray("http_proxy") << false;
    QTest::addRow("https upstream, HTTPS_PROXY") << QByteArray("HTTPS_PROXY") << true;
}

void TestUpstreamTlsProxy::proxyTunnels()
{
    QFETCH(QByteArray, variable);
    QFETCH(bool, tls);
    ConnectProxy proxy;
    QVERIFY(proxy.isListening());
    qputenv(variable.constData(), proxy.url().toEncoded());
    const quint16 port = tls ? m_tls->serverPort() : m_mock.port();
    TestGateway gateway; // reads the environment now
    QVERIFY(gateway.start(
        providerConfig(endpoint(tls, kProxyOnlyHost, port), tls ? m_pki->caFile : QString())));
    const int tlsRequests = m_tls->requestCount();
    const int mockRequests = m_mock.requestCount();

    const HttpReply reply = postChat(gateway);
    QVERIFY2(reply.status == 200, reply.body.constData());
    const QByteArray target = kProxyOnlyHost.toLatin1() + ':' + QByteArray::number(port);
    QCOMPARE(proxy.requestLines(), QByteArrayList{"CONNECT " + target + " HTTP/1.1"});
    if (tls) {
        QCOMPARE(content(reply), QStringLiteral("over tls"));
        QCOMPARE(m_tls->requestCount(), tlsRequests + 1);
    } else {
        QCOMPARE(m_mock.requestCount(), mockRequests + 1);
        QCOMPARE(m_mock.lastRequest().header("host"), target); // the origin, not the proxy
    }
}

void TestUpstreamTlsProxy::noProxyBypassesProxy()
{
    ConnectProxy proxy;
    QVERIFY(proxy.isListening());
    qputenv("HTTP_PROXY", proxy.url().toEncoded());
    qputenv("NO_PROXY", kProxyOnlyHost.toLatin1());
    TestGateway gateway;
    QVERIFY(gateway.start(providerConfig(endpoint(false, kProxyOnlyHost, m_mock.port()))));
    const int mockRequests = m_mock.requestCount();
    const HttpReply reply = postChat(gateway);
    QCOMPARE(reply.status, 502); // the name resolves nowhere without the proxy
    QVERIFY(proxy.requestLines().isEmpty());
    QCOMPARE(m_mock.requestCount(), mockRequests);
}

void TestUpstreamTlsProxy::loopbackBypassesProxy()
{
    ConnectProxy proxy;
    QVERIFY(proxy.isListening());
    qputenv("HTTP_PROXY", proxy.url().toEncoded());
    TestGateway gateway;
    QVERIFY(gateway.start(providerConfig(m_mock.baseUrl())));
    const HttpReply reply = postChat(gateway);
    QCOMPARE(reply.status, 200);
    QVERIFY(proxy.requestLines().isEmpty());
}

AISBF_GATEWAY_TEST_MAIN(TestUpstreamTlsProxy)

#include "tst_upstream_tls_proxy.moc"
