// SPDX-License-Identifier: GPL-3.0-or-later
#include "config/ConfigLoader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace aisbf::config;

class TestConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void diagnosticFormat();
    void upstreamTimeoutsOver();
    void servableTypes();
    void mistakes_data();
    void mistakes();
    void everyProblemIsReported();
    void resolvingReferencesIsQuiet();
    void originalReferenceLoads();
    void guideExamplesLoad();
    void guideWithoutSecretFails();
    void guideCoderAiShapeLoads();
    void originalShapeRotationFlattens();
    void fractionalSecondsAndDefaults();
    void defaultsWrittenOnFirstRun();
    void missingFileWithoutDefaults();
    void unknownKeysSurvive();
    void saveDocumentKeepsBackup();
    void resolveConfigDir_data();
    void resolveConfigDir();
};

namespace {

const QString kDataDir = QStringLiteral(AISBF_TEST_DATA_DIR);

// A valid minimal config; each mistake row replaces one of these files.
const QHash<QString, QByteArray> kBase = {
    {QStringLiteral("aisbf.json"), "{}"},
    {QStringLiteral("providers.json"),
     R"({"providers":{"p1":{"type":"openai","endpoint":"http://127.0.0.1:9/v1",
         "models":[{"name":"m1","context_size":1000},{"name":"m2"}]}}})"},
    {QStringLiteral("rotations.json"), R"({"rotations":{}})"},
    {QStringLiteral("autoselect.json"), "{}"},
};

QProcessEnvironment testEnv(const QString &home)
{
    // A clean environment so the developer's own variables never change a result.
    QProcessEnvironment env;
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("SET_KEY"), QStringLiteral("secret-from-env"));
    return env;
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly), qPrintable(path));
    f.write(bytes);
}

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

LoadResult loadWith(const QTemporaryDir &tmp, const QString &file, const QByteArray &json)
{
    for (auto it = kBase.cbegin(); it != kBase.cend(); ++it)
        writeFile(tmp.filePath(it.key()), it.key() == file ? json : it.value());
    return loadConfigDir(tmp.path(), testEnv(tmp.path()), false);
}

QString dump(const Diagnostics &diagnostics)
{
    QStringList lines;
    for (const Diagnostic &d : diagnostics)
        lines.append(d.toString());
    return lines.isEmpty() ? QStringLiteral("(no diagnostics)") : lines.join(QLatin1Char('\n'));
}

const Diagnostic *find(const Diagnostics &diagnostics, const QString &file, const QString &path)
{
    for (const Diagnostic &d : diagnostics) {
        if (d.file == file && d.path == path)
            return &d;
    }
    return nullptr;
}

} // namespace

void TestConfig::diagnosticFormat()
{
    Diagnostic d{Diagnostic::Severity::Error, QStringLiteral("providers.json"),
                 QStringLiteral("/providers/x/endpoint"), QStringLiteral("bad URL")};
    QCOMPARE(d.toString(), QStringLiteral("providers.json /providers/x/endpoint: error: bad URL"));
    d.severity = Diagnostic::Severity::Warning;
    QCOMPARE(d.toString(),
             QStringLiteral("providers.json /providers/x/endpoint: warning: bad URL"));
    QVERIFY(!hasErrors({d}));
    Diagnostic whole{Diagnostic::Severity::Error, QStringLiteral("aisbf.json"), QString(),
                     QStringLiteral("invalid JSON")};
    QCOMPARE(whole.toString(), QStringLiteral("aisbf.json: error: invalid JSON"));
    QVERIFY(hasErrors({d, whole}));
}

void TestConfig::upstreamTimeoutsOver()
{
    UpstreamTimeouts mine;
    mine.connectMs = 1000;
    UpstreamTimeouts fallback;
    fallback.connectMs = 2000;
    fallback.firstByteMs = 3000;
    const UpstreamTimeouts merged = mine.over(fallback);
    QCOMPARE(merged.connectMs, std::optional<int>(1000));
    QCOMPARE(merged.firstByteMs, std::optional<int>(3000));
    QVERIFY(!merged.idleMs.has_value());
}

void TestConfig::servableTypes()
{
    ProviderConfig p;
    for (const char *type : {"openai", "anthropic", "google", "ollama"}) {
        p.type = QString::fromLatin1(type);
        QVERIFY2(p.isServable(), type);
    }
    for (const char *type : {"coderai", "codex", "claude", "kiro", "", "OpenAI"}) {
        p.type = QString::fromLatin1(type);
        QVERIFY2(!p.isServable(), type);
    }
    p.models = {ModelConfig{QStringLiteral("a"), 10, {}, {}, {}},
                ModelConfig{QStringLiteral("b"), 20, {}, {}, {}}};
    QVERIFY(p.model(QStringLiteral("b")));
    QCOMPARE(*p.model(QStringLiteral("b"))->contextSize, 20);
    QVERIFY(!p.model(QStringLiteral("c")));
}

void TestConfig::mistakes_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("isError");
    QTest::addColumn<QString>("phrase");

    // The table lives in a fixture so each mistake reads as the JSON an operator would write.
    const QJsonArray rows = readJson(kDataDir + QLatin1String("/config/mistakes.json"))
                                .value(QLatin1String("rows"))
                                .toArray();
    QVERIFY2(rows.size() > 50, "tests/data/config/mistakes.json is missing or broken");
    for (const QJsonValue &v : rows) {
        const QJsonObject row = v.toObject();
        const QJsonValue document = row.value(QLatin1String("document"));
        // Syntax-error rows carry raw text; the rest carry the document itself.
        const QByteArray json = document.isUndefined()
                                    ? row.value(QLatin1String("text")).toString().toUtf8()
                                    : (document.isObject() ? QJsonDocument(document.toObject())
                                                           : QJsonDocument(document.toArray()))
                                          .toJson(QJsonDocument::Compact);
        QTest::addRow("%s", qPrintable(row.value(QLatin1String("name")).toString()))
            << row.value(QLatin1String("file")).toString() << json
            << row.value(QLatin1String("path")).toString()
            << (row.value(QLatin1String("severity")).toString() == QLatin1String("error"))
            << row.value(QLatin1String("phrase")).toString();
    }
}

void TestConfig::mistakes()
{
    QFETCH(QString, file);
    QFETCH(QByteArray, json);
    QFETCH(QString, path);
    QFETCH(bool, isError);
    QFETCH(QString, phrase);

    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const LoadResult result = loadWith(tmp, file, json);
    bool found = false;
    for (const Diagnostic &d : result.diagnostics) {
        found = found || (d.file == file && d.path == path && d.isError() == isError &&
                          d.message.contains(phrase));
    }
    QVERIFY2(found, qPrintable(QLatin1String("expected ") % file % QLatin1Char(' ') % path %
                               QLatin1String(" containing \"") % phrase %
                               QLatin1String("\"; got:\n") % dump(result.diagnostics)));
    // Errors block the start; warnings alone do not.
    QCOMPARE(result.ok(), !hasErrors(result.diagnostics));
    if (!isError)
        QVERIFY2(result.ok(), qPrintable(dump(result.diagnostics)));
    else
        QVERIFY(!result.ok());
}

void TestConfig::everyProblemIsReported()
{
    QTemporaryDir tmp;
    const QByteArray providers = R"({"providers": {
        "a": {"type": "openai", "endpoint": "nope"},
        "b": {"type": "openai", "endpoint": "http://h", "api_key": "$UNSET_KEY"},
        "c": {"type": "openai", "endpoint": "http://h", "models": [{"name": "x", "context_size": -1}]}}})";
    writeFile(tmp.filePath(QStringLiteral("aisbf.json")), R"({"server": {"port": 0}})");
    writeFile(tmp.filePath(QStringLiteral("providers.json")), providers);
    writeFile(tmp.filePath(QStringLiteral("rotations.json")),
              R"({"rotations": {"r": {"providers": [{"provider_id": "zz", "model": "x"}]}}})");
    writeFile(tmp.filePath(QStringLiteral("autoselect.json")), "{}");
    const LoadResult result = loadConfigDir(tmp.path(), testEnv(tmp.path()), false);
    QVERIFY(!result.ok());
    const Diagnostics &d = result.diagnostics;
    QCOMPARE(d.size(), 5);
    QVERIFY(find(d, QStringLiteral("aisbf.json"), QStringLiteral("/server/port")));
    QVERIFY(find(d, QStringLiteral("providers.json"), QStringLiteral("/providers/a/endpoint")));
    QVERIFY(find(d, QStringLiteral("providers.json"), QStringLiteral("/providers/b/api_key")));
    QVERIFY(find(d, QStringLiteral("providers.json"),
                 QStringLiteral("/providers/c/models/0/context_size")));
    QVERIFY(find(d, QStringLiteral("rotations.json"),
                 QStringLiteral("/rotations/r/providers/0/provider_id")));
    // Grouped by file in load order.
    QCOMPARE(d.first().file, QStringLiteral("aisbf.json"));
    QCOMPARE(d.last().file, QStringLiteral("rotations.json"));
}

void TestConfig::resolvingReferencesIsQuiet()
{
    QTemporaryDir tmp;
    writeFile(tmp.filePath(QStringLiteral("rotations.json")),
              R"({"rotations": {"r": {"providers": [{"provider_id": "p1", "model": "m2"}]}}})");
    const QByteArray autoselect = R"({
        "a": {"fallback": "r", "available_models": [
            {"model_id": "p1/m1"}, {"model_id": "rotation/r"}, {"model_id": "autoselect/b"},
            {"model_id": "user-rotation/mine"}, {"model_id": "user-provider/x/y"},
            {"model_id": "user-autoselect/z"}]},
        "b": {"fallback": "rotation/r"}})";
    for (auto it = kBase.cbegin(); it != kBase.cend(); ++it) {
        if (it.key() != QLatin1String("rotations.json"))
            writeFile(tmp.filePath(it.key()),
                      it.key() == QLatin1String("autoselect.json") ? autoselect : it.value());
    }
    const LoadResult result = loadConfigDir(tmp.path(), testEnv(tmp.path()), false);
    QVERIFY2(result.ok() && result.diagnostics.isEmpty(), qPrintable(dump(result.diagnostics)));
    QCOMPARE(result.config->autoselects.value(QStringLiteral("a")).candidates.size(), 6);
}

void TestConfig::originalReferenceLoads()
{
    QTemporaryDir home;
    const LoadResult result = loadConfigDir(kDataDir + QLatin1String("/original-aisbf-config"),
                                            testEnv(home.path()), false);
    QVERIFY2(result.ok(), qPrintable(dump(result.diagnostics)));
    QVERIFY(!hasErrors(result.diagnostics));
    const ConfigSet &c = *result.config;
    QCOMPARE(c.providers.size(), 5);
    for (const char *id : {"codex", "kiro", "claude", "kilo", "coderai"}) {
        const QString key = QString::fromLatin1(id);
        QVERIFY2(c.providers.contains(key), id);
        QCOMPARE(c.providers.value(key).type, key);
        const Diagnostic *d = find(result.diagnostics, QStringLiteral("providers.json"),
                                   QLatin1String("/providers/") % key % QLatin1String("/type"));
        QVERIFY2(d && !d->isError() && d->message.contains(QLatin1String("501")), id);
    }
    QCOMPARE(c.providers.value(QStringLiteral("coderai")).endpoint,
             QStringLiteral("http://127.0.0.1:11437"));
    QCOMPARE(c.server.databaseType, QStringLiteral("sqlite"));
    QCOMPARE(c.server.cacheType, QStringLiteral("sqlite"));
    QCOMPARE(c.server.port, quint16(17765));
    QCOMPARE(c.server.authEnabled, false);
    QCOMPARE(c.server.authTokens,
             QStringList({QStringLiteral("api-token-1"), QStringLiteral("api-token-2")}));
    QVERIFY(c.rotations.isEmpty());
    const AutoselectConfig a = c.autoselects.value(QStringLiteral("autoselect"));
    QCOMPARE(a.selectionModel, QStringLiteral("general"));
    QCOMPARE(a.fallback, QStringLiteral("general"));
    QCOMPARE(a.capabilities.size(), 3);
    // "general" names nothing in this directory: a warning, not an error.
    const Diagnostic *fallback = find(result.diagnostics, QStringLiteral("autoselect.json"),
                                      QStringLiteral("/autoselect/fallback"));
    QVERIFY(fallback && !fallback->isError());
    const Diagnostic *selector = find(result.diagnostics, QStringLiteral("autoselect.json"),
                                      QStringLiteral("/autoselect/selection_model"));
    QVERIFY(selector && !selector->isError());
    QCOMPARE(result.diagnostics.size(), 7);
}

void TestConfig::guideExamplesLoad()
{
    QTemporaryDir home;
    QProcessEnvironment env = testEnv(home.path());
    env.insert(QStringLiteral("RUNPOD_API_KEY"), QStringLiteral("rp-secret"));
    const LoadResult result = loadConfigDir(kDataDir + QLatin1String("/guide"), env, false);
    // The one remark: the guide's policy asks "general", which its files do not define, so the
    // fallback serves whenever no route is clearly chosen.
    QVERIFY2(result.ok() && result.diagnostics.size() == 1, qPrintable(dump(result.diagnostics)));
    const Diagnostic &selector = result.diagnostics.first();
    QVERIFY(!selector.isError());
    QCOMPARE(selector.path, QStringLiteral("/engineering/selection_model"));
    QVERIFY(selector.message.contains(QLatin1String("fallback serves")));
    const ConfigSet &c = *result.config;

    const ProviderConfig runpod = c.providers.value(QStringLiteral("runpod-gpu-a"));
    QCOMPARE(runpod.id, QStringLiteral("runpod-gpu-a"));
    QCOMPARE(runpod.name, QStringLiteral("RunPod GPU A"));
    QCOMPARE(runpod.type, QStringLiteral("openai"));
    QCOMPARE(runpod.endpoint, QStringLiteral("https://YOUR-POD-ID-8000.proxy.runpod.net/v1"));
    QVERIFY(runpod.apiKeyRequired);
    QCOMPARE(runpod.apiKey, QStringLiteral("rp-secret"));
    QCOMPARE(runpod.apiKeyWritten, QStringLiteral("$RUNPOD_API_KEY"));
    QCOMPARE(runpod.defaultContextSize, std::optional<qint64>(32768));
    QCOMPARE(runpod.defaultErrorCooldownSec, std::optional<int>(120));
    QCOMPARE(runpod.models.size(), 1);
    const ModelConfig *coder = runpod.model(QStringLiteral("deepseek-coder-v2"));
    QVERIFY(coder);
    QCOMPARE(coder->contextSize, std::optional<qint64>(32768));
    QCOMPARE(coder->maxRequestTokens, std::optional<qint64>(24000));

    const RotationConfig rot = c.rotations.value(QStringLiteral("coding-production"));
    QCOMPARE(rot.modelName, QStringLiteral("coding-production"));
    QCOMPARE(rot.defaultMaxRequestTokens, std::optional<qint64>(24000));
    QCOMPARE(rot.capabilities, QStringList({QStringLiteral("chat"), QStringLiteral("coding"),
                                            QStringLiteral("tool_use")}));
    QCOMPARE(rot.raw.value(QLatin1String("privacy")).toBool(), true);
    QCOMPARE(rot.entries.size(), 3);
    const QStringList providers = {QStringLiteral("ollama-private"), QStringLiteral("runpod-gpu-a"),
                                   QStringLiteral("openai-prod")};
    const QStringList models = {QStringLiteral("qwen2.5-coder:32b"),
                                QStringLiteral("deepseek-coder-v2"),
                                QStringLiteral("gpt-4.1-mini")};
    const QList<double> weights = {6, 3, 1};
    const QList<int> cooldowns = {60, 120, 300};
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(rot.entries.at(i).providerId, providers.at(i));
        QCOMPARE(rot.entries.at(i).model, models.at(i));
        QCOMPARE(rot.entries.at(i).weight, weights.at(i));
        QCOMPARE(rot.entries.at(i).errorCooldownSec, std::optional<int>(cooldowns.at(i)));
    }

    const AutoselectConfig eng = c.autoselects.value(QStringLiteral("engineering"));
    QCOMPARE(eng.selectionModel, QStringLiteral("general"));
    QCOMPARE(eng.fallback, QStringLiteral("user-rotation/coding-production"));
    QCOMPARE(eng.candidates.size(), 3);
    QCOMPARE(eng.candidates.at(0).modelId, QStringLiteral("user-rotation/coding-production"));
    QVERIFY(eng.candidates.at(0).privacy);
    QVERIFY(!eng.candidates.at(1).privacy);
    QCOMPARE(eng.candidates.at(2).description,
             QStringLiteral("Fast hosted fallback for non-private tasks."));

    // The guide's aisbf.json: MySQL + Redis cluster shape.
    QCOMPARE(c.server.databaseType, QStringLiteral("mysql"));
    QCOMPARE(c.server.cacheType, QStringLiteral("redis"));
    QVERIFY(c.server.authEnabled);
    QCOMPARE(c.server.authTokens.size(), 1);
    QCOMPARE(c.server.upstreamTimeouts.connectMs, std::optional<int>(10'000));
    QCOMPARE(c.server.upstreamTimeouts.firstByteMs, std::optional<int>(300'000));
    QCOMPARE(c.server.upstreamTimeouts.idleMs, std::optional<int>(120'000));
}

void TestConfig::guideWithoutSecretFails()
{
    QTemporaryDir home;
    const LoadResult result =
        loadConfigDir(kDataDir + QLatin1String("/guide"), testEnv(home.path()), false);
    QVERIFY(!result.ok());
    // The one error, and guideExamplesLoad's warning about the selection model.
    QCOMPARE(result.diagnostics.size(), 2);
    const Diagnostic *missing = find(result.diagnostics, QStringLiteral("providers.json"),
                                     QStringLiteral("/providers/runpod-gpu-a/api_key"));
    QVERIFY(missing && missing->isError());
    QVERIFY(missing->message.contains(QLatin1String("set RUNPOD_API_KEY")));
}

void TestConfig::guideCoderAiShapeLoads()
{
    const QByteArray shape =
        R"({"type":"coderai","endpoint":"http://127.0.0.1:11437","api_key_required":false,"coderai_config":{"transport":"broker","broker_enabled":true,"broker_mode":true,"broker_preferred":true,"client_id":"gpu-worker-a","registration_path":"/coderai/register","bridge_path":"/coderai/ws"},"models":[{"name":"qwen2.5-coder:32b","context_size":32768}]})";
    QJsonObject providers;
    providers.insert(QStringLiteral("coderai-gpu"), QJsonDocument::fromJson(shape).object());
    QJsonObject doc;
    doc.insert(QStringLiteral("providers"), providers);
    const LoadResult result = parseDocuments({}, doc, {}, {}, testEnv(QDir::tempPath()));
    QVERIFY2(result.ok(), qPrintable(dump(result.diagnostics)));
    QCOMPARE(result.diagnostics.size(), 1);
    QCOMPARE(result.diagnostics.first().path, QStringLiteral("/providers/coderai-gpu/type"));
    const ProviderConfig p = result.config->providers.value(QStringLiteral("coderai-gpu"));
    QCOMPARE(p.id, QStringLiteral("coderai-gpu"));
    QCOMPARE(p.models.first().contextSize, std::optional<qint64>(32768));
    QCOMPARE(p.raw.value(QLatin1String("coderai_config"))
                 .toObject()
                 .value(QLatin1String("client_id"))
                 .toString(),
             QStringLiteral("gpu-worker-a"));
}

void TestConfig::originalShapeRotationFlattens()
{
    const QByteArray providers = R"({"providers": {
        "p1": {"type": "openai", "endpoint": "http://h", "models": [{"name": "m1"}, {"name": "m2"}]},
        "p2": {"type": "openai", "endpoint": "http://h"}}})";
    const QByteArray rotations = R"({"notifyerrors": true, "rotations": {"r": {
        "error_cooldown": 30,
        "providers": [
            {"provider_id": "p1", "weight": 2, "error_cooldown": 45,
             "models": [{"name": "m1", "weight": 3}, {"name": "m2", "error_cooldown": 10}]},
            {"provider_id": "p2", "models": [{"name": "x", "weight": 0.5}, "y"]}]}}})";
    const LoadResult result =
        parseDocuments({}, QJsonDocument::fromJson(providers).object(),
                       QJsonDocument::fromJson(rotations).object(), {}, testEnv(QDir::tempPath()));
    QVERIFY2(result.ok() && result.diagnostics.isEmpty(), qPrintable(dump(result.diagnostics)));
    const RotationConfig r = result.config->rotations.value(QStringLiteral("r"));
    QCOMPARE(r.modelName, QStringLiteral("r"));
    QCOMPARE(r.defaultErrorCooldownSec, std::optional<int>(30));
    QCOMPARE(r.entries.size(), 4);
    QCOMPARE(r.entries.at(0).providerId, QStringLiteral("p1"));
    QCOMPARE(r.entries.at(0).model, QStringLiteral("m1"));
    QCOMPARE(r.entries.at(0).weight, 6.0);
    QCOMPARE(r.entries.at(0).errorCooldownSec, std::optional<int>(45));
    QCOMPARE(r.entries.at(1).model, QStringLiteral("m2"));
    QCOMPARE(r.entries.at(1).weight, 2.0);
    QCOMPARE(r.entries.at(1).errorCooldownSec, std::optional<int>(10));
    QCOMPARE(r.entries.at(2).providerId, QStringLiteral("p2"));
    QCOMPARE(r.entries.at(2).weight, 0.5);
    QVERIFY(!r.entries.at(2).errorCooldownSec.has_value());
    QCOMPARE(r.entries.at(3).model, QStringLiteral("y"));
    QCOMPARE(r.entries.at(3).weight, 1.0);
    QCOMPARE(result.config->rotationsDocument.value(QLatin1String("notifyerrors")).toBool(), true);
}

void TestConfig::fractionalSecondsAndDefaults()
{
    const QByteArray server = R"({"limits": {"client_timeout": 1.5, "max_body_bytes": 1024},
        "upstream": {"connect_timeout": 0.25}})";
    const QByteArray providers =
        R"({"providers": {"p1": {"type": "openai", "endpoint": "https://h:8443/v1",
        "read_timeout": 2.5}}})";
    const LoadResult result = parseDocuments(QJsonDocument::fromJson(server).object(),
                                             QJsonDocument::fromJson(providers).object(), {}, {},
                                             testEnv(QDir::tempPath()));
    QVERIFY2(result.ok(), qPrintable(dump(result.diagnostics)));
    const ServerConfig &s = result.config->server;
    QCOMPARE(s.clientHeaderTimeoutMs, 1500);
    QCOMPARE(s.maxBodyBytes, qint64(1024));
    QCOMPARE(s.keepAliveTimeoutMs, 75'000); // unset keeps the Config.h default
    QVERIFY(s.recordUsage);                 // so does "usage.record"
    QCOMPARE(s.upstreamTimeouts.connectMs, std::optional<int>(250));
    QCOMPARE(s.upstreamTimeouts.firstByteMs, std::optional<int>(300'000));
    QCOMPARE(s.upstreamTimeouts.idleMs, std::optional<int>(120'000));
    const ProviderConfig p = result.config->providers.value(QStringLiteral("p1"));
    QCOMPARE(p.id, QStringLiteral("p1")); // defaults to the key
    QCOMPARE(p.name, QStringLiteral("p1"));
    QCOMPARE(p.timeouts.idleMs, std::optional<int>(2500));
    QVERIFY(!p.timeouts.connectMs.has_value());
    QCOMPARE(p.timeouts.over(s.upstreamTimeouts).connectMs, std::optional<int>(250));
}

void TestConfig::defaultsWrittenOnFirstRun()
{
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("nested/aisbf"));
    const QProcessEnvironment env = testEnv(tmp.path());
    const LoadResult first = loadConfigDir(dir, env, true);
    QVERIFY2(first.ok() && first.diagnostics.isEmpty(), qPrintable(dump(first.diagnostics)));
    const auto groupOther = QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                            QFileDevice::ExeGroup | QFileDevice::ReadOther |
                            QFileDevice::WriteOther | QFileDevice::ExeOther;
    QCOMPARE(QFileInfo(dir).permissions() & groupOther, QFileDevice::Permissions());
    for (const QString &name : configFileNames()) {
        const QString path = QDir(dir).filePath(name);
        QVERIFY2(QFileInfo::exists(path), qPrintable(path));
        QCOMPARE(QFileInfo(path).permissions() & groupOther, QFileDevice::Permissions());
    }
    const ConfigSet &c = *first.config;
    QCOMPARE(c.directory, dir);
    QCOMPARE(c.server.host, QStringLiteral("127.0.0.1"));
    QCOMPARE(c.server.port, quint16(17765));
    QCOMPARE(c.server.protocol, QStringLiteral("http"));
    QVERIFY(!c.server.authEnabled);
    QCOMPARE(c.server.databaseType, QStringLiteral("sqlite"));
    QCOMPARE(c.server.cacheType, QStringLiteral("memory"));
    QCOMPARE(c.server.maxBodyBytes, qint64(16 * 1024 * 1024));
    QCOMPARE(c.server.upstreamTimeouts.firstByteMs, std::optional<int>(300'000));
    const QJsonObject dashboard = c.serverDocument.value(QLatin1String("dashboard")).toObject();
    QCOMPARE(dashboard.value(QLatin1String("password")).toString(),
             QStringLiteral("8c6976e5b5410415bde908bd4dee15dfb167a9c873fc4bb8a81f6f2ab448a918"));
    QVERIFY(
        dashboard.value(QLatin1String("_comment")).toString().contains(QLatin1String("change")));
    QCOMPARE(c.providers.size(), 1);
    const ProviderConfig local = c.providers.value(QStringLiteral("ollama-local"));
    QCOMPARE(local.endpoint, QStringLiteral("http://127.0.0.1:11434/v1"));
    QVERIFY(local.isServable());
    QVERIFY(c.rotations.isEmpty() && c.autoselects.isEmpty());

    const LoadResult again = loadConfigDir(dir, env, false);
    QVERIFY2(again.ok(), qPrintable(dump(again.diagnostics)));
    QCOMPARE(again.config->serverDocument, c.serverDocument);
    QCOMPARE(again.config->providersDocument, c.providersDocument);
    QCOMPARE(again.config->rotationsDocument, c.rotationsDocument);
    QCOMPARE(again.config->autoselectDocument, c.autoselectDocument);

    // An existing file is never overwritten by the defaults; only the missing one comes back.
    writeFile(QDir(dir).filePath(QStringLiteral("aisbf.json")), R"({"server": {"port": 8080}})");
    QVERIFY(QFile::remove(QDir(dir).filePath(QStringLiteral("rotations.json"))));
    const LoadResult third = loadConfigDir(dir, env, true);
    QVERIFY2(third.ok(), qPrintable(dump(third.diagnostics)));
    QCOMPARE(third.config->server.port, quint16(8080));
    QCOMPARE(third.config->rotationsDocument, c.rotationsDocument);
}

void TestConfig::missingFileWithoutDefaults()
{
    QTemporaryDir tmp;
    for (auto it = kBase.cbegin(); it != kBase.cend(); ++it) {
        if (it.key() != QLatin1String("rotations.json"))
            writeFile(tmp.filePath(it.key()), it.value());
    }
    const LoadResult result = loadConfigDir(tmp.path(), testEnv(tmp.path()), false);
    QVERIFY(!result.ok());
    QCOMPARE(result.diagnostics.size(), 1);
    QCOMPARE(result.diagnostics.first().file, QStringLiteral("rotations.json"));
    QVERIFY(result.diagnostics.first().message.contains(QLatin1String("is missing")));
    QVERIFY(!QFileInfo::exists(tmp.filePath(QStringLiteral("rotations.json"))));

    const LoadResult none =
        loadConfigDir(tmp.filePath(QStringLiteral("absent")), testEnv(tmp.path()), false);
    QCOMPARE(none.diagnostics.size(), 4);
    QVERIFY(!QFileInfo::exists(tmp.filePath(QStringLiteral("absent"))));
}

void TestConfig::unknownKeysSurvive()
{
    QTemporaryDir tmp;
    const QString original = kDataDir + QLatin1String("/original-aisbf-config");
    const LoadResult loaded = loadConfigDir(original, testEnv(tmp.path()), false);
    QVERIFY(loaded.ok());
    const ConfigSet &c = *loaded.config;
    QVERIFY(c.server.raw.value(QLatin1String("tor")).isObject());
    QCOMPARE(c.providers.value(QStringLiteral("kilo")).raw.value(QLatin1String("free_tier_limit")),
             QJsonValue(1));
    QCOMPARE(
        c.autoselects.value(QStringLiteral("autoselect")).raw.value(QLatin1String("classify_nsfw")),
        QJsonValue(false));

    // Written back and re-read, nothing this build ignores is lost.
    for (const QString &name : configFileNames())
        QVERIFY(QFile::copy(QDir(original).filePath(name), tmp.filePath(name)));
    QString error;
    QVERIFY2(
        saveDocument(tmp.path(), QStringLiteral("providers.json"), c.providersDocument, &error),
        qPrintable(error));
    const LoadResult reread = loadConfigDir(tmp.path(), testEnv(tmp.path()), false);
    QVERIFY(reread.ok());
    const QJsonObject kilo = reread.config->providers.value(QStringLiteral("kilo")).raw;
    QCOMPARE(kilo.value(QLatin1String("kilo_config"))
                 .toObject()
                 .value(QLatin1String("credentials_file"))
                 .toString(),
             QStringLiteral("~/.kilo_credentials.json"));
    QCOMPARE(reread.config->providersDocument, c.providersDocument);
}

void TestConfig::saveDocumentKeepsBackup()
{
    QTemporaryDir tmp;
    const QString name = QStringLiteral("rotations.json");
    const QString path = tmp.filePath(name);
    const QString backup = path + QLatin1String(".bak");
    QJsonObject v1{{QStringLiteral("version"), 1}};
    QJsonObject v2{{QStringLiteral("version"), 2}};
    QJsonObject v3{{QStringLiteral("version"), 3}};
    QString error;
    QVERIFY(saveDocument(tmp.path(), name, v1, &error));
    QVERIFY(!QFileInfo::exists(backup));
    QCOMPARE(readJson(path), v1);
    QVERIFY(saveDocument(tmp.path(), name, v2, &error));
    QCOMPARE(readJson(path), v2);
    QCOMPARE(readJson(backup), v1);
    QVERIFY(saveDocument(tmp.path(), name, v3, &error));
    QCOMPARE(readJson(path), v3);
    QCOMPARE(readJson(backup), v2);

    QVERIFY(!saveDocument(tmp.filePath(QStringLiteral("no/such/dir")), name, v1, &error));
    QVERIFY(error.contains(QLatin1String("no/such/dir")));
}

void TestConfig::resolveConfigDir_data()
{
    QTest::addColumn<QString>("commandLine");
    QTest::addColumn<QString>("envDir");
    QTest::addColumn<QString>("expected");
    QTest::addRow("command line wins")
        << QStringLiteral("/etc/aisbf") << QStringLiteral("/srv/x") << QStringLiteral("/etc/aisbf");
    QTest::addRow("environment next")
        << QString() << QStringLiteral("/srv/aisbf") << QStringLiteral("/srv/aisbf");
    QTest::addRow("home default") << QString() << QString() << QStringLiteral("/home/op/.aisbf");
    QTest::addRow("tilde on command line")
        << QStringLiteral("~/conf") << QString() << QStringLiteral("/home/op/conf");
    QTest::addRow("tilde in environment")
        << QString() << QStringLiteral("~/env") << QStringLiteral("/home/op/env");
    QTest::addRow("trailing slash")
        << QStringLiteral("/etc/aisbf/") << QString() << QStringLiteral("/etc/aisbf");
}

void TestConfig::resolveConfigDir()
{
    QFETCH(QString, commandLine);
    QFETCH(QString, envDir);
    QFETCH(QString, expected);
    QProcessEnvironment env;
    env.insert(QStringLiteral("HOME"), QStringLiteral("/home/op"));
    if (!envDir.isEmpty())
        env.insert(QStringLiteral("AISBF_CONFIG_DIR"), envDir);
    QCOMPARE(aisbf::config::resolveConfigDir(commandLine, env), expected);
}

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
