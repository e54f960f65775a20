// SPDX-License-Identifier: GPL-3.0-or-later
// The official SDKs from npm (openai, @anthropic-ai/sdk, ollama) as clients of a live gateway
// whose providers of all four types (openai, anthropic, google, ollama) are one MockUpstream
// answering natively. Each row runs one scenario of tests/sdk/conformance.mjs with Node.js
// against one model; the script checks what the SDK returns, this driver checks what reached
// the upstream: the provider's own API, its own auth header, and never the client's token.
#include "GatewayTestMain.h"
#include "TestGateway.h"

#include <MockUpstream.h>

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace aisbf::test;

namespace {

constexpr int kNodeTimeoutMs = 60000;
constexpr int kStreamChunks = 5; ///< MockUpstream events per streamed text answer
const QByteArray kGatewayToken = "sdk-conformance-token";
const QStringList kProviders{QStringLiteral("oa"), QStringLiteral("an"), QStringLiteral("gg"),
                             QStringLiteral("ol")};
const QString kRotationId = QStringLiteral("rot");
const QString kRotation = QStringLiteral("rotation/rot"); ///< its model name

/** Scenarios run per model (the script's per-model table entries). */
const char *const kPerModel[] = {
    "openai-chat",          "openai-stream",      "openai-tools",
    "openai-tools-stream",  "anthropic-messages", "anthropic-stream",
    "anthropic-stream-raw", "anthropic-tools",    "anthropic-tools-stream",
    "ollama-chat",          "ollama-stream",      "ollama-tools",
    "ollama-tools-stream",
};
/** Scenarios that need no model, or use a fixed one, and must not reach a provider. */
const char *const kGlobal[] = {
    "openai-models",
    "openai-unknown-model",
    "openai-bad-key",
    "anthropic-unknown-model",
    "anthropic-missing-max-tokens",
    "anthropic-bad-key",
    "ollama-list",
    "ollama-version",
};
/** Non-streamed scenarios whose answer is the same from every provider: also via the rotation. */
const char *const kViaRotation[] = {"openai-chat", "anthropic-messages", "ollama-chat"};
/** A broken upstream stream must surface as an error in each SDK. */
const char *const kStreamReset[] = {"openai-stream-reset", "anthropic-stream-reset",
                                    "ollama-stream-reset"};

QString providerOf(const QString &model)
{
    return model.section(u'/', 0, 0);
}

/** The provider, by the API the request speaks: "oa", "an", "gg" or "ol". */
QString providerOf(const RecordedRequest &request)
{
    const QByteArray path = request.path;
    if (path.startsWith("/v1/chat/completions"))
        return QStringLiteral("oa");
    if (path.startsWith("/v1/messages"))
        return QStringLiteral("an");
    if (path.startsWith("/v1beta/"))
        return QStringLiteral("gg");
    if (path.startsWith("/api/"))
        return QStringLiteral("ol");
    return QString::fromLatin1(path);
}

QByteArray apiKeyOf(const QString &provider)
{
    return "key-" + provider.toLatin1();
}

/**
 * Events of the streamed answer after which MockUpstream resets the connection: two text
 * tokens in, so the gateway has already answered and can only report the failure in-stream.
 */
int resetAfterEvents(const QString &provider)
{
    if (provider == QLatin1String("oa"))
        return 3; // role, tok0, tok1
    if (provider == QLatin1String("an"))
        return 5; // message_start, ping, content_block_start, tok0, tok1
    return 2;     // Gemini and Ollama: one token per event
}

/** Where the provider's generation requests go, for FaultParams::onlyPath. */
QByteArray generationPath(const QString &provider)
{
    if (provider == QLatin1String("oa"))
        return "/v1/chat/completions";
    if (provider == QLatin1String("an"))
        return "/v1/messages";
    if (provider == QLatin1String("gg"))
        return "/v1beta/models/m1:";
    return "/api/chat";
}

QString describe(const RecordedRequest &request)
{
    QStringList headers;
    for (auto it = request.headers.cbegin(); it != request.headers.cend(); ++it)
        headers.append(QString::fromLatin1(it.key() + ": " + it.value()));
    headers.sort();
    return QString::fromLatin1(request.method + ' ' + request.path + '\n') + headers.join(u'\n') +
           u'\n' + QString::fromUtf8(request.body.left(2000));
}

} // namespace

class TestSdkConformance : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void sdk_data();
    void sdk();

private:
    /** Checks one generation request the mock received for @p provider. */
    void checkUpstreamRequest(const RecordedRequest &request, const QString &provider,
                              bool streamed);

    MockUpstream m_mock;
    TestGateway m_gateway;
    QString m_node;
};

void TestSdkConformance::initTestCase()
{
    const QString sdkDir = QStringLiteral(AISBF_SDK_DIR);
    m_node = QStandardPaths::findExecutable(QStringLiteral("node"));
    QString missing;
    if (m_node.isEmpty()) {
        missing = QStringLiteral("node is not installed");
    } else {
        for (const char *package : {"openai", "@anthropic-ai/sdk", "ollama"}) {
            const QString manifest = sdkDir + QStringLiteral("/node_modules/") +
                                     QLatin1String(package) + QStringLiteral("/package.json");
            if (!QFileInfo::exists(manifest)) {
                missing = QStringLiteral("%1 is missing").arg(manifest);
                break;
            }
        }
    }
    if (!missing.isEmpty()) {
        const QString reason =
            missing + QStringLiteral(": run installer/aisbf-dev.sh test, which runs npm ci in ") +
            sdkDir;
        if (qEnvironmentVariable("CI") == QLatin1String("true"))
            QFAIL(qPrintable(reason));
        QSKIP(qPrintable(reason));
    }

    QVERIFY(m_mock.listen());
    m_mock.setRecordLimit(200);
    m_mock.setModels({s("m1")});
    const QString root = QStringLiteral("http://127.0.0.1:%1").arg(m_mock.port());
    TestConfig config;
    config.set(s("auth"), s("enabled"), true);
    config.set(s("auth"), s("tokens"), QJsonArray{QString::fromLatin1(kGatewayToken)});
    const auto extra = [](const char *type, const QString &provider) {
        return QJsonObject{{s("type"), s(type)},
                           {s("api_key"), QString::fromLatin1(apiKeyOf(provider))}};
    };
    // The Anthropic endpoint is the API base with /v1; Google's and Ollama's are the server root.
    config.addProvider(s("oa"), m_mock.baseUrl(), {s("m1")}, extra("openai", s("oa")));
    config.addProvider(s("an"), m_mock.baseUrl(), {s("m1")}, extra("anthropic", s("an")));
    config.addProvider(s("gg"), QUrl(root), {s("m1")}, extra("google", s("gg")));
    config.addProvider(s("ol"), QUrl(root), {s("m1")}, extra("ollama", s("ol")));
    QJsonArray entries;
    for (const QString &provider : kProviders)
        entries.append(rotationEntry(provider, s("m1")));
    config.addRotation(kRotationId, entries);
    QVERIFY(m_gateway.start(config));
}

void TestSdkConformance::init()
{
    m_mock.clearFaults();
    m_mock.clearRequests();
    m_mock.setStreamChunks(kStreamChunks);
    m_mock.setStreamIntervalMs(0);
    // A reset stream may have put its route into cooldown; each row starts healthy.
    for (const QString &provider : kProviders)
        m_gateway->cooldowns()->clear(provider + QStringLiteral("/m1"));
}

void TestSdkConformance::sdk_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QString>("model");  // empty: the scenario needs none
    QTest::addColumn<bool>("streamed");  // the upstream request must be a streamed one
    QTest::addColumn<int>("resetAfter"); // > 0: the upstream stream breaks after that many events

    const auto streamed = [](const QString &scenario) {
        return scenario.contains(QLatin1String("stream"));
    };
    for (const char *name : kPerModel) {
        const QString scenario = QLatin1String(name);
        for (const QString &provider : kProviders) {
            const QString model = provider + QStringLiteral("/m1");
            QTest::addRow("%s %s", name, qPrintable(model))
                << scenario << model << streamed(scenario) << 0;
        }
    }
    for (const char *name : kViaRotation)
        QTest::addRow("%s %s", name, qPrintable(kRotation))
            << QString::fromLatin1(name) << kRotation << false << 0;
    for (const char *name : kStreamReset) {
        for (const QString &provider : kProviders) {
            const QString model = provider + QStringLiteral("/m1");
            QTest::addRow("%s %s", name, qPrintable(model))
                << QString::fromLatin1(name) << model << true << resetAfterEvents(provider);
        }
    }
    for (const char *name : kGlobal)
        QTest::addRow("%s", name) << QString::fromLatin1(name) << QString() << false << 0;
}

void TestSdkConformance::sdk()
{
    QFETCH(QString, scenario);
    QFETCH(QString, model);
    QFETCH(bool, streamed);
    QFETCH(int, resetAfter);

    const QString provider = providerOf(model);
    if (resetAfter > 0) {
        FaultParams params;
        params.afterChunks = resetAfter;
        params.onlyPath = generationPath(provider);
        m_mock.queueFault(Fault::ResetMidStream, params);
    }

    QProcess node;
    node.setWorkingDirectory(QStringLiteral(AISBF_SDK_DIR));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // Nothing from the developer's shell may redirect or re-authenticate the SDKs.
    for (const QString &name : env.keys()) {
        if (name.startsWith(QLatin1String("OPENAI_")) ||
            name.startsWith(QLatin1String("ANTHROPIC_")) ||
            name.startsWith(QLatin1String("OLLAMA_")) || name == QLatin1String("NODE_OPTIONS") ||
            name == QLatin1String("NODE_USE_ENV_PROXY"))
            env.remove(name);
    }
    env.insert(s("GATEWAY_URL"), QStringLiteral("http://127.0.0.1:%1").arg(m_gateway.port()));
    env.insert(s("GATEWAY_TOKEN"), QString::fromLatin1(kGatewayToken));
    env.insert(s("MOCK_CHUNKS"), QString::number(kStreamChunks));
    env.insert(s("NO_PROXY"), s("127.0.0.1,localhost"));
    node.setProcessEnvironment(env);
    QStringList arguments{s("conformance.mjs"), scenario};
    if (!model.isEmpty())
        arguments.append(model);

    // The gateway runs on this thread: wait in the event loop, never in waitForFinished().
    QSignalSpy finished(&node, &QProcess::finished);
    node.start(m_node, arguments);
    QVERIFY2(node.waitForStarted(), qPrintable(node.errorString()));
    const bool done = finished.count() > 0 || finished.wait(kNodeTimeoutMs);
    if (!done) {
        node.kill();
        node.waitForFinished(5000);
    }
    const QString out = QString::fromUtf8(node.readAllStandardOutput()).trimmed();
    const QString err = QString::fromUtf8(node.readAllStandardError()).trimmed();
    const QString report = QStringLiteral("node %1\n--- stderr:\n%2\n--- stdout:\n%3")
                               .arg(arguments.join(u' '), err, out);
    QVERIFY2(done, qPrintable(QStringLiteral("timed out after %1 s; ").arg(kNodeTimeoutMs / 1000) +
                              report));
    QVERIFY2(node.exitStatus() == QProcess::NormalExit && node.exitCode() == 0, qPrintable(report));

    // The one JSON line of results names the scenario that ran.
    const QJsonObject result = QJsonDocument::fromJson(out.section(u'\n', -1).toUtf8()).object();
    QVERIFY2(result.value(QLatin1String("scenario")).toString() == scenario, qPrintable(report));

    QList<RecordedRequest> generations;
    for (const RecordedRequest &request : m_mock.requests()) {
        if (request.method == "POST")
            generations.append(request);
    }
    if (model.isEmpty()) {
        // Rejected or answered by the gateway itself.
        QVERIFY2(generations.isEmpty(), qPrintable(describe(generations.value(0))));
        return;
    }
    QVERIFY(!generations.isEmpty());
    for (const RecordedRequest &request : generations) {
        const QString to = providerOf(request);
        if (model != kRotation)
            QVERIFY2(to == provider, qPrintable(describe(request)));
        checkUpstreamRequest(request, to, streamed);
        if (QTest::currentTestFailed())
            return;
    }
    if (resetAfter > 0)
        QCOMPARE(generations.size(), 1); // no retry once the client has been answered
    QTRY_COMPARE(m_gateway->activeSessions(), 0);
}

void TestSdkConformance::checkUpstreamRequest(const RecordedRequest &request,
                                              const QString &provider, bool streamed)
{
    const QString what = describe(request);
    const QByteArray key = apiKeyOf(provider);
    // The client's gateway token is the gateway's secret: it never goes upstream.
    for (const QByteArray &value : request.headers)
        QVERIFY2(!value.contains(kGatewayToken), qPrintable(what));
    QVERIFY2(!request.body.contains(kGatewayToken), qPrintable(what));

    const QJsonObject body = request.json();
    QVERIFY2(!body.isEmpty(), qPrintable(what));
    if (provider == QLatin1String("gg")) {
        QVERIFY2(request.header("x-goog-api-key") == key, qPrintable(what));
        QVERIFY2(request.header("authorization").isEmpty(), qPrintable(what));
        const QByteArray method = streamed ? "/v1beta/models/m1:streamGenerateContent"
                                           : "/v1beta/models/m1:generateContent";
        QVERIFY2(request.path.startsWith(method), qPrintable(what));
        if (streamed)
            QVERIFY2(request.path.contains("alt=sse"), qPrintable(what));
        return;
    }
    QVERIFY2(body.value(QLatin1String("model")).toString() == QLatin1String("m1"),
             qPrintable(what));
    if (streamed)
        QVERIFY2(body.value(QLatin1String("stream")).toBool(), qPrintable(what));
    if (provider == QLatin1String("an")) {
        QVERIFY2(request.header("x-api-key") == key, qPrintable(what));
        QVERIFY2(!request.header("anthropic-version").isEmpty(), qPrintable(what));
        QVERIFY2(request.header("authorization").isEmpty(), qPrintable(what));
        QVERIFY2(request.path == "/v1/messages", qPrintable(what));
        QVERIFY2(body.value(QLatin1String("max_tokens")).toInteger() > 0, qPrintable(what));
        return;
    }
    QVERIFY2(request.header("authorization") == "Bearer " + key, qPrintable(what));
    if (provider == QLatin1String("ol"))
        QVERIFY2(request.path == "/api/chat", qPrintable(what));
    else
        QVERIFY2(request.path == "/v1/chat/completions", qPrintable(what));
}

AISBF_GATEWAY_TEST_MAIN(TestSdkConformance)
#include "tst_sdk_conformance.moc"
