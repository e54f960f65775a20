// SPDX-License-Identifier: GPL-3.0-or-later
// The config documents over the admin API (/api/admin/config/{server|providers|rotations|
// autoselect}) against a gateway that loaded them from a real directory: secrets masked on the
// way out and kept on the way in, files written with a .bak, problems answered 422 with their
// JSON paths, dry runs, If-Match, hot reload without restart (requests in flight finish on the
// old config), restart_required, the audit row and who may call.
#include "GatewayTestMain.h"
#include "TestClient.h"
#include "TestGateway.h"

#include <MockUpstream.h>
#include <StoreTestEnv.h>

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace aisbf::test;

namespace {

const QByteArray kChat = "/api/v1/chat/completions";
const QByteArray kGlobal = "global-secret-token-1";
const QString kSecondToken = QStringLiteral("second-global-token-5678");
// SHA-256 of "admin", as the operator guide's dashboard entry stores it.
const QString kAdminSha =
    QStringLiteral("8c6976e5b5410415bde908bd4dee15dfb167a9c873fc4bb8a81f6f2ab448a918");
const QString kProviderKey = QStringLiteral("sk-provider-literal-abcd");
const QString kMysqlPassword = QStringLiteral("mysql-secret-pw-9012");
const QString kProviderVar = QStringLiteral("$AISBF_TEST_PROVIDER_KEY");
const QByteArray kProviderVarValue = "sk-from-the-environment-9999";
const QString kRedisVar = QStringLiteral("$AISBF_TEST_REDIS_PASSWORD");
const QString kShortKey = QStringLiteral("short");
const QChar kEllipsis(0x2026);

QString masked(const char *last4)
{
    return kEllipsis + QString::fromLatin1(last4);
}

QByteArray json(const QJsonValue &value)
{
    return value.isArray() ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                           : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
}

HeaderList bearer(const QByteArray &token)
{
    return {{"Authorization", "Bearer " + token}};
}

QString unescape(QString token)
{
    return token.replace(QLatin1String("~1"), QLatin1String("/"))
        .replace(QLatin1String("~0"), QLatin1String("~"));
}

/** The value at JSON pointer @p pointer ("/a/0/b"), Undefined when there is none. */
QJsonValue valueAt(QJsonValue value, const QString &pointer)
{
    const QStringList tokens = pointer.split(u'/', Qt::SkipEmptyParts);
    for (const QString &token : tokens) {
        if (value.isArray())
            value = value.toArray().at(token.toInt());
        else
            value = value.toObject().value(unescape(token));
    }
    return value;
}

/** @p root with the value at @p pointer set (Undefined: removed); objects made as needed. */
QJsonValue withValueAt(const QJsonValue &root, QStringList tokens, const QJsonValue &value)
{
    if (tokens.isEmpty())
        return value;
    const QString head = unescape(tokens.takeFirst());
    if (root.isArray()) {
        QJsonArray array = root.toArray();
        const qsizetype i = head.toInt();
        const QJsonValue child = withValueAt(array.at(i), tokens, value);
        if (i >= array.size())
            array.append(child);
        else if (child.isUndefined())
            array.removeAt(i);
        else
            array.replace(i, child);
        return array;
    }
    QJsonObject object = root.toObject();
    const QJsonValue child = withValueAt(object.value(head), tokens, value);
    if (child.isUndefined())
        object.remove(head);
    else
        object.insert(head, child);
    return object;
}

QJsonObject withValueAt(const QJsonObject &root, const QString &pointer, const QJsonValue &value)
{
    return withValueAt(QJsonValue(root), pointer.split(u'/', Qt::SkipEmptyParts), value).toObject();
}

QByteArray readBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QJsonObject readJson(const QString &path)
{
    return QJsonDocument::fromJson(readBytes(path)).object();
}

QString fileOf(const QString &document)
{
    if (document == QLatin1String("server"))
        return QStringLiteral("aisbf.json");
    return document + QStringLiteral(".json");
}

QByteArray configPath(const QString &document, const QByteArray &query = {})
{
    return "/api/admin/config/" + document.toUtf8() + query;
}

/** The model ids of a GET /api/v1/models answer. */
QStringList modelIds(const HttpReply &reply)
{
    QStringList ids;
    for (const QJsonValue &model : reply.json().value(QLatin1String("data")).toArray())
        ids.append(model.toObject().value(QLatin1String("id")).toString());
    return ids;
}

/** The diagnostics of a 422 answer as "file path severity" lines (for QVERIFY2 messages). */
QStringList diagnosticLines(const HttpReply &reply)
{
    QStringList lines;
    for (const QJsonValue &d : reply.json().value(QLatin1String("diagnostics")).toArray()) {
        const QJsonObject o = d.toObject();
        lines.append(o.value(QLatin1String("file")).toString() + u' ' +
                     o.value(QLatin1String("path")).toString() + u' ' +
                     o.value(QLatin1String("severity")).toString() + u' ' +
                     o.value(QLatin1String("message")).toString());
    }
    return lines;
}

bool hasDiagnostic(const HttpReply &reply, const QString &file, const QString &path,
                   const QString &severity = QStringLiteral("error"))
{
    for (const QJsonValue &d : reply.json().value(QLatin1String("diagnostics")).toArray()) {
        const QJsonObject o = d.toObject();
        if (o.value(QLatin1String("file")).toString() == file &&
            o.value(QLatin1String("path")).toString() == path &&
            o.value(QLatin1String("severity")).toString() == severity &&
            !o.value(QLatin1String("message")).toString().isEmpty())
            return true;
    }
    return false;
}

QByteArray describe(const HttpReply &reply)
{
    return QByteArray::number(reply.status) + ' ' + reply.body;
}

/** Where a secret of the test config is, and how GET shows it. */
struct ShownSecret
{
    const char *document;
    const char *pointer;
    QString shown;
};

QList<ShownSecret> shownSecrets()
{
    return {
        {"server", "/auth/tokens/0", masked("en-1")},
        {"server", "/auth/tokens/1", masked("5678")},
        {"server", "/dashboard/password", masked("a918")},
        {"server", "/database/mysql_password", masked("9012")},
        {"server", "/cache/redis_password", kRedisVar},
        {"providers", "/providers/p/api_key", masked("abcd")},
        {"providers", "/providers/e/api_key", kProviderVar},
        {"providers", "/providers/s/api_key", QString(kEllipsis)},
    };
}

} // namespace

class TestAdminConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void getEachDocument_data();
    void getEachDocument();
    void unknownDocumentIs404();
    void secretsAreMasked_data();
    void secretsAreMasked();
    void roundTripKeepsSecretsOnDisk_data() { StoreTestEnv::addBackendRows(); }
    void roundTripKeepsSecretsOnDisk();
    void changedProviderKeyIsWrittenAndUsed();
    void changedTokenListIsWrittenAndUsed();
    void unmatchedMaskIs422_data();
    void unmatchedMaskIs422();
    void invalidDocuments_data();
    void invalidDocuments();
    void dryRunValidatesWithoutWriting();
    void ifMatch_data();
    void ifMatch();
    void staleIfMatchAfterAChangeIs412();
    void hotReloadServesANewProviderAndRotation();
    void requestInFlightFinishesOnTheOldConfig();
    void restartRequired_data();
    void restartRequired();
    void dashboardLoginFollowsTheNewPassword();
    void auditRowForEachSave_data() { StoreTestEnv::addBackendRows(); }
    void auditRowForEachSave();
    void whoMayCall_data() { StoreTestEnv::addBackendRows(); }
    void whoMayCall();

private:
    /** The four documents: auth on with two tokens, providers p/e/s (secrets literal, "$VAR",
     *  short), rotation r over p/m, autoselect "auto". */
    TestConfig baseConfig() const;
    /** Starts @p gateway on baseConfig() written to m_dir, with its control plane on
     *  @p database (SQLite in m_dir when unset). */
    bool start(TestGateway &gateway,
               std::optional<aisbf::store::DatabaseConfig> database = std::nullopt);
    QJsonObject fileDocument(const QString &document) const
    {
        return readJson(m_dir->filePath(fileOf(document)));
    }
    QString path(const QString &file) const { return m_dir->filePath(file); }

    MockUpstream m_mock;
    MockUpstream m_other;
    StoreTestEnv m_env;
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestAdminConfig::initTestCase()
{
    // The gateway resolves "$VAR" keys from its environment, when it starts and on every PUT.
    qputenv("AISBF_TEST_PROVIDER_KEY", kProviderVarValue);
    QVERIFY(m_mock.listen());
    QVERIFY(m_other.listen());
    m_other.setCompletionText(QStringLiteral("from other"));
}

void TestAdminConfig::init()
{
    m_mock.clearFaults();
    m_other.clearFaults();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestAdminConfig::cleanup()
{
    m_env.dropAll();
}

TestConfig TestAdminConfig::baseConfig() const
{
    TestConfig config;
    config.env = QProcessEnvironment::systemEnvironment();
    config.server = QJsonObject{
        {s("auth"),
         QJsonObject{{s("enabled"), true},
                     {s("tokens"), QJsonArray{QString::fromLatin1(kGlobal), kSecondToken}}}},
        {s("dashboard"), QJsonObject{{s("username"), s("admin")}, {s("password"), kAdminSha}}},
        {s("database"),
         QJsonObject{{s("type"), s("sqlite")}, {s("mysql_password"), kMysqlPassword}}},
        {s("cache"), QJsonObject{{s("type"), s("memory")}, {s("redis_password"), kRedisVar}}},
    };
    config.addProvider(s("p"), m_mock.baseUrl(), {s("m")}, {{s("api_key"), kProviderKey}});
    config.addProvider(s("e"), m_mock.baseUrl(), {s("m")}, {{s("api_key"), kProviderVar}});
    config.addProvider(s("s"), m_mock.baseUrl(), {s("m")}, {{s("api_key"), kShortKey}});
    config.addRotation(s("r"), {rotationEntry(s("p"), s("m"))});
    config.autoselect = QJsonObject{
        {s("auto"), QJsonObject{{s("model_name"), s("auto")},
                                {s("description"), s("picks a route")},
                                {s("selection_model"), s("rotation/r")},
                                {s("fallback"), s("rotation/r")},
                                {s("available_models"),
                                 QJsonArray{QJsonObject{{s("model_id"), s("rotation/r")},
                                                        {s("description"), s("general")}}}}}}};
    return config;
}

bool TestAdminConfig::start(TestGateway &gateway,
                            std::optional<aisbf::store::DatabaseConfig> database)
{
    TestConfig config = baseConfig();
    config.directory = m_dir->path();
    if (!database) {
        database.emplace();
        database->sqlitePath = m_dir->filePath(s("control.db"));
    }
    config.database = database;
    return gateway.start(config);
}

void TestAdminConfig::getEachDocument_data()
{
    QTest::addColumn<QString>("document");
    for (const char *document : {"server", "providers", "rotations", "autoselect"})
        QTest::addRow("%s", document) << s(document);
}

void TestAdminConfig::getEachDocument()
{
    QFETCH(QString, document);
    TestGateway gateway;
    QVERIFY(start(gateway));
    const HttpReply reply =
        httpRequest(gateway.port(), "GET", configPath(document), {}, bearer(kGlobal));
    QVERIFY2(reply.status == 200, describe(reply).constData());
    QVERIFY(reply.header("content-type").startsWith("application/json"));
    QCOMPARE(reply.header("etag"), QByteArray("\"1\""));
    // The bare document, as the file holds it, but for the secrets (shown masked).
    QJsonObject expected = fileDocument(document);
    QVERIFY(!expected.isEmpty());
    for (const ShownSecret &secret : shownSecrets()) {
        if (document == QLatin1String(secret.document))
            expected = withValueAt(expected, s(secret.pointer), secret.shown);
    }
    QVERIFY2(reply.json() == expected, reply.body.constData());
}

void TestAdminConfig::unknownDocumentIs404()
{
    TestGateway gateway;
    QVERIFY(start(gateway));
    TestClient client(gateway.port());
    for (const QByteArray &method : {QByteArray("GET"), QByteArray("PUT")}) {
        const HttpReply reply =
            client.request(method, "/api/admin/config/secrets", "{}", bearer(kGlobal));
        QVERIFY2(reply.status == 404, describe(reply).constData());
        const QString message = reply.error().value(QLatin1String("message")).toString();
        for (const char *name : {"server", "providers", "rotations", "autoselect"})
            QVERIFY2(message.contains(s(name)), qPrintable(message));
    }
    QVERIFY(!QFile::exists(path(s("secrets.json"))));
}

void TestAdminConfig::secretsAreMasked_data()
{
    QTest::addColumn<QString>("document");
    QTest::addColumn<QString>("pointer");
    QTest::addColumn<QString>("shown");
    for (const ShownSecret &secret : shownSecrets())
        QTest::addRow("%s %s", secret.document, secret.pointer)
            << s(secret.document) << s(secret.pointer) << secret.shown;
}

void TestAdminConfig::secretsAreMasked()
{
    QFETCH(QString, document);
    QFETCH(QString, pointer);
    QFETCH(QString, shown);
    TestGateway gateway;
    QVERIFY(start(gateway));
    const HttpReply reply =
        httpRequest(gateway.port(), "GET", configPath(document), {}, bearer(kGlobal));
    QCOMPARE(reply.status, 200);
    QCOMPARE(valueAt(reply.json(), pointer), QJsonValue(shown));
    const QString secret = valueAt(fileDocument(document), pointer).toString();
    QVERIFY(!secret.isEmpty());
    if (!secret.startsWith(u'$'))
        QVERIFY2(!reply.body.contains(secret.toUtf8()), reply.body.constData());
}

void TestAdminConfig::roundTripKeepsSecretsOnDisk()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    TestGateway gateway;
    QVERIFY(start(gateway, database));
    TestClient client(gateway.port());
    int version = 1;
    for (const char *name : {"server", "providers", "rotations", "autoselect"}) {
        const QString document = s(name);
        const QJsonObject before = fileDocument(document);
        const HttpReply got = client.get(configPath(document), bearer(kGlobal));
        QCOMPARE(got.status, 200);
        const HttpReply put =
            client.request("PUT", configPath(document), got.body,
                           bearer(kGlobal) + HeaderList{{"If-Match", got.header("etag")},
                                                        {"Content-Type", "application/json"}});
        QVERIFY2(put.status == 200, describe(put).constData());
        ++version;
        const QJsonObject answer = put.json();
        QCOMPARE(answer.value(QLatin1String("applied")), QJsonValue(true));
        QCOMPARE(answer.value(QLatin1String("document")).toString(), document);
        QCOMPARE(answer.value(QLatin1String("version")).toInt(), version);
        QCOMPARE(answer.value(QLatin1String("restart_required")), QJsonValue(QJsonArray()));
        QCOMPARE(put.header("etag"), QByteArray('"' + QByteArray::number(version) + '"'));
        QCOMPARE(gateway->configVersion(), version);
        // On disk: the secrets in clear, exactly as before; the previous file kept as .bak.
        QVERIFY2(fileDocument(document) == before, readBytes(path(fileOf(document))).constData());
        QVERIFY(QJsonDocument::fromJson(readBytes(path(fileOf(document) + s(".bak")))).object() ==
                before);
        // ...and what is served from it is the same document again.
        const HttpReply again = client.get(configPath(document), bearer(kGlobal));
        QCOMPARE(again.json(), got.json());
    }
    // Both global tokens came back from their masks: both still work.
    QCOMPARE(client.post(kChat, chatBody(s("p/m")), bearer(kGlobal)).status, 200);
    QCOMPARE(client.post(kChat, chatBody(s("p/m")), bearer(kSecondToken.toUtf8())).status, 200);
    QCOMPARE(m_mock.lastRequest().header("authorization"),
             QByteArray("Bearer " + kProviderKey.toUtf8()));
    // ...and a "$VAR" key still resolves from the environment.
    QCOMPARE(client.post(kChat, chatBody(s("e/m")), bearer(kGlobal)).status, 200);
    QCOMPARE(m_mock.lastRequest().header("authorization"),
             QByteArray("Bearer " + kProviderVarValue));
}

void TestAdminConfig::changedProviderKeyIsWrittenAndUsed()
{
    TestGateway gateway;
    QVERIFY(start(gateway));
    TestClient client(gateway.port());
    QCOMPARE(client.post(kChat, chatBody(s("p/m")), bearer(kGlobal)).status, 200);
    QCOMPARE(m_mock.lastRequest().header("authorization"),
             QByteArray("Bearer " + kProviderKey.toUtf8()));

    const QString newKey = s("sk-rotated-provider-key-wxyz");
    const QJsonObject shown = client.get(configPath(s("providers")), bearer(kGlobal)).json();
    const HttpReply put = client.request(
        "PUT", configPath(s("providers")),
        json(withValueAt(shown, s("/providers/p/api_key"), newKey)), bearer(kGlobal));
    QVERIFY2(put.status == 200, describe(put).constData());

    const QJsonObject onDisk = fileDocument(s("providers"));
    QCOMPARE(valueAt(onDisk, s("/providers/p/api_key")), QJsonValue(newKey));
    // The untouched secrets are still the real ones, not their masks.
    QCOMPARE(valueAt(onDisk, s("/providers/e/api_key")), QJsonValue(kProviderVar));
    QCOMPARE(valueAt(onDisk, s("/providers/s/api_key")), QJsonValue(kShortKey));
    QCOMPARE(valueAt(readJson(path(s("providers.json.bak"))), s("/providers/p/api_key")),
             QJsonValue(kProviderKey));
    QCOMPARE(valueAt(client.get(configPath(s("providers")), bearer(kGlobal)).json(),
                     s("/providers/p/api_key")),
             QJsonValue(masked("wxyz")));
    // Applied: the next request carries the new key upstream.
    QCOMPARE(client.post(kChat, chatBody(s("p/m")), bearer(kGlobal)).status, 200);
    QCOMPARE(m_mock.lastRequest().header("authorization"), QByteArray("Bearer " + newKey.toUtf8()));
}

void TestAdminConfig::changedTokenListIsWrittenAndUsed()
{
    TestGateway gateway;
    QVERIFY(start(gateway));
    TestClient client(gateway.port());
    const QString newToken = s("brand-new-global-token-7777");
    const QJsonObject shown = client.get(configPath(s("server")), bearer(kGlobal)).json();
    // The first token removed, the second moved, a new one added.
    const QJsonObject edited =
        withValueAt(shown, s("/auth/tokens"), QJsonArray{newToken, masked("5678")});
    const HttpReply put =
        client.request("PUT", configPath(s("server")), json(edited), bearer(kGlobal));
    QVERIFY2(put.status == 200, describe(put).constData());
    QCOMPARE(put.json().value(QLatin1String("restart_required")), QJsonValue(QJsonArray()));
    QCOMPARE(valueAt(fileDocument(s("server")), s("/auth/tokens")),
             QJsonValue(QJsonArray{newToken, kSecondToken}));
    // The other secrets of aisbf.json are kept.
    QCOMPARE(valueAt(fileDocument(s("server")), s("/dashboard/password")), QJsonValue(kAdminSha));
    QCOMPARE(valueAt(fileDocument(s("server")), s("/database/mysql_password")),
             QJsonValue(kMysqlPassword));

    QCOMPARE(client.get(configPath(s("server")), bearer(kGlobal)).status, 401);
    QCOMPARE(client.get(configPath(s("server")), bearer(newToken.toUtf8())).status, 200);
    QCOMPARE(client.get(configPath(s("server")), bearer(kSecondToken.toUtf8())).status, 200);
}

void TestAdminConfig::unmatchedMaskIs422_data()
{
    QTest::addColumn<QString>("document");
    QTest::addColumn<QString>("pointer");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("expectedPath");
    QTest::addRow("provider key, another key's mask")
        << s("providers") << s("/providers/p/api_key") << QJsonValue(masked("zzzz"))
        << s("/providers/p/api_key");
    QTest::addRow("$VAR key replaced by a mask")
        << s("providers") << s("/providers/e/api_key") << QJsonValue(masked("abcd"))
        << s("/providers/e/api_key");
    const QJsonObject copied{{s("type"), s("openai")},
                             {s("endpoint"), m_mock.baseUrl().toString()},
                             {s("api_key"), masked("abcd")},
                             {s("models"), QJsonArray{QJsonObject{{s("name"), s("m")}}}}};
    QTest::addRow("mask copied to a new provider")
        << s("providers") << s("/providers/p2") << QJsonValue(copied) << s("/providers/p2/api_key");
    QTest::addRow("auth token, unknown mask")
        << s("server") << s("/auth/tokens/1") << QJsonValue(masked("nope")) << s("/auth/tokens/1");
    QTest::addRow("mysql password, unknown mask")
        << s("server") << s("/database/mysql_password") << QJsonValue(masked("0000"))
        << s("/database/mysql_password");
}

void TestAdminConfig::unmatchedMaskIs422()
{
    QFETCH(QString, document);
    QFETCH(QString, pointer);
    QFETCH(QJsonValue, value);
    QFETCH(QString, expectedPath);
    TestGateway gateway;
    QVERIFY(start(gateway));
    TestClient client(gateway.port());
    const QByteArray fileBefore = readBytes(path(fileOf(document)));
    const QJsonObject shown = client.get(configPath(document), bearer(kGlobal)).json();
    const HttpReply put = client.request("PUT", configPath(document),
                                         json(withValueAt(shown, pointer, value)), bearer(kGlobal));
    QVERIFY2(put.status == 422, describe(put).constData());
    QCOMPARE(put.error().value(QLatin1String("code")).toString(), s("config_invalid"));
    QVERIFY2(hasDiagnostic(put, fileOf(document), expectedPath),
             qPrintable(diagnosticLines(put).join(u'\n')));
    QCOMPARE(readBytes(path(fileOf(document))), fileBefore);
    QVERIFY(!QFile::exists(path(fileOf(document) + s(".bak"))));
    QCOMPARE(gateway->configVersion(), 1);
}

void TestAdminConfig::invalidDocuments_data()
{
    QTest::addColumn<QString>("document");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("file"); // of the expected diagnostic (422 only)
    QTest::addColumn<QString>("path");

    const TestConfig config = baseConfig();
    const QJsonObject providers = config.providersDocument();
    const QJsonObject rotations = config.rotationsDocument();
    const auto row = [](const char *name, const char *document, const QJsonObject &body,
                        const char *file, const char *path) {
        QTest::addRow("%s", name) << s(document) << json(body) << 422 << s(file) << s(path);
    };
    row("bad URL", "providers", withValueAt(providers, s("/providers/p/endpoint"), s("not a url")),
        "providers.json", "/providers/p/endpoint");
    row("ftp URL", "providers",
        withValueAt(providers, s("/providers/p/endpoint"), s("ftp://example.org/v1")),
        "providers.json", "/providers/p/endpoint");
    row("weight 0 in a rotation", "rotations",
        withValueAt(rotations, s("/rotations/r/providers/0/weight"), 0), "rotations.json",
        "/rotations/r/providers/0/weight");
    row("negative weight in a rotation", "rotations",
        withValueAt(rotations, s("/rotations/r/providers/0/weight"), -2), "rotations.json",
        "/rotations/r/providers/0/weight");
    row("unknown provider_id in a rotation", "rotations",
        withValueAt(rotations, s("/rotations/r/providers/0/provider_id"), s("nope")),
        "rotations.json", "/rotations/r/providers/0/provider_id");
    // A provider a rotation still uses cannot go: the problem is reported where it shows.
    row("provider used by a rotation removed", "providers",
        withValueAt(providers, s("/providers/p"), QJsonValue::Undefined), "rotations.json",
        "/rotations/r/providers/0/provider_id");
    row("unknown database type", "server",
        withValueAt(config.server, s("/database/type"), s("oracle")), "aisbf.json",
        "/database/type");
    row("providers not an object", "providers", QJsonObject{{s("providers"), QJsonArray{1}}},
        "providers.json", "/providers");

    QTest::addRow("body is an array")
        << s("providers") << QByteArray("[1, 2]") << 400 << QString() << QString();
    QTest::addRow("body is a number")
        << s("rotations") << QByteArray("42") << 400 << QString() << QString();
    QTest::addRow("malformed JSON")
        << s("providers") << QByteArray(R"({"providers": {)") << 400 << QString() << QString();
    QTest::addRow("empty body") << s("autoselect") << QByteArray() << 400 << QString() << QString();
}

void TestAdminConfig::invalidDocuments()
{
    QFETCH(QString, document);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, file);
    QFETCH(QString, path);
    TestGateway gateway;
    QVERIFY(start(gateway));
    TestClient client(gateway.port());
    const QByteArray fileBefore = readBytes(this->path(fileOf(document)));

    for (const QByteArray &query : {QByteArray("?dry_run=true"), QByteArray()}) {
        const HttpReply put =
            client.request("PUT", configPath(document, query), body, bearer(kGlobal));
        QVERIFY2(put.status == status, describe(put).constData());
        const QJsonObject error = put.error();
        QVERIFY2(!error.value(QLatin1String("message")).toString().isEmpty(), put.body.constData());
        if (status == 422) {
            QCOMPARE(error.value(QLatin1String("code")).toString(), s("config_invalid"));
            QCOMPARE(error.value(QLatin1String("type")).toString(), s("invalid_request_error"));
            QVERIFY2(hasDiagnostic(put, file, path), qPrintable(diagnosticLines(put).join(u'\n')));
        }
    }
    QCOMPARE(readBytes(this->path(fileOf(document))), fileBefore);
    QCOMPARE(gateway->configVersion(), 1);
    // The gateway still serves the config it had.
    QCOMPARE(client.post(kChat, chatBody(s("rotation/r")), bearer(kGlobal)).status, 200);
}

void TestAdminConfig::dryRunValidatesWithoutWriting()
{
    TestGateway gateway;
    QVERIFY(start(gateway));
    TestClient client(gateway.port());
    const QByteArray fileBefore = readBytes(path(s("providers.json")));
    const QJsonObject shown = client.get(configPath(s("providers")), bearer(kGlobal)).json();
    const QJsonObject q{{s("type"), s("openai")},
                        {s("endpoint"), m_other.baseUrl().toString()},
                        {s("models"), QJsonArray{QJsonObject{{s("name"), s("qm")}}}}};
    const QByteArray body = json(withValueAt(shown, s("/providers/q"), q));

    HttpReply reply =
        client.request("PUT", configPath(s("providers"), "?dry_run=true"), body, bearer(kGlobal));
    QVERIFY2(reply.status == 200, describe(reply).constData());
    QCOMPARE(reply.json().value(QLatin1String("valid")), QJsonValue(true));
    QVERIFY(!reply.json().contains(QLatin1String("applied")));
    QCOMPARE(readBytes(path(s("providers.json"))), fileBefore);
    QVERIFY(!QFile::exists(path(s("providers.json.bak"))));
    QCOMPARE(gateway->configVersion(), 1);
    reply = client.get(configPath(s("providers")), bearer(kGlobal));
    QCOMPARE(reply.header("etag"), QByteArray("\"1\""));
    QVERIFY(
        !reply.json().value(QLatin1String("providers")).toObject().contains(QLatin1String("q")));
    QCOMPARE(client.post(kChat, chatBody(s("q/qm")), bearer(kGlobal)).status, 404);

    // A warning does not make a document invalid; the dry run lists it.
    const QJsonObject autoselect =
        withValueAt(client.get(configPath(s("autoselect")), bearer(kGlobal)).json(),
                    s("/auto/available_models/0/model_id"), s("rotation/nope"));
    reply = client.request("PUT", configPath(s("autoselect"), "?dry_run=true"), json(autoselect),
                           bearer(kGlobal));
    QVERIFY2(reply.status == 200, describe(reply).constData());
    QVERIFY2(hasDiagnostic(reply, s("autoselect.json"), s("/auto/available_models/0/model_id"),
                           s("warning")),
             reply.body.constData());
    QCOMPARE(gateway->configVersion(), 1);

    // The same body without dry_run is applied.
    reply =
        client.request("PUT", configPath(s("providers"), "?dry_run=false"), body, bearer(kGlobal));
    QVERIFY2(reply.status == 200, describe(reply).constData());
    QCOMPARE(reply.json().value(QLatin1String("applied")), QJsonValue(true));
    QCOMPARE(gateway->configVersion(), 2);
    QCOMPARE(client.post(kChat, chatBody(s("q/qm")), bearer(kGlobal)).status, 200);
}

void TestAdminConfig::ifMatch_data()
{
    QTest::addColumn<QByteArray>("ifMatch"); // empty: no header
    QTest::addColumn<int>("status");
    QTest::addRow("no If-Match") << QByteArray() << 200;
    QTest::addRow("current version") << QByteArray("\"1\"") << 200;
    QTest::addRow("any version") << QByteArray("*") << 200;
    QTest::addRow("future version") << QByteArray("\"2\"") << 412;
    QTest::addRow("old version") << QByteArray("\"0\"") << 412;
    // If-Match compares strongly: a weak tag never matches (RFC 9110 13.1.1).
    QTest::addRow("weak tag") << QByteArray("W/\"1\"") << 412;
}

void TestAdminConfig::ifMatch()
{
    QFETCH(QByteArray, ifMatch);
    QFETCH(int, status);
    TestGateway gateway;
    QVERIFY(start(gateway));
    TestClient client(gateway.port());
    const HttpReply got = client.get(configPath(s("rotations")), bearer(kGlobal));
    HeaderList headers = bearer(kGlobal);
    if (!ifMatch.isEmpty())
        headers.append({"If-Match", ifMatch});
    const HttpReply put = client.request("PUT", configPath(s("rotations")), got.body, headers);
    QVERIFY2(put.status == status, describe(put).constData());
    QCOMPARE(gateway->configVersion(), status == 200 ? 2 : 1);
    if (status == 412) {
        QCOMPARE(put.error().value(QLatin1String("code")).toString(), s("config_changed"));
        QCOMPARE(put.header("etag"), QByteArray("\"1\""));
        QVERIFY(!QFile::exists(path(s("rotations.json.bak"))));
    }
}

void TestAdminConfig::staleIfMatchAfterAChangeIs412()
{
    TestGateway gateway;
    QVERIFY(start(gateway));
    TestClient client(gateway.port());
    const HttpReply got = client.get(configPath(s("rotations")), bearer(kGlobal));
    const QByteArray etag = got.header("etag");
    QCOMPARE(etag, QByteArray("\"1\""));
    const QJsonObject first = withValueAt(got.json(), s("/rotations/r/providers/0/weight"), 2);
    HttpReply put = client.request("PUT", configPath(s("rotations")), json(first),
                                   bearer(kGlobal) + HeaderList{{"If-Match", etag}});
    QVERIFY2(put.status == 200, describe(put).constData());
    QCOMPARE(put.header("etag"), QByteArray("\"2\""));

    // A second editor who read version 1 does not overwrite the first one's change.
    const QJsonObject second = withValueAt(got.json(), s("/rotations/r/providers/0/weight"), 5);
    put = client.request("PUT", configPath(s("rotations")), json(second),
                         bearer(kGlobal) + HeaderList{{"If-Match", etag}});
    QVERIFY2(put.status == 412, describe(put).constData());
    QCOMPARE(put.header("etag"), QByteArray("\"2\""));
    QCOMPARE(valueAt(fileDocument(s("rotations")), s("/rotations/r/providers/0/weight")),
             QJsonValue(2));
    // ...until they read it again.
    put = client.request("PUT", configPath(s("rotations")), json(second),
                         bearer(kGlobal) + HeaderList{{"If-Match", "\"2\""}});
    QVERIFY2(put.status == 200, describe(put).constData());
    QCOMPARE(valueAt(fileDocument(s("rotations")), s("/rotations/r/providers/0/weight")),
             QJsonValue(5));
}

void TestAdminConfig::hotReloadServesANewProviderAndRotation()
{
    TestGateway gateway;
    QVERIFY(start(gateway));
    TestClient client(gateway.port());
    QCOMPARE(client.post(kChat, chatBody(s("q/qm")), bearer(kGlobal)).status, 404);
    QCOMPARE(client.post(kChat, chatBody(s("rotation/r2")), bearer(kGlobal)).status, 404);

    const QJsonObject rotation{{s("model_name"), s("r2")},
                               {s("providers"), QJsonArray{rotationEntry(s("q"), s("qm"))}}};
    const QJsonObject rotations =
        withValueAt(client.get(configPath(s("rotations")), bearer(kGlobal)).json(),
                    s("/rotations/r2"), rotation);
    // The rotation cannot come before its provider.
    HttpReply put =
        client.request("PUT", configPath(s("rotations")), json(rotations), bearer(kGlobal));
    QVERIFY2(put.status == 422, describe(put).constData());
    QVERIFY2(hasDiagnostic(put, s("rotations.json"), s("/rotations/r2/providers/0/provider_id")),
             qPrintable(diagnosticLines(put).join(u'\n')));

    const QJsonObject q{{s("type"), s("openai")},
                        {s("endpoint"), m_other.baseUrl().toString()},
                        {s("models"), QJsonArray{QJsonObject{{s("name"), s("qm")}}}}};
    put = client.request(
        "PUT", configPath(s("providers")),
        json(withValueAt(client.get(configPath(s("providers")), bearer(kGlobal)).json(),
                         s("/providers/q"), q)),
        bearer(kGlobal));
    QVERIFY2(put.status == 200, describe(put).constData());
    put = client.request("PUT", configPath(s("rotations")), json(rotations), bearer(kGlobal));
    QVERIFY2(put.status == 200, describe(put).constData());
    QCOMPARE(gateway->configVersion(), 3);

    const int otherBefore = m_other.requestCount();
    HttpReply reply = client.post(kChat, chatBody(s("q/qm")), bearer(kGlobal));
    QVERIFY2(reply.status == 200, describe(reply).constData());
    QCOMPARE(reply.header("x-aisbf-provider"), QByteArray("q"));
    QVERIFY(reply.body.contains("from other"));
    reply = client.post(kChat, chatBody(s("rotation/r2")), bearer(kGlobal));
    QVERIFY2(reply.status == 200, describe(reply).constData());
    QCOMPARE(reply.header("x-aisbf-provider"), QByteArray("q"));
    QCOMPARE(m_other.requestCount(), otherBefore + 2);
    QCOMPARE(m_other.lastRequest().json().value(QLatin1String("model")).toString(), s("qm"));

    const QStringList ids = modelIds(client.get("/api/v1/models", bearer(kGlobal)));
    for (const char *id : {"q/qm", "rotation/r2", "p/m", "rotation/r"})
        QVERIFY2(ids.contains(s(id)), qPrintable(ids.join(u',')));
    const QJsonObject health = client.get("/health").json();
    QCOMPARE(health.value(QLatin1String("providers")).toInt(), 4);
    QCOMPARE(health.value(QLatin1String("rotations")).toInt(), 2);
    // The old routes still work, with their secrets.
    QCOMPARE(client.post(kChat, chatBody(s("rotation/r")), bearer(kGlobal)).status, 200);
    QCOMPARE(m_mock.lastRequest().header("authorization"),
             QByteArray("Bearer " + kProviderKey.toUtf8()));
}

void TestAdminConfig::requestInFlightFinishesOnTheOldConfig()
{
    TestGateway gateway;
    QVERIFY(start(gateway));
    FaultParams slow;
    slow.delayMs = 800;
    m_mock.queueFault(Fault::SlowFirstByte, slow);
    QSignalSpy arrived(&m_mock, &MockUpstream::requestReceived);
    TestClient inFlight(gateway.port());
    inFlight.startRequest("POST", kChat, chatBody(s("p/m")), bearer(kGlobal));
    QVERIFY(arrived.wait(5000)); // it reached the old upstream and waits for its answer

    // p moves to the other upstream while that request is in flight.
    TestClient admin(gateway.port());
    const QJsonObject moved =
        withValueAt(admin.get(configPath(s("providers")), bearer(kGlobal)).json(),
                    s("/providers/p/endpoint"), m_other.baseUrl().toString());
    const HttpReply put =
        admin.request("PUT", configPath(s("providers")), json(moved), bearer(kGlobal));
    QVERIFY2(put.status == 200, describe(put).constData());
    QVERIFY2(!inFlight.reply().complete, "the PUT did not overlap the request");
    QCOMPARE(gateway->activeSessions(), 1);

    QVERIFY(inFlight.waitForComplete(5000));
    QCOMPARE(inFlight.reply().status, 200);
    QVERIFY2(inFlight.reply().body.contains("pong"), inFlight.reply().body.constData());

    const int otherBefore = m_other.requestCount();
    const HttpReply next = admin.post(kChat, chatBody(s("p/m")), bearer(kGlobal));
    QCOMPARE(next.status, 200);
    QVERIFY2(next.body.contains("from other"), next.body.constData());
    QCOMPARE(m_other.requestCount(), otherBefore + 1);
    // The secret went along with the move.
    QCOMPARE(m_other.lastRequest().header("authorization"),
             QByteArray("Bearer " + kProviderKey.toUtf8()));
}

void TestAdminConfig::restartRequired_data()
{
    QTest::addColumn<QString>("pointer");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("pointer2"); // empty: one change only
    QTest::addColumn<QJsonValue>("value2");
    QTest::addColumn<QStringList>("expected");
    const QJsonValue none;
    QTest::addRow("dashboard user")
        << s("/dashboard/username") << QJsonValue(s("boss")) << QString() << none << QStringList();
    QTest::addRow("auth tokens") << s("/auth/tokens/1") << QJsonValue(s("third-token-000000"))
                                 << QString() << none << QStringList();
    QTest::addRow("listen port") << s("/server/port") << QJsonValue(18000) << QString() << none
                                 << QStringList{s("server")};
    QTest::addRow("database") << s("/database/mysql_host") << QJsonValue(s("db.example.org"))
                              << QString() << none << QStringList{s("database")};
    QTest::addRow("limits") << s("/limits/max_body_bytes") << QJsonValue(1048576) << QString()
                            << none << QStringList{s("limits")};
    QTest::addRow("upstream") << s("/upstream/connect_timeout") << QJsonValue(5) << QString()
                              << none << QStringList{s("upstream")};
    QTest::addRow("server and database")
        << s("/server/host") << QJsonValue(s("0.0.0.0")) << s("/database/type")
        << QJsonValue(s("mysql")) << QStringList{s("database"), s("server")};
}

void TestAdminConfig::restartRequired()
{
    QFETCH(QString, pointer);
    QFETCH(QJsonValue, value);
    QFETCH(QString, pointer2);
    QFETCH(QJsonValue, value2);
    QFETCH(QStringList, expected);
    TestGateway gateway;
    QVERIFY(start(gateway));
    TestClient client(gateway.port());
    QJsonObject document =
        withValueAt(client.get(configPath(s("server")), bearer(kGlobal)).json(), pointer, value);
    if (!pointer2.isEmpty())
        document = withValueAt(document, pointer2, value2);
    const HttpReply put =
        client.request("PUT", configPath(s("server")), json(document), bearer(kGlobal));
    QVERIFY2(put.status == 200, describe(put).constData());
    QStringList restart;
    for (const QJsonValue &key : put.json().value(QLatin1String("restart_required")).toArray())
        restart.append(key.toString());
    restart.sort();
    QCOMPARE(restart, expected);
    // Written and served either way; the running listener is not moved.
    QCOMPARE(valueAt(fileDocument(s("server")), pointer), value);
    QCOMPARE(client.get("/health").status, 200);
}

void TestAdminConfig::dashboardLoginFollowsTheNewPassword()
{
    TestGateway gateway;
    QVERIFY(start(gateway));
    TestClient client(gateway.port());
    const auto login = [&client](const char *password) {
        return client
            .post("/api/admin/login",
                  json(QJsonObject{{s("username"), s("admin")}, {s("password"), s(password)}}))
            .status;
    };
    QCOMPARE(login("admin"), 200);
    const QString newHash = QString::fromLatin1(
        QCryptographicHash::hash("n3w-admin-pass", QCryptographicHash::Sha256).toHex());
    const QJsonObject document =
        withValueAt(client.get(configPath(s("server")), bearer(kGlobal)).json(),
                    s("/dashboard/password"), newHash);
    const HttpReply put =
        client.request("PUT", configPath(s("server")), json(document), bearer(kGlobal));
    QVERIFY2(put.status == 200, describe(put).constData());
    QCOMPARE(put.json().value(QLatin1String("restart_required")), QJsonValue(QJsonArray()));
    QCOMPARE(valueAt(fileDocument(s("server")), s("/dashboard/password")), QJsonValue(newHash));
    QCOMPARE(login("admin"), 401);
    QCOMPARE(login("n3w-admin-pass"), 200);
}

void TestAdminConfig::auditRowForEachSave()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    TestGateway gateway;
    QVERIFY(start(gateway, database));
    TestClient client(gateway.port());
    const QByteArray shown = client.get(configPath(s("providers")), bearer(kGlobal)).body;
    // Neither a dry run nor a refused document is a save.
    QCOMPARE(
        client.request("PUT", configPath(s("providers"), "?dry_run=true"), shown, bearer(kGlobal))
            .status,
        200);
    QCOMPARE(client.request("PUT", configPath(s("providers")), "[]", bearer(kGlobal)).status, 400);
    QCOMPARE(client.request("PUT", configPath(s("providers")), shown, bearer(kGlobal)).status, 200);

    const HttpReply audit = client.get("/api/admin/audit", bearer(kGlobal));
    QCOMPARE(audit.status, 200);
    QList<QJsonObject> saves;
    for (const QJsonValue &entry : audit.json().value(QLatin1String("data")).toArray()) {
        if (entry.toObject().value(QLatin1String("action")).toString() ==
            QLatin1String("config.save"))
            saves.append(entry.toObject());
    }
    QVERIFY2(saves.size() == 1, audit.body.constData());
    QCOMPARE(saves.at(0).value(QLatin1String("target")).toString(), s("providers.json"));
    QVERIFY2(saves.at(0).value(QLatin1String("detail")).toString().contains(u'2'),
             audit.body.constData());
    QVERIFY(!audit.body.contains(kProviderKey.toUtf8()));
}

void TestAdminConfig::whoMayCall()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    TestGateway gateway;
    QVERIFY(start(gateway, database));
    TestClient client(gateway.port());

    HttpReply reply = client.post(
        "/api/admin/users",
        json(QJsonObject{{s("username"), s("alice")}, {s("password"), s("correct horse battery")}}),
        bearer(kGlobal));
    QCOMPARE(reply.status, 201);
    reply = client.post("/api/admin/users/alice/tokens", json(QJsonObject{{s("name"), s("app")}}),
                        bearer(kGlobal));
    QCOMPARE(reply.status, 201);
    const QByteArray userToken = reply.json().value(QLatin1String("token")).toString().toUtf8();
    reply =
        client.post("/api/admin/login",
                    json(QJsonObject{{s("username"), s("admin")}, {s("password"), s("admin")}}));
    QCOMPARE(reply.status, 200);
    const QByteArray session = reply.json().value(QLatin1String("token")).toString().toUtf8();
    QCOMPARE(client.post(kChat, chatBody(s("p/m")), bearer(userToken)).status, 200);

    const QByteArray shown = client.get(configPath(s("providers")), bearer(kGlobal)).body;
    struct Case
    {
        const char *what;
        QByteArray method;
        QByteArray token;
        int status;
    };
    const QList<Case> cases{
        {"no token, GET", "GET", {}, 401},
        {"no token, PUT", "PUT", {}, 401},
        {"unknown token, GET", "GET", "aisbf_nope", 401},
        {"user token, GET", "GET", userToken, 403},
        {"user token, PUT", "PUT", userToken, 403},
        {"admin session, GET", "GET", session, 200},
        {"admin session, PUT", "PUT", session, 200},
        {"global token, GET", "GET", kGlobal, 200},
    };
    for (const Case &c : cases) {
        reply = client.request(c.method, configPath(s("providers")),
                               c.method == "PUT" ? shown : QByteArray(),
                               c.token.isEmpty() ? HeaderList{} : bearer(c.token));
        QVERIFY2(reply.status == c.status,
                 qPrintable(QStringLiteral("%1: %2")
                                .arg(QLatin1String(c.what))
                                .arg(QString::fromUtf8(describe(reply)))));
        if (c.status == 401)
            QCOMPARE(reply.header("www-authenticate"), QByteArray("Bearer"));
        if (c.status >= 400)
            QVERIFY(!reply.body.contains("sk-provider"));
    }
    // Only the admin session's PUT was applied.
    QCOMPARE(gateway->configVersion(), 2);
}

AISBF_GATEWAY_TEST_MAIN(TestAdminConfig)
#include "tst_admin_config.moc"
