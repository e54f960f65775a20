// SPDX-License-Identifier: GPL-3.0-or-later
// How the admin API hides secrets in config documents (control/ConfigSecrets): which keys are
// secret, what a mask looks like, masking a whole document, and putting the secrets back into a
// document sent back with masks in it (tokens reordered, removed, added; masks that match
// nothing reported by JSON pointer).
#include <control/ConfigSecrets.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace aisbf::control;

namespace {

QString s(const char *text)
{
    return QString::fromUtf8(text);
}

const QChar kEllipsis(0x2026);

QString masked(const char *last4)
{
    return kEllipsis + s(last4);
}

QJsonObject parse(const char *json)
{
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray(json), &error);
    if (!document.isObject())
        qWarning("bad test JSON: %s", qPrintable(error.errorString()));
    return document.object();
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonObject readDataFile(const QString &name)
{
    QFile file(QStringLiteral(AISBF_TEST_DATA_DIR "/original-aisbf-config/") + name);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

// Three 20-character tokens; B and B2 share their last four characters.
const char *const kTokenA = "token-aaaaaaaaaa-A111";
const char *const kTokenB = "token-bbbbbbbbbb-B222";
const char *const kTokenC = "token-cccccccccc-C333";
const char *const kTokenB2 = "token-xxxxxxxxxx-B222";

} // namespace

class TestConfigSecrets : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void isSecretKey_data();
    void isSecretKey();
    void mask_data();
    void mask();
    void maskedDocument();
    void maskedLeavesNoSecretOfTheOriginalConfig_data();
    void maskedLeavesNoSecretOfTheOriginalConfig();
    void maskedCoversSecretsNestedUnderASecretKey();
    void unmaskedString_data();
    void unmaskedString();
    void unmaskedTokenArray_data();
    void unmaskedTokenArray();
    void unmatchedPathsAreJsonPointers();
    void roundTripOfTheOriginalConfig_data();
    void roundTripOfTheOriginalConfig();
};

void TestConfigSecrets::isSecretKey_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<bool>("secret");
    const QList<QPair<const char *, bool>> rows{
        {"api_key", true},
        {"API_KEY", true},
        {"tokens", true},
        {"token", true},
        {"password", true},
        {"mysql_password", true},
        {"redis_password", true},
        {"control_password", true},
        {"PasswordHash", true},
        {"client_secret", true},
        {"webhook_secret", true},
        {"secret_key", true},
        {"access_token", true},
        {"refresh_token", true},
        {"private_key", true},
        {"ssh_private_key", true},
        // The original AISBF's MCP bearer tokens (aisbf.json "mcp").
        {"autoselect_tokens", true},
        {"fullconfig_tokens", true},
        // Look alike, hold no secret.
        {"api_key_required", false},
        {"max_request_tokens", false},
        {"default_max_request_tokens", false},
        {"max_tokens", false},
        {"verification_token_expiry_hours", false},
        {"token_budget", false},
        {"username", false},
        {"endpoint", false},
        {"publishable_key", false},
        {"", false},
    };
    for (const auto &[key, secret] : rows)
        QTest::addRow("%s", *key ? key : "(empty)") << s(key) << secret;
}

void TestConfigSecrets::isSecretKey()
{
    QFETCH(QString, key);
    QFETCH(bool, secret);
    QCOMPARE(secrets::isSecretKey(key), secret);
}

void TestConfigSecrets::mask_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expected");
    QTest::addRow("empty stays") << QString() << QString();
    QTest::addRow("$VAR stays") << s("$OPENAI_API_KEY") << s("$OPENAI_API_KEY");
    QTest::addRow("1 char") << s("x") << QString(kEllipsis);
    QTest::addRow("11 chars: all hidden") << s("abcdefghijk") << QString(kEllipsis);
    QTest::addRow("12 chars: last 4") << s("abcdefghijkl") << masked("ijkl");
    QTest::addRow("api key") << s("sk-proj-0123456789abcdefWXYZ") << masked("WXYZ");
    QTest::addRow("non-ASCII") << s("clé-secrète-très-longue-ÄÖÜß") << s("…ÄÖÜß");
    QTest::addRow("already masked stays") << masked("abcd") << masked("abcd");
    QTest::addRow("bare ellipsis stays") << QString(kEllipsis) << QString(kEllipsis);
}

void TestConfigSecrets::mask()
{
    QFETCH(QString, value);
    QFETCH(QString, expected);
    const QString result = secrets::mask(value);
    QCOMPARE(result, expected);
    // A mask never carries more than 4 characters of the secret.
    if (result != value)
        QVERIFY(result.size() <= 5);
    QCOMPARE(secrets::mask(result), result); // masking is idempotent
}

void TestConfigSecrets::maskedDocument()
{
    const QJsonObject document = parse(R"({
        "auth": {"enabled": true, "tokens": ["token-aaaaaaaaaa-A111", "short", "$TOKEN_VAR"]},
        "dashboard": {"username": "admin", "password": "0123456789abcdef"},
        "database": {"type": "mysql", "mysql_password": "db-password-9012", "mysql_port": 3306},
        "cache": {"redis_password": null, "redis_port": 6379},
        "providers": {
            "openai": {"endpoint": "https://api.openai.com/v1", "api_key": "sk-literal-abcd",
                       "api_key_required": true, "models": [{"name": "gpt-4o",
                       "max_request_tokens": 1000}]},
            "env": {"api_key": "$OPENAI_KEY"},
            "empty": {"api_key": ""}
        },
        "list": [{"secret": "nested-in-array-0000"}, "plain string"]
    })");
    const QJsonObject expected = QJsonObject{
        {s("auth"), QJsonObject{{s("enabled"), true},
                                {s("tokens"),
                                 QJsonArray{masked("A111"), QString(kEllipsis), s("$TOKEN_VAR")}}}},
        {s("dashboard"), QJsonObject{{s("username"), s("admin")}, {s("password"), masked("cdef")}}},
        {s("database"), QJsonObject{{s("type"), s("mysql")},
                                    {s("mysql_password"), masked("9012")},
                                    {s("mysql_port"), 3306}}},
        {s("cache"), QJsonObject{{s("redis_password"), QJsonValue::Null}, {s("redis_port"), 6379}}},
        {s("providers"),
         QJsonObject{
             {s("openai"),
              QJsonObject{{s("endpoint"), s("https://api.openai.com/v1")},
                          {s("api_key"), masked("abcd")},
                          {s("api_key_required"), true},
                          {s("models"), QJsonArray{QJsonObject{{s("name"), s("gpt-4o")},
                                                               {s("max_request_tokens"), 1000}}}}}},
             {s("env"), QJsonObject{{s("api_key"), s("$OPENAI_KEY")}}},
             {s("empty"), QJsonObject{{s("api_key"), QString()}}}}},
        {s("list"), QJsonArray{QJsonObject{{s("secret"), masked("0000")}}, s("plain string")}}};
    const QJsonObject result = secrets::masked(document);
    QVERIFY2(result == expected, compact(result).constData());
    // The input is not touched.
    QCOMPARE(document.value(QLatin1String("dashboard"))
                 .toObject()
                 .value(QLatin1String("password"))
                 .toString(),
             s("0123456789abcdef"));
}

void TestConfigSecrets::maskedLeavesNoSecretOfTheOriginalConfig_data()
{
    // Secrets of the original AISBF's example aisbf.json (tests/data/original-aisbf-config).
    QTest::addColumn<QString>("secret");
    QTest::addRow("auth token") << s("api-token-1");
    QTest::addRow("dashboard password hash")
        << s("8c6976e5b5410415bde908bd4dee15dfb167a9c873fc4bb8a81f6f2ab448a918");
    QTest::addRow("mcp autoselect token") << s("mcp-autoselect-token-1");
    QTest::addRow("mcp fullconfig token") << s("mcp-fullconfig-token-2");
}

void TestConfigSecrets::maskedLeavesNoSecretOfTheOriginalConfig()
{
    QFETCH(QString, secret);
    const QJsonObject original = readDataFile(s("aisbf.json"));
    QVERIFY(!original.isEmpty());
    QVERIFY2(compact(original).contains(secret.toUtf8()), "the fixture changed");
    const QByteArray shown = compact(secrets::masked(original));
    QVERIFY2(
        !shown.contains(secret.toUtf8()),
        qPrintable(
            QStringLiteral("%1 is shown in clear by GET /api/admin/config/server").arg(secret)));
}

void TestConfigSecrets::maskedCoversSecretsNestedUnderASecretKey()
{
    // "every string under a secret-named key": also inside objects and arrays of objects.
    const QJsonObject document = parse(R"({
        "secrets": {"openai": "sk-nested-object-1111"},
        "tokens": [{"name": "ci", "value": "token-in-object-2222"}]
    })");
    const QByteArray shown = compact(secrets::masked(document));
    QVERIFY2(!shown.contains("sk-nested-object-1111"), shown.constData());
    QVERIFY2(!shown.contains("token-in-object-2222"), shown.constData());
    // ...and what is masked there comes back on the way in.
    QStringList unmatched;
    QCOMPARE(secrets::unmasked(secrets::masked(document), document, &unmatched), document);
    QVERIFY2(unmatched.isEmpty(), qPrintable(unmatched.join(u',')));
}

void TestConfigSecrets::unmaskedString_data()
{
    QTest::addColumn<QJsonValue>("current");  // providers.p.api_key now
    QTest::addColumn<QJsonValue>("incoming"); // providers.p.api_key sent back
    QTest::addColumn<QJsonValue>("expected");
    QTest::addColumn<bool>("unmatched");
    const QJsonValue key = s("sk-current-key-abcd");
    QTest::addRow("mask sent back: kept") << key << QJsonValue(masked("abcd")) << key << false;
    QTest::addRow("new literal: written")
        << key << QJsonValue(s("sk-brand-new-wxyz")) << QJsonValue(s("sk-brand-new-wxyz")) << false;
    QTest::addRow("$VAR: written")
        << key << QJsonValue(s("$KEY")) << QJsonValue(s("$KEY")) << false;
    QTest::addRow("emptied: written")
        << key << QJsonValue(QString()) << QJsonValue(QString()) << false;
    QTest::addRow("short secret's bare mask: kept")
        << QJsonValue(s("tiny")) << QJsonValue(QString(kEllipsis)) << QJsonValue(s("tiny"))
        << false;
    QTest::addRow("$VAR shown as written, sent back: kept")
        << QJsonValue(s("$KEY")) << QJsonValue(s("$KEY")) << QJsonValue(s("$KEY")) << false;
    QTest::addRow("mask of another key: unmatched")
        << key << QJsonValue(masked("zzzz")) << QJsonValue(masked("zzzz")) << true;
    QTest::addRow("bare mask for a long key: unmatched")
        << key << QJsonValue(QString(kEllipsis)) << QJsonValue(QString(kEllipsis)) << true;
    QTest::addRow("mask where a $VAR is: unmatched")
        << QJsonValue(s("$KEY")) << QJsonValue(masked("abcd")) << QJsonValue(masked("abcd"))
        << true;
    QTest::addRow("mask where there was none: unmatched")
        << QJsonValue(QJsonValue::Undefined) << QJsonValue(masked("abcd"))
        << QJsonValue(masked("abcd")) << true;
}

void TestConfigSecrets::unmaskedString()
{
    QFETCH(QJsonValue, current);
    QFETCH(QJsonValue, incoming);
    QFETCH(QJsonValue, expected);
    QFETCH(bool, unmatched);
    const auto document = [](const QJsonValue &apiKey) {
        QJsonObject provider{{s("endpoint"), s("http://x/v1")}};
        if (!apiKey.isUndefined())
            provider.insert(s("api_key"), apiKey);
        return QJsonObject{{s("providers"), QJsonObject{{s("p"), provider}}}};
    };
    QStringList paths;
    const QJsonObject result = secrets::unmasked(document(incoming), document(current), &paths);
    QCOMPARE(result, document(expected));
    QCOMPARE(paths, unmatched ? QStringList{s("/providers/p/api_key")} : QStringList());
}

void TestConfigSecrets::unmaskedTokenArray_data()
{
    QTest::addColumn<QJsonArray>("current");
    QTest::addColumn<QJsonArray>("incoming");
    QTest::addColumn<QJsonArray>("expected");
    QTest::addColumn<QStringList>("unmatched");
    const QJsonArray abc{s(kTokenA), s(kTokenB), s(kTokenC)};
    const QString a = masked("A111"), b = masked("B222"), c = masked("C333");
    QTest::addRow("unchanged") << abc << QJsonArray{a, b, c} << abc << QStringList();
    QTest::addRow("reordered") << abc << QJsonArray{c, a, b}
                               << QJsonArray{s(kTokenC), s(kTokenA), s(kTokenB)} << QStringList();
    QTest::addRow("one removed") << abc << QJsonArray{a, c} << QJsonArray{s(kTokenA), s(kTokenC)}
                                 << QStringList();
    QTest::addRow("all removed") << abc << QJsonArray() << QJsonArray() << QStringList();
    QTest::addRow("one added") << abc << QJsonArray{b, s("token-new-new-new-N444"), a}
                               << QJsonArray{s(kTokenB), s("token-new-new-new-N444"), s(kTokenA)}
                               << QStringList();
    QTest::addRow("$VAR added") << abc << QJsonArray{s("$T"), c} << QJsonArray{s("$T"), s(kTokenC)}
                                << QStringList();
    QTest::addRow("unknown mask") << abc << QJsonArray{a, masked("9999"), c}
                                  << QJsonArray{s(kTokenA), masked("9999"), s(kTokenC)}
                                  << QStringList{s("/auth/tokens/1")};
    QTest::addRow("one current token used once")
        << abc << QJsonArray{a, a} << QJsonArray{s(kTokenA), a} << QStringList{s("/auth/tokens/1")};
    const QJsonArray twins{s(kTokenB), s(kTokenB2)};
    QTest::addRow("same last 4, both kept") << twins << QJsonArray{b, b} << twins << QStringList();
    QTest::addRow("same last 4, one too many")
        << twins << QJsonArray{b, b, b} << QJsonArray{s(kTokenB), s(kTokenB2), b}
        << QStringList{s("/auth/tokens/2")};
    QTest::addRow("no tokens before")
        << QJsonArray() << QJsonArray{a} << QJsonArray{a} << QStringList{s("/auth/tokens/0")};
}

void TestConfigSecrets::unmaskedTokenArray()
{
    QFETCH(QJsonArray, current);
    QFETCH(QJsonArray, incoming);
    QFETCH(QJsonArray, expected);
    QFETCH(QStringList, unmatched);
    const auto document = [](const QJsonArray &tokens) {
        return QJsonObject{{s("auth"), QJsonObject{{s("enabled"), true}, {s("tokens"), tokens}}}};
    };
    QStringList paths;
    const QJsonObject result = secrets::unmasked(document(incoming), document(current), &paths);
    QVERIFY2(result == document(expected), compact(result).constData());
    QCOMPARE(paths, unmatched);
}

void TestConfigSecrets::unmatchedPathsAreJsonPointers()
{
    const QJsonObject current = parse(R"({
        "providers": {"a/b": {"api_key": "sk-slash-key-1111"},
                      "t~x": {"api_key": "sk-tilde-key-2222"}},
        "list": [{"api_key": "sk-in-array-3333"}]
    })");
    const QJsonObject incoming = parse(R"({
        "providers": {"a/b": {"api_key": "…0000"}, "t~x": {"api_key": "…2222"},
                      "new": {"api_key": "…1111", "name": "…abcd"}},
        "list": [{"api_key": "…3333"}, {"api_key": "…3333"}]
    })");
    QStringList paths;
    const QJsonObject result = secrets::unmasked(incoming, current, &paths);
    paths.sort();
    QCOMPARE(paths, (QStringList{s("/list/1/api_key"), s("/providers/a~1b/api_key"),
                                 s("/providers/new/api_key")}));
    const QJsonObject providers = result.value(QLatin1String("providers")).toObject();
    QCOMPARE(providers.value(QLatin1String("t~x")).toObject().value(QLatin1String("api_key")),
             QJsonValue(s("sk-tilde-key-2222")));
    // A mask-looking value under a key that is not secret is data, not a mask.
    QCOMPARE(providers.value(QLatin1String("new")).toObject().value(QLatin1String("name")),
             QJsonValue(s("…abcd")));
    QCOMPARE(result.value(QLatin1String("list"))
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(QLatin1String("api_key")),
             QJsonValue(s("sk-in-array-3333")));
}

void TestConfigSecrets::roundTripOfTheOriginalConfig_data()
{
    QTest::addColumn<QString>("file");
    for (const char *file : {"aisbf.json", "providers.json", "rotations.json", "autoselect.json"})
        QTest::addRow("%s", file) << s(file);
}

void TestConfigSecrets::roundTripOfTheOriginalConfig()
{
    QFETCH(QString, file);
    const QJsonObject original = readDataFile(file);
    QVERIFY(!original.isEmpty());
    QStringList unmatched;
    const QJsonObject back = secrets::unmasked(secrets::masked(original), original, &unmatched);
    QVERIFY2(unmatched.isEmpty(), qPrintable(unmatched.join(u',')));
    QVERIFY(back == original);
}

QTEST_GUILESS_MAIN(TestConfigSecrets)
#include "tst_config_secrets.moc"
