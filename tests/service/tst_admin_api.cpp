// SPDX-License-Identifier: GPL-3.0-or-later
// The control plane over real HTTP, each test on SQLite and on MariaDB: the dashboard admin's
// login, users, tokens shown once and stored masked, tiers, who may call what (global token,
// admin session, user token, none), rate limits with OpenAI's headers, revocation and expiry,
// the audit log, and usage rows written for chat requests.
#include "GatewayTestMain.h"
#include "TestClient.h"
#include "TestGateway.h"

#include <MockUpstream.h>
#include <StoreTestEnv.h>

#include <control/ControlPlane.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace aisbf::test;

namespace {

const QByteArray kGlobal = "global-secret-token-1";
// SHA-256 of "admin", as the operator guide's dashboard entry stores it.
const QString kAdminSha =
    QStringLiteral("8c6976e5b5410415bde908bd4dee15dfb167a9c873fc4bb8a81f6f2ab448a918");

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

HeaderList bearer(const QByteArray &token)
{
    return {{"Authorization", "Bearer " + token}};
}

} // namespace

class TestAdminApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void loginAsDashboardAdmin_data() { StoreTestEnv::addBackendRows(); }
    void loginAsDashboardAdmin();
    void usersTokensAndWhoMayCallWhat_data() { StoreTestEnv::addBackendRows(); }
    void usersTokensAndWhoMayCallWhat();
    void rateLimitsAnswer429WithHeaders_data() { StoreTestEnv::addBackendRows(); }
    void rateLimitsAnswer429WithHeaders();
    void revokedAndExpiredTokensFail_data() { StoreTestEnv::addBackendRows(); }
    void revokedAndExpiredTokensFail();
    void badInputIsRefused_data() { StoreTestEnv::addBackendRows(); }
    void badInputIsRefused();
    void usageAndAuditAreRecorded_data() { StoreTestEnv::addBackendRows(); }
    void usageAndAuditAreRecorded();
    void withoutDatabaseTheAdminApiIs503();

private:
    /** A gateway with auth on, the global token, the dashboard admin and provider "p". */
    bool startGateway(TestGateway &gateway, const aisbf::store::DatabaseConfig &database);
    /** Creates @p username (role user, optional tier) and an api token for them. */
    QByteArray userWithToken(quint16 port, const QString &username, const QJsonObject &token = {},
                             const QJsonValue &tierId = QJsonValue::Null);

    MockUpstream m_mock;
    StoreTestEnv m_env;
};

void TestAdminApi::initTestCase()
{
    QVERIFY(m_mock.listen());
}

void TestAdminApi::cleanup()
{
    m_env.dropAll();
}

bool TestAdminApi::startGateway(TestGateway &gateway, const aisbf::store::DatabaseConfig &database)
{
    TestConfig config;
    config.addProvider(s("p"), m_mock.baseUrl(), {s("m")});
    config.set(s("auth"), s("enabled"), true);
    config.set(s("auth"), s("tokens"), QJsonArray{QString::fromLatin1(kGlobal)});
    config.set(s("dashboard"), s("username"), s("admin"));
    config.set(s("dashboard"), s("password"), kAdminSha);
    config.database = database;
    return gateway.start(config);
}

QByteArray TestAdminApi::userWithToken(quint16 port, const QString &username,
                                       const QJsonObject &token, const QJsonValue &tierId)
{
    TestClient client(port);
    const HttpReply user = client.post("/api/admin/users",
                                       json({{s("username"), username},
                                             {s("password"), s("correct horse battery")},
                                             {s("tier_id"), tierId}}),
                                       bearer(kGlobal));
    if (user.status != 201)
        qWarning("create user: %d %s", user.status, user.body.constData());
    QJsonObject request = token;
    if (!request.contains(QLatin1String("name")))
        request.insert(s("name"), s("app"));
    const HttpReply created = client.post("/api/admin/users/" + username.toUtf8() + "/tokens",
                                          json(request), bearer(kGlobal));
    if (created.status != 201)
        qWarning("create token: %d %s", created.status, created.body.constData());
    return created.json().value(QLatin1String("token")).toString().toUtf8();
}

void TestAdminApi::loginAsDashboardAdmin()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database));
    TestClient client(gateway.port());

    HttpReply reply = client.post("/api/admin/login",
                                  json({{s("username"), s("admin")}, {s("password"), s("wrong")}}));
    QCOMPARE(reply.status, 401);
    reply = client.post("/api/admin/login",
                        json({{s("username"), s("admin")}, {s("password"), s("admin")}}));
    QCOMPARE(reply.status, 200);
    const QByteArray session = reply.json().value(QLatin1String("token")).toString().toUtf8();
    QVERIFY(session.startsWith("aisbf_"));
    QVERIFY(QDateTime::fromString(reply.json().value(QLatin1String("expires_at")).toString(),
                                  Qt::ISODateWithMs)
                .isValid());

    // The session works on the admin API; the bootstrap admin is now a user row.
    reply = client.get("/api/admin/users", bearer(session));
    QCOMPARE(reply.status, 200);
    const QJsonArray users = reply.json().value(QLatin1String("data")).toArray();
    QCOMPARE(users.size(), 1);
    QCOMPARE(users.at(0).toObject().value(QLatin1String("role")).toString(), s("admin"));
    // ...and logging in again reuses that row.
    reply = client.post("/api/admin/login",
                        json({{s("username"), s("admin")}, {s("password"), s("admin")}}));
    QCOMPARE(reply.status, 200);
    QCOMPARE(client.get("/api/admin/users", bearer(session))
                 .json()
                 .value(QLatin1String("data"))
                 .toArray()
                 .size(),
             1);
}

void TestAdminApi::usersTokensAndWhoMayCallWhat()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database));
    const QByteArray alice = userWithToken(gateway.port(), s("alice"));
    const QByteArray bob = userWithToken(gateway.port(), s("bob"));
    QVERIFY(alice.startsWith("aisbf_") && bob.startsWith("aisbf_"));
    TestClient client(gateway.port());

    // Tokens are listed masked: the secret is never returned again.
    HttpReply reply = client.get("/api/admin/users/alice/tokens", bearer(kGlobal));
    QCOMPARE(reply.status, 200);
    QVERIFY(!reply.body.contains(alice));
    const QString masked = reply.json()
                               .value(QLatin1String("data"))
                               .toArray()
                               .at(0)
                               .toObject()
                               .value(QLatin1String("token"))
                               .toString();
    QVERIFY2(masked.endsWith(QString::fromLatin1(alice.right(4))), qPrintable(masked));

    const QByteArray chat = chatBody(s("p/m"));
    struct Case
    {
        const char *what;
        QByteArray method;
        QByteArray path;
        QByteArray token;
        int status;
    };
    const QList<Case> cases{
        {"no token, chat", "POST", "/api/v1/chat/completions", {}, 401},
        {"no token, admin", "GET", "/api/admin/users", {}, 401},
        {"unknown token, chat", "POST", "/api/v1/chat/completions", "aisbf_nope", 401},
        {"global token, chat", "POST", "/api/v1/chat/completions", kGlobal, 200},
        {"global token, admin", "GET", "/api/admin/users", kGlobal, 200},
        {"user token, chat", "POST", "/api/v1/chat/completions", alice, 200},
        {"user token, models", "GET", "/api/v1/models", alice, 200},
        {"user token, admin", "GET", "/api/admin/users", alice, 403},
        {"user token, another user's tokens", "GET", "/api/admin/users/bob/tokens", alice, 403},
        {"user token, create a token", "POST", "/api/admin/users/alice/tokens", alice, 403},
    };
    for (const Case &c : cases) {
        reply = client.request(c.method, c.path, c.method == "POST" ? chat : QByteArray(),
                               c.token.isEmpty() ? HeaderList{} : bearer(c.token));
        QVERIFY2(reply.status == c.status, qPrintable(QStringLiteral("%1: %2 %3")
                                                          .arg(QLatin1String(c.what))
                                                          .arg(reply.status)
                                                          .arg(QString::fromUtf8(reply.body))));
    }

    // An admin user's admin-scope token reaches the admin API but not chat.
    reply = client.post("/api/admin/users",
                        json({{s("username"), s("root")},
                              {s("password"), s("long enough pw")},
                              {s("role"), s("admin")}}),
                        bearer(kGlobal));
    QCOMPARE(reply.status, 201);
    reply = client.post("/api/admin/users/root/tokens",
                        json({{s("name"), s("ops")}, {s("scope"), s("admin")}}), bearer(kGlobal));
    QCOMPARE(reply.status, 201);
    const QByteArray rootToken = reply.json().value(QLatin1String("token")).toString().toUtf8();
    QCOMPARE(client.get("/api/admin/users", bearer(rootToken)).status, 200);
    QCOMPARE(client.post("/api/v1/chat/completions", chat, bearer(rootToken)).status, 403);
    // A plain user cannot hold an admin-scope token.
    reply = client.post("/api/admin/users/alice/tokens",
                        json({{s("name"), s("x")}, {s("scope"), s("admin")}}), bearer(kGlobal));
    QCOMPARE(reply.status, 400);
}

void TestAdminApi::rateLimitsAnswer429WithHeaders()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database));
    TestClient client(gateway.port());
    HttpReply reply = client.post(
        "/api/admin/tiers",
        json({{s("name"), s("tiny")}, {s("requests_per_minute"), 2}, {s("requests_per_day"), 100}}),
        bearer(kGlobal));
    QCOMPARE(reply.status, 201);
    const QJsonValue tierId = reply.json().value(QLatin1String("id"));
    const QByteArray token = userWithToken(gateway.port(), s("carol"), {}, tierId);

    const QByteArray chat = chatBody(s("p/m"));
    reply = client.post("/api/v1/chat/completions", chat, bearer(token));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("x-ratelimit-limit-requests"), QByteArray("2"));
    QCOMPARE(reply.header("x-ratelimit-remaining-requests"), QByteArray("1"));
    QCOMPARE(client.post("/api/v1/chat/completions", chat, bearer(token)).status, 200);
    reply = client.post("/api/v1/chat/completions", chat, bearer(token));
    QCOMPARE(reply.status, 429);
    QCOMPARE(reply.error().value(QLatin1String("code")).toString(), s("rate_limit_exceeded"));
    QVERIFY(reply.header("retry-after").toInt() >= 1);
    QCOMPARE(reply.header("x-ratelimit-remaining-requests"), QByteArray("0"));
    // The operator's global token is not limited.
    QCOMPARE(client.post("/api/v1/chat/completions", chat, bearer(kGlobal)).status, 200);

    // A token's own per-minute limit applies on top of the tier's.
    const QByteArray capped = userWithToken(
        gateway.port(), s("dave"), {{s("name"), s("capped")}, {s("requests_per_minute"), 1}});
    QCOMPARE(client.post("/api/v1/chat/completions", chat, bearer(capped)).status, 200);
    QCOMPARE(client.post("/api/v1/chat/completions", chat, bearer(capped)).status, 429);
}

void TestAdminApi::revokedAndExpiredTokensFail()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database));
    const QByteArray token = userWithToken(gateway.port(), s("erin"));
    TestClient client(gateway.port());
    const QByteArray chat = chatBody(s("p/m"));
    QCOMPARE(client.post("/api/v1/chat/completions", chat, bearer(token)).status, 200);
    HttpReply reply = client.get("/api/admin/users/erin/tokens", bearer(kGlobal));
    const QString id = QString::number(reply.json()
                                           .value(QLatin1String("data"))
                                           .toArray()
                                           .at(0)
                                           .toObject()
                                           .value(QLatin1String("id"))
                                           .toInt());
    reply = client.request("DELETE", "/api/admin/users/erin/tokens/" + id.toUtf8(), {},
                           bearer(kGlobal));
    QCOMPARE(reply.status, 200);
    // Revocation is effective at once on this node (within 1 s on the others).
    QCOMPARE(client.post("/api/v1/chat/completions", chat, bearer(token)).status, 401);
    reply = client.get("/api/admin/users/erin/tokens", bearer(kGlobal));
    QVERIFY(reply.json()
                .value(QLatin1String("data"))
                .toArray()
                .at(0)
                .toObject()
                .value(QLatin1String("revoked_at"))
                .isString());

    const QByteArray expired =
        userWithToken(gateway.port(), s("frank"),
                      {{s("name"), s("old")}, {s("expires_at"), s("2020-01-01T00:00:00Z")}});
    QVERIFY(!expired.isEmpty());
    QCOMPARE(client.post("/api/v1/chat/completions", chat, bearer(expired)).status, 401);
    // A token of another user is not found under this user's path.
    reply = client.request("DELETE", "/api/admin/users/frank/tokens/" + id.toUtf8(), {},
                           bearer(kGlobal));
    QCOMPARE(reply.status, 404);
}

void TestAdminApi::badInputIsRefused()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database));
    TestClient client(gateway.port());
    struct Case
    {
        QByteArray method;
        QByteArray path;
        QByteArray body;
        int status;
    };
    const QList<Case> cases{
        {"POST", "/api/admin/users", "{not json", 400},
        {"POST", "/api/admin/users", R"({"username":"","password":"long enough"})", 400},
        {"POST", "/api/admin/users", R"({"username":"a/b","password":"long enough"})", 400},
        {"POST", "/api/admin/users", R"({"username":"gina","password":"short"})", 400},
        {"POST", "/api/admin/users", R"({"username":"gina","password":"long enough","role":"god"})",
         400},
        {"POST", "/api/admin/users", R"({"username":"gina","password":"long enough"})", 201},
        {"POST", "/api/admin/users", R"({"username":"gina","password":"long enough"})", 409},
        {"POST", "/api/admin/users", R"({"username":"hal","password":"long enough","tier_id":999})",
         422},
        {"GET", "/api/admin/users/nobody", {}, 404},
        {"PATCH", "/api/admin/users/gina", R"({"disabled":"yes"})", 400},
        {"POST", "/api/admin/users/gina/tokens", R"({"name":""})", 400},
        {"POST", "/api/admin/users/gina/tokens", R"({"name":"t","expires_at":"soon"})", 400},
        {"POST", "/api/admin/tiers", R"({"name":"t","requests_per_minute":-1})", 400},
        {"POST", "/api/admin/tiers", R"({"requests_per_minute":1})", 400},
        {"PATCH", "/api/admin/tiers/12345", R"({"name":"x"})", 404},
    };
    for (const Case &c : cases) {
        const HttpReply reply = client.request(c.method, c.path, c.body, bearer(kGlobal));
        QVERIFY2(reply.status == c.status,
                 qPrintable(QStringLiteral("%1 %2 %3: %4 %5")
                                .arg(QString::fromLatin1(c.method), QString::fromLatin1(c.path),
                                     QString::fromUtf8(c.body))
                                .arg(reply.status)
                                .arg(QString::fromUtf8(reply.body))));
        if (c.status >= 400)
            QVERIFY2(!reply.error().value(QLatin1String("message")).toString().isEmpty(),
                     reply.body.constData());
    }
    // A disabled user's token stops working.
    const QByteArray token = userWithToken(gateway.port(), s("ivan"));
    QCOMPARE(client.post("/api/v1/chat/completions", chatBody(s("p/m")), bearer(token)).status,
             200);
    QCOMPARE(
        client.request("PATCH", "/api/admin/users/ivan", R"({"disabled":true})", bearer(kGlobal))
            .status,
        200);
    QCOMPARE(client.post("/api/v1/chat/completions", chatBody(s("p/m")), bearer(token)).status,
             401);
}

void TestAdminApi::usageAndAuditAreRecorded()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database));
    const QByteArray token = userWithToken(gateway.port(), s("judy"));
    TestClient client(gateway.port());
    for (int i = 0; i < 3; ++i)
        QCOMPARE(client.post("/api/v1/chat/completions", chatBody(s("p/m")), bearer(token)).status,
                 200);
    QCOMPARE(client.post("/api/v1/chat/completions", chatBody(s("p/nope")), bearer(token)).status,
             404);

    aisbf::control::ControlPlane *plane = gateway->controlPlane();
    QVERIFY(plane->usage().flush(10'000));
    const qint64 userId = plane->users().findByUsername(s("judy"))->id;
    const QList<aisbf::store::UsageRecord> usage = storedUsage(plane->database());
    const auto byJudy = [&](const auto &also) {
        return std::count_if(usage.cbegin(), usage.cend(),
                             [&](const auto &r) { return r.userId == userId && also(r); });
    };
    QCOMPARE(byJudy([](const auto &) { return true; }), 4);
    QCOMPARE(byJudy([](const auto &r) {
                 return r.status == 200 && r.provider == QLatin1String("p") &&
                        r.model == QLatin1String("m") && r.promptTokens > 0;
             }),
             3);
    QCOMPARE(scalar(plane->database(),
                    QStringLiteral("SELECT SUM(requests) FROM usage_rollups WHERE user_id = ?"),
                    {userId}),
             4);

    const HttpReply audit = client.get("/api/admin/audit", bearer(kGlobal));
    QCOMPARE(audit.status, 200);
    QStringList actions;
    for (const QJsonValue &entry : audit.json().value(QLatin1String("data")).toArray())
        actions.append(entry.toObject().value(QLatin1String("action")).toString());
    QVERIFY2(actions.contains(s("user.create")) && actions.contains(s("token.create")),
             qPrintable(actions.join(u',')));
    QVERIFY(!audit.body.contains(token));
}

void TestAdminApi::withoutDatabaseTheAdminApiIs503()
{
    TestConfig config;
    config.addProvider(s("p"), m_mock.baseUrl(), {s("m")});
    TestGateway gateway;
    QVERIFY(gateway.start(config));
    TestClient client(gateway.port());
    QCOMPARE(client.get("/api/admin/users").status, 503);
    QCOMPARE(client.post("/api/admin/login", "{}").status, 503);
    QCOMPARE(client.post("/api/v1/chat/completions", chatBody(s("p/m"))).status, 200);
}

AISBF_GATEWAY_TEST_MAIN(TestAdminApi)
#include "tst_admin_api.moc"
