// SPDX-License-Identifier: GPL-3.0-or-later
// Each user's own providers, rotations and autoselects, end to end over real HTTP, each test on
// SQLite and on MariaDB: the documents round trip through the admin API and the user's own
// token, API keys are masked on the way out, sealed at rest and sent in clear to the upstream,
// bad documents and too many routes are refused with diagnostics, chat reaches the user's
// routes on every chat endpoint, users are kept apart, a user's provider cools down apart from a
// global one of the same id, /models lists the user's routes, and usage rows name them.
#include "GatewayTestMain.h"
#include "TestClient.h"
#include "TestGateway.h"

#include <MockUpstream.h>
#include <StoreTestEnv.h>

#include <control/ControlPlane.h>
#include <dispatch/CooldownBook.h>

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <utility>

using namespace aisbf::test;

namespace {

const QByteArray kGlobal = "global-secret-token-1";
// SHA-256 of "admin", as the operator guide's dashboard entry stores it.
const QString kAdminSha =
    QStringLiteral("8c6976e5b5410415bde908bd4dee15dfb167a9c873fc4bb8a81f6f2ab448a918");
const QString kAliceKey = QStringLiteral("sk-alice-upstream-key-7f3a");
const QString kBobKey = QStringLiteral("sk-bob-upstream-key-9c1e");

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

HeaderList bearer(const QByteArray &token)
{
    return {{"Authorization", "Bearer " + token}};
}

QString text(const QJsonObject &object, const char *key)
{
    return object.value(QLatin1String(key)).toString();
}

/** An OpenAI-type provider document (no "id": the key of the map names it). */
QJsonObject provider(const QUrl &endpoint, const QStringList &models, const QString &apiKey = {})
{
    QJsonArray list;
    for (const QString &model : models)
        list.append(QJsonObject{{s("name"), model}});
    QJsonObject p{
        {s("type"), s("openai")}, {s("endpoint"), endpoint.toString()}, {s("models"), list}};
    if (!apiKey.isEmpty())
        p.insert(s("api_key"), apiKey);
    return p;
}

QJsonObject rotation(const QJsonArray &entries)
{
    return {{s("providers"), entries}};
}

QJsonObject wrapped(const char *key, const QJsonObject &routes)
{
    return {{QLatin1String(key), routes}};
}

/** "…" + the last 4 characters, as the API masks secrets of 12 characters or more. */
QString masked(const QString &secret)
{
    return QChar(0x2026) + secret.right(4);
}

/** "Bearer <key>": the Authorization header an upstream gets for a provider's key. */
QByteArray bearerOf(const QString &key)
{
    return QByteArrayLiteral("Bearer ") + key.toUtf8();
}

/** "{what}: {status} {body}" for QVERIFY2. */
QByteArray said(const char *what, const HttpReply &reply)
{
    return QByteArray(what) + ": " + QByteArray::number(reply.status) + ' ' + reply.body;
}

// A document PUT refuses: the answer's status and code, and the path of an error diagnostic
// (empty: no diagnostics). Each starts from provider "mine" and rotation "r" [mine/m].
struct InvalidCase
{
    const char *name;
    QByteArray kind;
    QByteArray body;
    int status;
    const char *code;
    const char *path;
};

QList<InvalidCase> invalidCases()
{
    const QByteArray url = "http://127.0.0.1:9/v1";
    return {
        {"$VAR key", "providers",
         R"({"providers":{"mine":{"type":"openai","endpoint":")" + url +
             R"(","api_key":"$OPENAI_API_KEY"}}})",
         422, "config_invalid", "/providers/mine/api_key"},
        {"bad URL", "providers",
         R"({"providers":{"mine":{"type":"openai","endpoint":"not a url"}}})", 422,
         "config_invalid", "/providers/mine/endpoint"},
        {"provider not an object", "providers", R"({"providers":{"mine":"openai"}})", 422,
         "config_invalid", "/providers/mine"},
        {"masked key that matches nothing", "providers",
         "{\"providers\":{\"other\":{\"type\":\"openai\",\"endpoint\":\"" + url +
             "\",\"api_key\":\"\xe2\x80\xa6zzzz\"}}}",
         422, "config_invalid", "/providers/other/api_key"},
        {"reserved provider id", "providers",
         R"({"providers":{"user":{"type":"openai","endpoint":")" + url + R"("}}})", 422,
         "config_invalid", "/providers/user"},
        {"unknown provider in a rotation", "rotations",
         R"({"rotations":{"r":{"providers":[{"provider_id":"ghost","model":"m"}]}}})", 422,
         "config_invalid", "/rotations/r/providers/0/provider_id"},
        {"global provider in a rotation", "rotations",
         R"({"rotations":{"r":{"providers":[{"provider_id":"p","model":"m"}]}}})", 422,
         "config_invalid", "/rotations/r/providers/0/provider_id"},
        {"weight 0", "rotations",
         R"({"rotations":{"r":{"providers":[{"provider_id":"mine","model":"m","weight":0}]}}})",
         422, "config_invalid", "/rotations/r/providers/0/weight"},
        {"weight < 0", "rotations",
         R"({"rotations":{"r":{"providers":[{"provider_id":"mine","model":"m","weight":-2}]}}})",
         422, "config_invalid", "/rotations/r/providers/0/weight"},
        {"rotation not an object", "rotations", R"({"rotations":{"r":7}})", 422, "config_invalid",
         "/rotations/r"},
        {"rotations not an object", "rotations", R"({"rotations":[]})", 422, "config_invalid",
         "/rotations"},
        {"autoselect not an object", "autoselects", R"({"a":"user-rotation/r"})", 422,
         "config_invalid", "/a"},
        {"body an array", "providers", "[]", 400, "invalid_request", ""},
        {"body not JSON", "rotations", "{\"rotations\":", 400, "invalid_request", ""},
        {"removing a provider a rotation uses", "providers", R"({"providers":{}})", 422,
         "config_invalid", "/rotations/r/providers/0/provider_id"},
    };
}

} // namespace

class TestUserRoutes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void documentsRoundTrip_data();
    void documentsRoundTrip();
    void apiKeysAreMaskedSealedAndSent_data() { StoreTestEnv::addBackendRows(); }
    void apiKeysAreMaskedSealedAndSent();
    void invalidDocumentsAreRefused_data() { StoreTestEnv::addBackendRows(); }
    void invalidDocumentsAreRefused();
    void maxRoutesCountsEveryKind_data() { StoreTestEnv::addBackendRows(); }
    void maxRoutesCountsEveryKind();
    void chatReachesUserRoutes_data();
    void chatReachesUserRoutes();
    void usersAreKeptApart_data() { StoreTestEnv::addBackendRows(); }
    void authOffKeepsUsersRoutesClosed_data() { StoreTestEnv::addBackendRows(); }
    void authOffKeepsUsersRoutesClosed();
    void usersAreKeptApart();
    void userProviderCoolsDownApart_data() { StoreTestEnv::addBackendRows(); }
    void userProviderCoolsDownApart();
    void changesAreServedAtOnce_data() { StoreTestEnv::addBackendRows(); }
    void changesAreServedAtOnce();
    void modelsListUserThenGlobalRoutes_data() { StoreTestEnv::addBackendRows(); }
    void modelsListUserThenGlobalRoutes();
    void usageRowsNameTheUserRoute_data() { StoreTestEnv::addBackendRows(); }
    void usageRowsNameTheUserRoute();
    void deletingAUserDropsTheirRoutes_data() { StoreTestEnv::addBackendRows(); }
    void deletingAUserDropsTheirRoutes();
    void keysCanBeSetAgainAfterTheServerKeyChanged_data() { StoreTestEnv::addBackendRows(); }
    void keysCanBeSetAgainAfterTheServerKeyChanged();
    void longRouteIdsAreAnsweredAlikeOnBothBackends_data() { StoreTestEnv::addBackendRows(); }
    void longRouteIdsAreAnsweredAlikeOnBothBackends();
    void autoselectUsesTheCallersOwnRoutes_data() { StoreTestEnv::addBackendRows(); }
    void autoselectUsesTheCallersOwnRoutes();

private:
    /**
     * A gateway with auth on, the global token, the dashboard admin, global provider "p" (model
     * "m", on m_global) and global rotation "gr" [p/m], its config files in @p directory (where
     * the server key is kept).
     */
    bool startGateway(TestGateway &gateway, const aisbf::store::DatabaseConfig &database,
                      const QString &directory, bool authEnabled = true,
                      const std::function<void(TestConfig &)> &adjust = {});
    /** Creates @p username (role user, optional tier) and an api token for them. */
    QByteArray userWithToken(quint16 port, const QString &username,
                             const QJsonValue &tierId = QJsonValue::Null);
    /** PUT of a user route document; @p username empty: /api/user/… with @p token. */
    HttpReply put(quint16 port, const QString &username, const char *kind,
                  const QJsonObject &document, const QByteArray &token = kGlobal);
    HttpReply get(quint16 port, const QString &username, const char *kind,
                  const QByteArray &token = kGlobal);
    /** Gives @p username provider "mine" (model "m", on m_user, @p key) and rotation "r"
     *  [mine/m] through the admin API. */
    bool giveRoutes(quint16 port, const QString &username, const QString &key);
    /** The stored document of one route, read from the user_routes table itself. */
    QJsonObject storedRoute(aisbf::control::ControlPlane *plane, qint64 userId, const QString &kind,
                            const QString &routeId);

    MockUpstream m_global; ///< the global provider "p"
    MockUpstream m_user;   ///< the users' own providers
    StoreTestEnv m_env;
};

void TestUserRoutes::initTestCase()
{
    QVERIFY(m_global.listen());
    QVERIFY(m_user.listen());
    m_global.setCompletionText(s("from-global"));
    m_user.setCompletionText(s("from-user"));
}

void TestUserRoutes::cleanup()
{
    m_global.clearFaults();
    m_user.clearFaults();
    m_global.clearRequests();
    m_user.clearRequests();
    m_env.dropAll();
}

bool TestUserRoutes::startGateway(TestGateway &gateway,
                                  const aisbf::store::DatabaseConfig &database,
                                  const QString &directory, bool authEnabled,
                                  const std::function<void(TestConfig &)> &adjust)
{
    TestConfig config;
    config.addProvider(s("p"), m_global.baseUrl(), {s("m")});
    config.addRotation(s("gr"), {rotationEntry(s("p"), s("m"))});
    config.set(s("auth"), s("enabled"), authEnabled);
    config.set(s("auth"), s("tokens"), QJsonArray{QString::fromLatin1(kGlobal)});
    config.set(s("dashboard"), s("username"), s("admin"));
    config.set(s("dashboard"), s("password"), kAdminSha);
    config.database = database;
    config.directory = directory;
    if (adjust)
        adjust(config);
    return gateway.start(config);
}

QByteArray TestUserRoutes::userWithToken(quint16 port, const QString &username,
                                         const QJsonValue &tierId)
{
    TestClient client(port);
    const HttpReply user = client.post("/api/admin/users",
                                       json({{s("username"), username},
                                             {s("password"), s("correct horse battery")},
                                             {s("tier_id"), tierId}}),
                                       bearer(kGlobal));
    if (user.status != 201)
        qWarning("create user: %d %s", user.status, user.body.constData());
    const HttpReply created = client.post("/api/admin/users/" + username.toUtf8() + "/tokens",
                                          json({{s("name"), s("app")}}), bearer(kGlobal));
    if (created.status != 201)
        qWarning("create token: %d %s", created.status, created.body.constData());
    return text(created.json(), "token").toUtf8();
}

HttpReply TestUserRoutes::put(quint16 port, const QString &username, const char *kind,
                              const QJsonObject &document, const QByteArray &token)
{
    const QByteArray path = username.isEmpty()
                                ? QByteArray("/api/user/" + QByteArray(kind))
                                : QByteArray("/api/admin/users/" + username.toUtf8() + '/' + kind);
    return httpRequest(port, "PUT", path, json(document), bearer(token));
}

HttpReply TestUserRoutes::get(quint16 port, const QString &username, const char *kind,
                              const QByteArray &token)
{
    const QByteArray path = username.isEmpty()
                                ? QByteArray("/api/user/" + QByteArray(kind))
                                : QByteArray("/api/admin/users/" + username.toUtf8() + '/' + kind);
    return httpRequest(port, "GET", path, {}, bearer(token));
}

bool TestUserRoutes::giveRoutes(quint16 port, const QString &username, const QString &key)
{
    const HttpReply providers =
        put(port, username, "providers",
            wrapped("providers", {{s("mine"), provider(m_user.baseUrl(), {s("m")}, key)}}));
    const HttpReply rotations =
        put(port, username, "rotations",
            wrapped("rotations", {{s("r"), rotation({rotationEntry(s("mine"), s("m"))})}}));
    if (providers.status != 200 || rotations.status != 200) {
        qWarning("give routes: %s / %s", said("providers", providers).constData(),
                 said("rotations", rotations).constData());
        return false;
    }
    return true;
}

QJsonObject TestUserRoutes::storedRoute(aisbf::control::ControlPlane *plane, qint64 userId,
                                        const QString &kind, const QString &routeId)
{
    auto q = plane->database().query(
        QStringLiteral("SELECT document FROM user_routes WHERE user_id = ? AND kind = ? AND "
                       "route_id = ?"),
        {userId, kind, routeId});
    if (!q || !q->next())
        return {};
    return QJsonDocument::fromJson(q->value(0).toString().toUtf8()).object();
}

void TestUserRoutes::documentsRoundTrip_data()
{
    QTest::addColumn<QString>("backend");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<bool>("viaAdmin");
    for (const QString &backend : StoreTestEnv::backends()) {
        for (const char *kind : {"providers", "rotations", "autoselects"}) {
            for (const bool viaAdmin : {true, false}) {
                QTest::addRow("%s: %s via %s", qPrintable(backend), kind,
                              viaAdmin ? "admin" : "own token")
                    << backend << QString::fromLatin1(kind) << viaAdmin;
            }
        }
    }
}

void TestUserRoutes::documentsRoundTrip()
{
    QFETCH(QString, backend);
    QFETCH(QString, kind);
    QFETCH(bool, viaAdmin);
    STORE_FRESH_CONFIG(m_env, backend, database);
    QTemporaryDir dir;
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database, dir.path()));
    const quint16 port = gateway.port();
    const QByteArray alice = userWithToken(port, s("alice"));
    QVERIFY(alice.startsWith("aisbf_"));

    // Nothing yet: each kind answers its empty document.
    QCOMPARE(get(port, s("alice"), "providers").json(), wrapped("providers", {}));
    QCOMPARE(get(port, {}, "rotations", alice).json(), wrapped("rotations", {}));
    QCOMPARE(get(port, {}, "autoselects", alice).json(), QJsonObject());

    // Rotations and autoselects need a provider to point at.
    if (kind != QLatin1String("providers"))
        QVERIFY(giveRoutes(port, s("alice"), kAliceKey));

    QJsonObject document;
    QJsonObject expected;
    if (kind == QLatin1String("providers")) {
        QJsonObject mine = provider(m_user.baseUrl(), {s("m"), s("m2")}, kAliceKey);
        mine.insert(s("default_error_cooldown"), 7);
        document = wrapped("providers",
                           {{s("mine"), mine}, {s("bare"), provider(m_user.baseUrl(), {s("x")})}});
        mine.insert(s("api_key"), masked(kAliceKey));
        expected = wrapped("providers",
                           {{s("mine"), mine}, {s("bare"), provider(m_user.baseUrl(), {s("x")})}});
    } else if (kind == QLatin1String("rotations")) {
        QJsonObject r = rotation({rotationEntry(s("mine"), s("m"), 2)});
        r.insert(s("model_name"), s("r"));
        document =
            wrapped("rotations",
                    {{s("r"), r}, {s("r2"), rotation({rotationEntry(s("mine"), s("m"), 0.5)})}});
        expected = document;
    } else {
        document = {
            {s("a"), QJsonObject{{s("fallback"), s("user-rotation/r")},
                                 {s("available_models"),
                                  QJsonArray{QJsonObject{{s("model_id"), s("user-rotation/r")},
                                                         {s("description"), s("mine")}}}}}}};
        expected = document;
    }

    const char *kindName = kind == QLatin1String("providers")   ? "providers"
                           : kind == QLatin1String("rotations") ? "rotations"
                                                                : "autoselects";
    const HttpReply saved = put(port, viaAdmin ? s("alice") : QString(), kindName, document,
                                viaAdmin ? kGlobal : alice);
    QVERIFY2(saved.status == 200, said("PUT", saved).constData());
    QCOMPARE(saved.json().value(QLatin1String("saved")).toBool(), true);
    QCOMPARE(text(saved.json(), "kind"), kind);
    QCOMPARE(saved.json().value(QLatin1String("routes")).toInt(),
             2 - int(kind == s("autoselects")));

    // Both ways of reading answer the same document, keys masked.
    const HttpReply byAdmin = get(port, s("alice"), kindName);
    const HttpReply byUser = get(port, {}, kindName, alice);
    QCOMPARE(byAdmin.status, 200);
    QCOMPARE(byUser.status, 200);
    QCOMPARE(byAdmin.json(), expected);
    QCOMPARE(byUser.json(), expected);
    QVERIFY(!byAdmin.body.contains(kAliceKey.toUtf8()));
    QVERIFY(!byUser.body.contains(kAliceKey.toUtf8()));

    // The audit log names the change.
    const HttpReply audit = httpRequest(port, "GET", "/api/admin/audit", {}, bearer(kGlobal));
    QVERIFY(audit.body.contains("user_routes.save"));
    QVERIFY(!audit.body.contains(kAliceKey.toUtf8()));
}

void TestUserRoutes::apiKeysAreMaskedSealedAndSent()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    QTemporaryDir dir;
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database, dir.path()));
    const quint16 port = gateway.port();
    const QByteArray alice = userWithToken(port, s("alice"));
    const QString shortKey = s("sk-short"); // under 12 characters: masked to "…" alone
    HttpReply reply =
        put(port, {}, "providers",
            wrapped("providers", {{s("mine"), provider(m_user.baseUrl(), {s("m")}, kAliceKey)},
                                  {s("small"), provider(m_user.baseUrl(), {s("m")}, shortKey)}}),
            alice);
    QVERIFY2(reply.status == 200, said("PUT", reply).constData());

    // At rest: sealed ("v1:…"), the key nowhere in the row.
    aisbf::control::ControlPlane *plane = gateway->controlPlane();
    const qint64 aliceId = plane->users().findByUsername(s("alice"))->id;
    const QString sealed = text(storedRoute(plane, aliceId, s("provider"), s("mine")), "api_key");
    QVERIFY2(sealed.startsWith(QLatin1String("v1:")), qPrintable(sealed));
    QVERIFY(!sealed.contains(kAliceKey));
    QVERIFY(!sealed.contains(kAliceKey.right(8)));
    const QString sealedShort =
        text(storedRoute(plane, aliceId, s("provider"), s("small")), "api_key");
    QVERIFY2(sealedShort.startsWith(QLatin1String("v1:")), qPrintable(sealedShort));
    QVERIFY(QFileInfo::exists(dir.filePath(s("secret.key"))));

    // On the way out: masked.
    const HttpReply read = get(port, {}, "providers", alice);
    QCOMPARE(read.status, 200);
    const QJsonObject providers = read.json().value(QLatin1String("providers")).toObject();
    QCOMPARE(text(providers.value(QLatin1String("mine")).toObject(), "api_key"), masked(kAliceKey));
    QCOMPARE(text(providers.value(QLatin1String("small")).toObject(), "api_key"),
             QString(QChar(0x2026)));
    QVERIFY(!read.body.contains(kAliceKey.toUtf8()) && !read.body.contains(shortKey.toUtf8()));
    QVERIFY(!read.body.contains(sealed.toUtf8()));

    // To the upstream: in clear, as the bearer.
    const auto chatAs = [&](const QString &model) {
        return httpRequest(port, "POST", "/api/user/chat/completions", chatBody(model),
                           bearer(alice));
    };
    reply = chatAs(s("user-provider/mine/m"));
    QVERIFY2(reply.status == 200, said("chat", reply).constData());
    QCOMPARE(m_user.lastRequest().header("authorization"), bearerOf(kAliceKey));
    reply = chatAs(s("user-provider/small/m"));
    QCOMPARE(reply.status, 200);
    QCOMPARE(m_user.lastRequest().header("authorization"), bearerOf(shortKey));

    // GET -> PUT of the masked document, with one edit, keeps both keys (sealed anew).
    QJsonObject edited = read.json();
    QJsonObject editedProviders = edited.value(QLatin1String("providers")).toObject();
    QJsonObject mine = editedProviders.value(QLatin1String("mine")).toObject();
    mine.insert(s("default_error_cooldown"), 9);
    editedProviders.insert(s("mine"), mine);
    edited.insert(s("providers"), editedProviders);
    reply = put(port, {}, "providers", edited, alice);
    QVERIFY2(reply.status == 200, said("PUT masked", reply).constData());
    const QJsonObject resealed = storedRoute(plane, aliceId, s("provider"), s("mine"));
    QCOMPARE(resealed.value(QLatin1String("default_error_cooldown")).toInt(), 9);
    QVERIFY(text(resealed, "api_key").startsWith(QLatin1String("v1:")));
    QVERIFY(!text(resealed, "api_key").contains(QChar(0x2026)));
    reply = chatAs(s("user-provider/mine/m"));
    QCOMPARE(reply.status, 200);
    QCOMPARE(m_user.lastRequest().header("authorization"), bearerOf(kAliceKey));
    reply = chatAs(s("user-provider/small/m"));
    QCOMPARE(reply.status, 200);
    QCOMPARE(m_user.lastRequest().header("authorization"), bearerOf(shortKey));

    // The admin reads the same masked document; the global token never sees the key either.
    reply = get(port, s("alice"), "providers");
    QCOMPARE(reply.status, 200);
    QVERIFY(!reply.body.contains(kAliceKey.toUtf8()));
    QCOMPARE(text(reply.json()
                      .value(QLatin1String("providers"))
                      .toObject()
                      .value(QLatin1String("mine"))
                      .toObject(),
                  "api_key"),
             masked(kAliceKey));
}

void TestUserRoutes::invalidDocumentsAreRefused()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    QTemporaryDir dir;
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database, dir.path()));
    const quint16 port = gateway.port();
    const QByteArray alice = userWithToken(port, s("alice"));
    QVERIFY(giveRoutes(port, s("alice"), kAliceKey));

    // The cases share one gateway (a row each would cost a fresh database apiece): each one
    // leaves nothing behind, which is what it checks.
    for (const InvalidCase &c : invalidCases()) {
        const QByteArray before = get(port, s("alice"), c.kind.constData()).body;
        // The same answer through the user's own token and through the admin API.
        for (const bool viaAdmin : {false, true}) {
            const QByteArray target = viaAdmin ? QByteArray("/api/admin/users/alice/" + c.kind)
                                               : QByteArray("/api/user/" + c.kind);
            const QByteArray where = QByteArray(c.name) + ", PUT " + target;
            const HttpReply reply =
                httpRequest(port, "PUT", target, c.body, bearer(viaAdmin ? kGlobal : alice));
            QVERIFY2(reply.status == c.status, said(where.constData(), reply).constData());
            QVERIFY2(text(reply.error(), "code") == QLatin1String(c.code),
                     said(where.constData(), reply).constData());
            QVERIFY(!text(reply.error(), "message").isEmpty());
            QVERIFY(!reply.body.contains(kAliceKey.toUtf8()));
            const QJsonArray diagnostics =
                reply.json().value(QLatin1String("diagnostics")).toArray();
            if (*c.path == 0) {
                QVERIFY2(diagnostics.isEmpty(), said(where.constData(), reply).constData());
            } else {
                bool found = false;
                for (const QJsonValue &d : diagnostics) {
                    const QJsonObject diagnostic = d.toObject();
                    QVERIFY(text(diagnostic, "file").startsWith(QLatin1String("user alice ")));
                    QVERIFY(!text(diagnostic, "message").isEmpty());
                    if (text(diagnostic, "path") == QLatin1String(c.path) &&
                        text(diagnostic, "severity") == QLatin1String("error"))
                        found = true;
                }
                QVERIFY2(found, said(where.constData(), reply).constData());
            }
            // Nothing was saved.
            QVERIFY2(get(port, s("alice"), c.kind.constData()).body == before, where.constData());
        }
    }
    // The routes given before still serve.
    QCOMPARE(httpRequest(port, "POST", "/api/user/chat/completions", chatBody(s("user-rotation/r")),
                         bearer(alice))
                 .status,
             200);
}

void TestUserRoutes::maxRoutesCountsEveryKind()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    QTemporaryDir dir;
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database, dir.path()));
    const quint16 port = gateway.port();
    HttpReply reply =
        httpRequest(port, "POST", "/api/admin/tiers",
                    json({{s("name"), s("small")}, {s("max_routes"), 3}}), bearer(kGlobal));
    QCOMPARE(reply.status, 201);
    const QJsonValue tierId = reply.json().value(QLatin1String("id"));
    const QByteArray carol = userWithToken(port, s("carol"), tierId);

    const QJsonObject a = provider(m_user.baseUrl(), {s("m")}, kAliceKey);
    const auto providers = [&](int n) {
        QJsonObject map;
        for (int i = 0; i < n; ++i)
            map.insert(QStringLiteral("p%1").arg(i), a);
        return wrapped("providers", map);
    };
    const auto rotations = [&](int n) {
        QJsonObject map;
        for (int i = 0; i < n; ++i)
            map.insert(QStringLiteral("r%1").arg(i), rotation({rotationEntry(s("p0"), s("m"))}));
        return wrapped("rotations", map);
    };
    const QJsonObject autoselect{
        {s("x"), QJsonObject{{s("fallback"), s("user-rotation/r0")},
                             {s("available_models"),
                              QJsonArray{QJsonObject{{s("model_id"), s("user-rotation/r0")}}}}}}};
    const auto expectLimit = [&](const HttpReply &refused, const char *what) {
        QVERIFY2(refused.status == 422, said(what, refused).constData());
        QCOMPARE(text(refused.error(), "code"), s("route_limit"));
    };

    reply = put(port, {}, "providers", providers(2), carol);
    QVERIFY2(reply.status == 200, said("2 providers", reply).constData());
    expectLimit(put(port, {}, "rotations", rotations(2), carol), "2 providers + 2 rotations");
    reply = put(port, {}, "rotations", rotations(1), carol);
    QVERIFY2(reply.status == 200, said("2 providers + 1 rotation", reply).constData());
    expectLimit(put(port, {}, "autoselects", autoselect, carol), "3 routes + 1 autoselect");
    // Replacing a kind counts its new size only: 2 providers again still make 3.
    reply = put(port, {}, "providers", providers(2), carol);
    QVERIFY2(reply.status == 200, said("2 providers again", reply).constData());
    expectLimit(put(port, {}, "providers", providers(3), carol), "3 providers + 1 rotation");
    // The admin API is held to the user's tier as well.
    expectLimit(put(port, s("carol"), "providers", providers(3)), "admin: 3 providers");
    // Nothing refused was stored.
    QCOMPARE(get(port, {}, "providers", carol)
                 .json()
                 .value(QLatin1String("providers"))
                 .toObject()
                 .size(),
             2);
    QCOMPARE(get(port, {}, "rotations", carol)
                 .json()
                 .value(QLatin1String("rotations"))
                 .toObject()
                 .size(),
             1);
    QCOMPARE(get(port, {}, "autoselects", carol).json(), QJsonObject());
    // Fewer providers leave room for the autoselect.
    QCOMPARE(put(port, {}, "providers", providers(1), carol).status, 200);
    reply = put(port, {}, "autoselects", autoselect, carol);
    QVERIFY2(reply.status == 200, said("1 + 1 + 1", reply).constData());

    // Raising the tier's limit takes effect on the next save; a user without a tier has none.
    reply = httpRequest(port, "PATCH", "/api/admin/tiers/" + QByteArray::number(tierId.toInteger()),
                        json({{s("max_routes"), 10}}), bearer(kGlobal));
    QVERIFY2(reply.status == 200, said("PATCH tier", reply).constData());
    QCOMPARE(put(port, {}, "providers", providers(5), carol).status, 200);
    const QByteArray dave = userWithToken(port, s("dave"));
    QCOMPARE(put(port, {}, "providers", providers(12), dave).status, 200);
}

void TestUserRoutes::chatReachesUserRoutes_data()
{
    QTest::addColumn<QString>("backend");
    QTest::addColumn<QByteArray>("endpoint");
    for (const QString &backend : StoreTestEnv::backends()) {
        for (const char *endpoint : {"/api/user/chat/completions", "/api/u/alice/chat/completions",
                                     "/api/v1/chat/completions", "/v1/chat/completions"}) {
            QTest::addRow("%s: %s", qPrintable(backend), endpoint)
                << backend << QByteArray(endpoint);
        }
    }
}

void TestUserRoutes::chatReachesUserRoutes()
{
    QFETCH(QString, backend);
    QFETCH(QByteArray, endpoint);
    STORE_FRESH_CONFIG(m_env, backend, database);
    QTemporaryDir dir;
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database, dir.path()));
    const quint16 port = gateway.port();
    const QByteArray alice = userWithToken(port, s("alice"));
    QVERIFY(giveRoutes(port, s("alice"), kAliceKey));
    TestClient client(port);

    for (const char *model : {"user-rotation/r", "user-provider/mine/m"}) {
        for (const bool stream : {false, true}) {
            const int before = m_user.requestCount();
            const HttpReply reply =
                client.post(endpoint, chatBody(QString::fromLatin1(model), stream), bearer(alice));
            const QByteArray what = QByteArray(model) + (stream ? " (stream)" : "");
            QVERIFY2(reply.status == 200, said(what.constData(), reply).constData());
            QCOMPARE(reply.header("x-aisbf-provider"), QByteArray("mine"));
            QCOMPARE(m_user.requestCount(), before + 1);
            const RecordedRequest upstream = m_user.lastRequest();
            QCOMPARE(upstream.header("authorization"), bearerOf(kAliceKey));
            QCOMPARE(text(upstream.json(), "model"), s("m"));
            QCOMPARE(upstream.json().value(QLatin1String("stream")).toBool(), stream);
            if (stream) {
                QVERIFY(reply.header("content-type").startsWith("text/event-stream"));
                QVERIFY(reply.events.size() >= 2);
                QCOMPARE(reply.events.last().data, QByteArray("[DONE]"));
            } else {
                QCOMPARE(text(reply.json()
                                  .value(QLatin1String("choices"))
                                  .toArray()
                                  .at(0)
                                  .toObject()
                                  .value(QLatin1String("message"))
                                  .toObject(),
                              "content"),
                         s("from-user"));
            }
        }
    }
    // The global routes stay reachable on the same endpoint with the same token, and the
    // global provider gets no user key.
    for (const char *model : {"p/m", "rotation/gr"}) {
        const int before = m_global.requestCount();
        const HttpReply reply =
            client.post(endpoint, chatBody(QString::fromLatin1(model)), bearer(alice));
        QVERIFY2(reply.status == 200, said(model, reply).constData());
        QCOMPARE(reply.header("x-aisbf-provider"), QByteArray("p"));
        QCOMPARE(m_global.requestCount(), before + 1);
        QVERIFY(m_global.lastRequest().header("authorization").isEmpty());
    }
    // The user's own autoselect: no selection model, so its fallback, the user's rotation.
    QCOMPARE(put(port, {}, "autoselects",
                 {{s("a"), QJsonObject{{s("fallback"), s("user-rotation/r")}}}}, alice)
                 .status,
             200);
    HttpReply reply = client.post(endpoint, chatBody(s("user-autoselect/a")), bearer(alice));
    QVERIFY2(reply.status == 200, said("user-autoselect", reply).constData());
    QCOMPARE(reply.header("x-aisbf-autoselect"), QByteArray("user-rotation/r"));
    QCOMPARE(reply.header("x-aisbf-provider"), QByteArray("mine"));
    // A route the user does not have.
    reply = client.post(endpoint, chatBody(s("user-rotation/nope")), bearer(alice));
    QVERIFY2(reply.status == 404, said("unknown user rotation", reply).constData());
    QCOMPARE(text(reply.error(), "code"), s("model_not_found"));
    reply = client.post(endpoint, chatBody(s("user-provider/mine/nope")), bearer(alice));
    QVERIFY2(reply.status == 404, said("unknown user model", reply).constData());
    // No token: 401 before anything else.
    reply = client.post(endpoint, chatBody(s("user-rotation/r")));
    QCOMPARE(reply.status, 401);
}

void TestUserRoutes::authOffKeepsUsersRoutesClosed()
{
    // With auth off anyone may use the global routes, but a user's routes spend that user's own
    // API keys: they still need the user's token or an admin's.
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    QTemporaryDir dir;
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database, dir.path(), false));
    const quint16 port = gateway.port();
    const QByteArray alice = userWithToken(port, s("alice"));
    QVERIFY(giveRoutes(port, s("alice"), kAliceKey));
    TestClient client(port);
    const auto anonymous = [&](const QByteArray &path, const char *model) {
        return client.post(path, chatBody(QString::fromLatin1(model)), {}).status;
    };
    QCOMPARE(anonymous("/api/v1/chat/completions", "p/m"), 200);
    QCOMPARE(anonymous("/api/u/alice/chat/completions", "user-rotation/r"), 403);
    QCOMPARE(anonymous("/api/user/chat/completions", "user-rotation/r"), 403);
    QCOMPARE(anonymous("/api/v1/chat/completions", "user-provider/mine/m"), 403);
    QCOMPARE(client.get("/api/u/alice/models").status, 403);
    QCOMPARE(m_user.requestCount(), 0);
    QCOMPARE(
        client.post("/api/u/alice/chat/completions", chatBody(s("user-rotation/r")), bearer(alice))
            .status,
        200);
}

void TestUserRoutes::usersAreKeptApart()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    QTemporaryDir dir;
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database, dir.path()));
    const quint16 port = gateway.port();
    const QByteArray alice = userWithToken(port, s("alice"));
    const QByteArray bob = userWithToken(port, s("bob"));
    QVERIFY(giveRoutes(port, s("alice"), kAliceKey));
    // Bob's own ids, and one that is also Alice's ("mine"), with his own key.
    QCOMPARE(
        put(port, s("bob"), "providers",
            wrapped("providers", {{s("mine"), provider(m_user.baseUrl(), {s("m")}, kBobKey)},
                                  {s("bprov"), provider(m_user.baseUrl(), {s("bm")}, kBobKey)}}))
            .status,
        200);
    QCOMPARE(
        put(port, s("bob"), "rotations",
            wrapped("rotations", {{s("bonly"), rotation({rotationEntry(s("bprov"), s("bm"))})}}))
            .status,
        200);
    const QByteArray bobDocument = get(port, s("bob"), "providers").body;
    TestClient client(port);
    const auto chat = [&](const QByteArray &path, const char *model, const QByteArray &token) {
        return client.post(path, chatBody(QString::fromLatin1(model)),
                           token.isEmpty() ? HeaderList{} : bearer(token));
    };

    struct Case
    {
        const char *what;
        QByteArray method;
        QByteArray path;
        const char *model; ///< for POST chat
        QByteArray token;
        int status;
    };
    const QByteArray session =
        text(client
                 .post("/api/admin/login",
                       json({{s("username"), s("admin")}, {s("password"), s("admin")}}))
                 .json(),
             "token")
            .toUtf8();
    QVERIFY(session.startsWith("aisbf_"));
    const QList<Case> cases{
        // Alice cannot use, read or change Bob's routes.
        {"alice on /api/u/bob chat", "POST", "/api/u/bob/chat/completions", "user-rotation/bonly",
         alice, 403},
        {"alice on /api/u/bob chat, global model", "POST", "/api/u/bob/chat/completions", "p/m",
         alice, 403},
        {"alice on /api/u/bob models", "GET", "/api/u/bob/models", nullptr, alice, 403},
        {"alice on /api/u/nobody chat", "POST", "/api/u/nobody/chat/completions", "p/m", alice,
         403},
        {"alice reads bob's providers", "GET", "/api/admin/users/bob/providers", nullptr, alice,
         403},
        {"alice reads her own through the admin API", "GET", "/api/admin/users/alice/providers",
         nullptr, alice, 403},
        {"alice uses bob's rotation id", "POST", "/api/user/chat/completions",
         "user-rotation/bonly", alice, 404},
        {"alice uses bob's provider id", "POST", "/api/v1/chat/completions",
         "user-provider/bprov/bm", alice, 404},
        {"alice uses bob's provider id on /api/u/alice", "POST", "/api/u/alice/chat/completions",
         "user-provider/bprov/bm", alice, 404},
        // The operator's token acts for anyone on /api/u/… and the admin API, but has no user
        // of its own.
        {"global token on /api/u/bob chat", "POST", "/api/u/bob/chat/completions",
         "user-rotation/bonly", kGlobal, 200},
        {"global token on /api/u/bob models", "GET", "/api/u/bob/models", nullptr, kGlobal, 200},
        {"global token reads bob's providers", "GET", "/api/admin/users/bob/providers", nullptr,
         kGlobal, 200},
        {"global token on /api/u/nobody", "POST", "/api/u/nobody/chat/completions", "p/m", kGlobal,
         404},
        {"global token on /api/user chat", "POST", "/api/user/chat/completions",
         "user-rotation/bonly", kGlobal, 403},
        {"global token on /api/v1 with a user route", "POST", "/api/v1/chat/completions",
         "user-rotation/bonly", kGlobal, 403},
        {"global token on /api/user/providers", "GET", "/api/user/providers", nullptr, kGlobal,
         403},
        // So does an admin's dashboard session.
        {"admin session on /api/u/bob chat", "POST", "/api/u/bob/chat/completions",
         "user-rotation/bonly", session, 200},
        {"admin session reads bob's providers", "GET", "/api/admin/users/bob/providers", nullptr,
         session, 200},
        // No token.
        {"no token, /api/user/providers", "GET", "/api/user/providers", nullptr, {}, 401},
        {"no token, /api/user/models", "GET", "/api/user/models", nullptr, {}, 401},
        {"no token, /api/u/bob/models", "GET", "/api/u/bob/models", nullptr, {}, 401},
        {"no token, /api/u/bob chat",
         "POST",
         "/api/u/bob/chat/completions",
         "user-rotation/bonly",
         {},
         401},
        {"no token, admin routes", "GET", "/api/admin/users/bob/rotations", nullptr, {}, 401},
    };
    for (const Case &c : cases) {
        const HttpReply reply =
            c.method == "POST" ? chat(c.path, c.model, c.token)
                               : client.request(c.method, c.path, {},
                                                c.token.isEmpty() ? HeaderList{} : bearer(c.token));
        QVERIFY2(reply.status == c.status, said(c.what, reply).constData());
        QVERIFY2(!reply.body.contains(kBobKey.toUtf8()), c.what);
        if (c.status == 404 && c.path.startsWith("/api/u/nobody"))
            QCOMPARE(text(reply.error(), "code"), s("user_not_found"));
        else if (c.status == 404)
            QCOMPARE(text(reply.error(), "code"), s("model_not_found"));
    }

    // Alice's "mine" is hers: her key goes with it, whatever Bob called his.
    HttpReply reply = chat("/api/user/chat/completions", "user-provider/mine/m", alice);
    QCOMPARE(reply.status, 200);
    QCOMPARE(m_user.lastRequest().header("authorization"), bearerOf(kAliceKey));
    reply = chat("/api/user/chat/completions", "user-provider/mine/m", bob);
    QCOMPARE(reply.status, 200);
    QCOMPARE(m_user.lastRequest().header("authorization"), bearerOf(kBobKey));
    reply = chat("/api/u/bob/chat/completions", "user-provider/mine/m", kGlobal);
    QCOMPARE(reply.status, 200);
    QCOMPARE(m_user.lastRequest().header("authorization"), bearerOf(kBobKey));

    // Alice cannot change Bob's routes, by any path; Bob's document is as it was.
    for (const QByteArray &path : {QByteArray("/api/admin/users/bob/providers"),
                                   QByteArray("/api/admin/users/bob/rotations"),
                                   QByteArray("/api/admin/users/bob/autoselects")}) {
        reply = client.request("PUT", path, json(wrapped("providers", {})), bearer(alice));
        QVERIFY2(reply.status == 403, said(path.constData(), reply).constData());
    }
    // Saving her own providers as "bprov" does not touch his.
    QCOMPARE(put(port, {}, "providers",
                 wrapped("providers", {{s("mine"), provider(m_user.baseUrl(), {s("m")}, kAliceKey)},
                                       {s("bprov"), provider(m_global.baseUrl(), {s("bm")})}}),
                 alice)
                 .status,
             200);
    QCOMPARE(get(port, s("bob"), "providers").body, bobDocument);
    reply = chat("/api/user/chat/completions", "user-rotation/bonly", bob);
    QCOMPARE(reply.status, 200);
    QCOMPARE(m_user.lastRequest().header("authorization"), bearerOf(kBobKey));

    // An admin user's admin-scope token manages anyone's routes through the admin API, like
    // the session it stands for.
    reply = client.post("/api/admin/users",
                        json({{s("username"), s("root")},
                              {s("password"), s("long enough pw")},
                              {s("role"), s("admin")}}),
                        bearer(kGlobal));
    QCOMPARE(reply.status, 201);
    reply = client.post("/api/admin/users/root/tokens",
                        json({{s("name"), s("ops")}, {s("scope"), s("admin")}}), bearer(kGlobal));
    QCOMPARE(reply.status, 201);
    const QByteArray rootToken = text(reply.json(), "token").toUtf8();
    reply = client.get("/api/admin/users/bob/providers", bearer(rootToken));
    QVERIFY2(reply.status == 200, said("admin-scope token reads bob's", reply).constData());
    QCOMPARE(reply.body, bobDocument);
    // ...but not chat (admin scope), as everywhere.
    QCOMPARE(chat("/api/u/bob/chat/completions", "user-rotation/bonly", rootToken).status, 403);
}

void TestUserRoutes::userProviderCoolsDownApart()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    QTemporaryDir dir;
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database, dir.path()));
    const quint16 port = gateway.port();
    const QByteArray alice = userWithToken(port, s("alice"));
    // Alice's "p" (named like the global one) is on the failing upstream; "spare" serves.
    QCOMPARE(put(port, {}, "providers",
                 wrapped("providers", {{s("p"), provider(m_user.baseUrl(), {s("m")}, kAliceKey)},
                                       {s("spare"), provider(m_global.baseUrl(), {s("m")})}}),
                 alice)
                 .status,
             200);
    QCOMPARE(put(port, {}, "rotations",
                 wrapped("rotations", {{s("r"), rotation({rotationEntry(s("p"), s("m")),
                                                          rotationEntry(s("spare"), s("m"))})}}),
                 alice)
                 .status,
             200);
    m_user.setFault(Fault::Status, {});
    TestClient client(port);

    // The rotation's order is weighted at random: send until Alice's "p" was tried once.
    for (int i = 0; i < 40 && m_user.requestCount() == 0; ++i) {
        const HttpReply reply = client.post("/api/user/chat/completions",
                                            chatBody(s("user-rotation/r")), bearer(alice));
        QVERIFY2(reply.status == 200, said("user rotation", reply).constData());
        QCOMPARE(reply.header("x-aisbf-provider"), QByteArray("spare"));
    }
    QCOMPARE(m_user.requestCount(), 1);

    // The cooldown is Alice's: "user:<id>:p/m", not the global "p/m".
    aisbf::dispatch::CooldownBook *book = gateway->cooldowns();
    const qint64 aliceId = gateway->controlPlane()->users().findByUsername(s("alice"))->id;
    const auto now = aisbf::dispatch::CooldownBook::Clock::now();
    const QString userKey = QStringLiteral("user:%1:p/m").arg(aliceId);
    QVERIFY(book->remaining(userKey, now) > std::chrono::milliseconds(0));
    QCOMPARE(book->remaining(s("p/m"), now), std::chrono::milliseconds(0));

    // Alice's rotation routes around her cooling "p"...
    for (int i = 0; i < 5; ++i) {
        const HttpReply reply = client.post("/api/user/chat/completions",
                                            chatBody(s("user-rotation/r")), bearer(alice));
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.header("x-aisbf-provider"), QByteArray("spare"));
    }
    QCOMPARE(m_user.requestCount(), 1);
    // ...while the global "p" still serves, alone in the global rotation too (a cooling entry
    // would leave "gr" with nothing to try), for Alice and for the operator.
    for (const QByteArray &token : {alice, kGlobal}) {
        for (const char *model : {"rotation/gr", "p/m"}) {
            const int before = m_global.requestCount();
            const HttpReply reply = client.post(
                "/api/v1/chat/completions", chatBody(QString::fromLatin1(model)), bearer(token));
            QVERIFY2(reply.status == 200, said(model, reply).constData());
            QCOMPARE(reply.header("x-aisbf-provider"), QByteArray("p"));
            QCOMPARE(m_global.requestCount(), before + 1);
            QVERIFY(m_global.lastRequest().header("authorization").isEmpty());
        }
    }

    // The other way round: the global "p" failing does not cool Alice's "p" down.
    m_user.clearFaults();
    book->clear(userKey);
    m_global.setFault(Fault::Status, {});
    QCOMPARE(client.post("/api/v1/chat/completions", chatBody(s("p/m")), bearer(kGlobal)).status,
             500);
    QVERIFY(book->remaining(s("p/m"), aisbf::dispatch::CooldownBook::Clock::now()) >
            std::chrono::milliseconds(0));
    QCOMPARE(book->remaining(userKey, aisbf::dispatch::CooldownBook::Clock::now()),
             std::chrono::milliseconds(0));
    const HttpReply reply =
        client.post("/api/user/chat/completions", chatBody(s("user-provider/p/m")), bearer(alice));
    QVERIFY2(reply.status == 200, said("alice's p", reply).constData());
    QCOMPARE(m_user.lastRequest().header("authorization"), bearerOf(kAliceKey));
}

void TestUserRoutes::changesAreServedAtOnce()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    QTemporaryDir dir;
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database, dir.path()));
    const quint16 port = gateway.port();
    const QByteArray alice = userWithToken(port, s("alice"));
    QVERIFY(giveRoutes(port, s("alice"), kAliceKey));
    TestClient client(port);
    const auto chat = [&](const char *model) {
        return client.post("/api/user/chat/completions", chatBody(QString::fromLatin1(model)),
                           bearer(alice));
    };
    // Served once, so the user's routing table is cached.
    QCOMPARE(chat("user-rotation/r").status, 200);
    QCOMPARE(m_user.lastRequest().header("authorization"), bearerOf(kAliceKey));

    // Move "mine" to the other upstream with a new key: the next request goes there.
    const QString newKey = s("sk-alice-rotated-key-0042");
    int before = m_global.requestCount();
    QCOMPARE(put(port, {}, "providers",
                 wrapped("providers",
                         {{s("mine"), provider(m_global.baseUrl(), {s("m"), s("m2")}, newKey)}}),
                 alice)
                 .status,
             200);
    HttpReply reply = chat("user-rotation/r");
    QCOMPARE(reply.status, 200);
    QCOMPARE(m_global.requestCount(), before + 1);
    QCOMPARE(m_global.lastRequest().header("authorization"), bearerOf(newKey));
    QCOMPARE(chat("user-provider/mine/m2").status, 200);

    // A new rotation serves at once; a removed one is gone at once (by the admin too).
    QCOMPARE(
        put(port, s("alice"), "rotations",
            wrapped("rotations", {{s("fresh"), rotation({rotationEntry(s("mine"), s("m2"))})}}))
            .status,
        200);
    reply = chat("user-rotation/fresh");
    QVERIFY2(reply.status == 200, said("new rotation", reply).constData());
    QCOMPARE(text(m_global.lastRequest().json(), "model"), s("m2"));
    QCOMPARE(chat("user-rotation/r").status, 404);
    // And the models list follows.
    const QByteArray models = client.get("/api/user/models", bearer(alice)).body;
    QVERIFY(models.contains("user-rotation/fresh"));
    QVERIFY(!models.contains("user-rotation/r\""));
}

void TestUserRoutes::modelsListUserThenGlobalRoutes()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    QTemporaryDir dir;
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database, dir.path()));
    const quint16 port = gateway.port();
    const QByteArray alice = userWithToken(port, s("alice"));
    const QByteArray bob = userWithToken(port, s("bob"));
    QCOMPARE(put(port, {}, "providers",
                 wrapped("providers",
                         {{s("mine"), provider(m_user.baseUrl(), {s("m"), s("m2")}, kAliceKey)}}),
                 alice)
                 .status,
             200);
    QCOMPARE(put(port, {}, "rotations",
                 wrapped("rotations", {{s("r"), rotation({rotationEntry(s("mine"), s("m"))})}}),
                 alice)
                 .status,
             200);
    QCOMPARE(put(port, {}, "autoselects",
                 {{s("a"), QJsonObject{{s("fallback"), s("user-rotation/r")}}}}, alice)
                 .status,
             200);
    QCOMPARE(put(port, {}, "providers",
                 wrapped("providers", {{s("bprov"), provider(m_user.baseUrl(), {s("bm")})}}), bob)
                 .status,
             200);

    const QStringList aliceIds{s("user-provider/mine/m"), s("user-provider/mine/m2"),
                               s("user-rotation/r"), s("user-autoselect/a")};
    const QByteArray globalList =
        httpRequest(port, "GET", "/api/v1/models", {}, bearer(alice)).body;
    QVERIFY(!globalList.contains("user-"));
    const QJsonArray globals =
        QJsonDocument::fromJson(globalList).object().value(QLatin1String("data")).toArray();
    QVERIFY(!globals.isEmpty());

    for (const auto &[path, token] : {std::pair{QByteArray("/api/user/models"), alice},
                                      std::pair{QByteArray("/api/u/alice/models"), alice},
                                      std::pair{QByteArray("/api/u/alice/models"), kGlobal}}) {
        const HttpReply reply = httpRequest(port, "GET", path, {}, bearer(token));
        QVERIFY2(reply.status == 200, said(path.constData(), reply).constData());
        QCOMPARE(text(reply.json(), "object"), s("list"));
        const QJsonArray data = reply.json().value(QLatin1String("data")).toArray();
        QCOMPARE(data.size(), aliceIds.size() + globals.size());
        for (qsizetype i = 0; i < aliceIds.size(); ++i) {
            const QJsonObject entry = data.at(i).toObject();
            QCOMPARE(text(entry, "id"), aliceIds.at(i));
            QCOMPARE(text(entry, "owned_by"), s("alice"));
            QCOMPARE(text(entry, "object"), s("model"));
        }
        for (qsizetype i = 0; i < globals.size(); ++i)
            QCOMPARE(data.at(aliceIds.size() + i), globals.at(i));
        QVERIFY(!reply.body.contains("bprov"));
        QVERIFY(!reply.body.contains(kAliceKey.toUtf8()));
    }
    // Bob sees his own, not Alice's.
    const HttpReply reply = httpRequest(port, "GET", "/api/user/models", {}, bearer(bob));
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.body.contains("\"user-provider/bprov/bm\""));
    QVERIFY(!reply.body.contains("mine"));
    QVERIFY(!reply.body.contains("user-rotation/r"));
    QCOMPARE(text(reply.json().value(QLatin1String("data")).toArray().at(0).toObject(), "owned_by"),
             s("bob"));
}

void TestUserRoutes::usageRowsNameTheUserRoute()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    QTemporaryDir dir;
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database, dir.path()));
    const quint16 port = gateway.port();
    const QByteArray alice = userWithToken(port, s("alice"));
    QVERIFY(giveRoutes(port, s("alice"), kAliceKey));
    QCOMPARE(put(port, {}, "autoselects",
                 {{s("a"), QJsonObject{{s("fallback"), s("user-rotation/r")}}}}, alice)
                 .status,
             200);
    TestClient client(port);
    const auto chat = [&](const QByteArray &path, const char *model, bool stream) {
        return client.post(path, chatBody(QString::fromLatin1(model), stream), bearer(alice))
            .status;
    };
    QCOMPARE(chat("/api/user/chat/completions", "user-rotation/r", false), 200);
    QCOMPARE(chat("/api/v1/chat/completions", "user-rotation/r", true), 200);
    QCOMPARE(chat("/api/u/alice/chat/completions", "user-provider/mine/m", false), 200);
    QCOMPARE(chat("/api/user/chat/completions", "p/m", false), 200);
    QCOMPARE(chat("/api/user/chat/completions", "user-autoselect/a", false), 200);
    // The operator acting for Alice: her usage (her routes, her keys), with no token of hers.
    QCOMPARE(
        client
            .post("/api/u/alice/chat/completions", chatBody(s("user-rotation/r")), bearer(kGlobal))
            .status,
        200);

    aisbf::control::ControlPlane *plane = gateway->controlPlane();
    QVERIFY(plane->usage().flush(10'000));
    const qint64 aliceId = plane->users().findByUsername(s("alice"))->id;
    const QList<aisbf::store::UsageRecord> usage = storedUsage(plane->database());
    // Alice's events that match @p also.
    const auto count = [&](const auto &also) {
        return std::count_if(usage.cbegin(), usage.cend(),
                             [&](const auto &r) { return r.userId == aliceId && also(r); });
    };
    const auto any = [](const auto &) {
        return true;
    };
    QCOMPARE(count(any), 6);
    QCOMPARE(count([](const auto &r) {
                 return r.tokenId && r.routeKind == QLatin1String("user-rotation") &&
                        r.routeId == QLatin1String("r") && r.provider == QLatin1String("mine") &&
                        r.model == QLatin1String("m") && r.status == 200;
             }),
             2);
    QCOMPARE(count([](const auto &r) {
                 return r.routeKind == QLatin1String("user-provider") &&
                        r.routeId == QLatin1String("mine/m") &&
                        r.provider == QLatin1String("mine") && r.status == 200;
             }),
             1);
    QCOMPARE(count([](const auto &r) {
                 return r.routeKind == QLatin1String("provider") &&
                        r.routeId == QLatin1String("p/m") && r.provider == QLatin1String("p");
             }),
             1);
    QCOMPARE(count([](const auto &r) {
                 // Counted as the policy, served by the route it chose.
                 return r.routeKind == QLatin1String("user-autoselect") &&
                        r.routeId == QLatin1String("a") && r.provider == QLatin1String("mine") &&
                        r.status == 200;
             }),
             1);
    QCOMPARE(count([](const auto &r) {
                 return !r.tokenId && r.routeKind == QLatin1String("user-rotation");
             }),
             1);
    // The rollups count the same requests.
    QCOMPARE(scalar(plane->database(),
                    QStringLiteral("SELECT SUM(requests) FROM usage_rollups WHERE user_id = ?"),
                    {aliceId}),
             6);
}

void TestUserRoutes::deletingAUserDropsTheirRoutes()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    QTemporaryDir dir;
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database, dir.path()));
    const quint16 port = gateway.port();
    const QByteArray alice = userWithToken(port, s("alice"));
    QVERIFY(giveRoutes(port, s("alice"), kAliceKey));
    aisbf::control::ControlPlane *plane = gateway->controlPlane();
    const qint64 aliceId = plane->users().findByUsername(s("alice"))->id;
    const QString routesOf = QStringLiteral("SELECT COUNT(*) FROM user_routes WHERE user_id = ?");
    QCOMPARE(scalar(plane->database(), routesOf, {aliceId}), qint64(2));
    QCOMPARE(httpRequest(port, "DELETE", "/api/admin/users/alice", {}, bearer(kGlobal)).status,
             200);
    QCOMPARE(scalar(plane->database(), routesOf, {aliceId}), qint64(0));
    QCOMPARE(get(port, s("alice"), "providers").status, 404);
    QCOMPARE(httpRequest(port, "POST", "/api/u/alice/chat/completions",
                         chatBody(s("user-rotation/r")), bearer(kGlobal))
                 .status,
             404);
    // A new Alice starts with nothing.
    const QByteArray again = userWithToken(port, s("alice"));
    QCOMPARE(get(port, {}, "providers", again).json(), wrapped("providers", {}));
    QCOMPARE(httpRequest(port, "POST", "/api/user/chat/completions", chatBody(s("user-rotation/r")),
                         bearer(again))
                 .status,
             404);
}

void TestUserRoutes::keysCanBeSetAgainAfterTheServerKeyChanged()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    QByteArray alice;
    {
        QTemporaryDir first;
        TestGateway gateway;
        QVERIFY(startGateway(gateway, database, first.path()));
        alice = userWithToken(gateway.port(), s("alice"));
        QVERIFY(giveRoutes(gateway.port(), s("alice"), kAliceKey));
    }
    // The same database under another config directory: another server key.
    QTemporaryDir second;
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database, second.path()));
    const quint16 port = gateway.port();
    HttpReply reply = get(port, {}, "providers", alice);
    QVERIFY2(reply.status == 500, said("GET", reply).constData());
    QCOMPARE(text(reply.error(), "code"), s("server_key_mismatch"));
    QVERIFY(!reply.body.contains(kAliceKey.toUtf8()));
    // The message says "set it again": saving must be possible. Other kinds save (the
    // unreadable key stays as it is)...
    reply = put(port, {}, "rotations",
                wrapped("rotations", {{s("r"), rotation({rotationEntry(s("mine"), s("m"), 3)})}}),
                alice);
    QVERIFY2(reply.status == 200, said("PUT rotations", reply).constData());
    // ...the masked key no longer stands for anything...
    reply = put(port, {}, "providers",
                wrapped("providers",
                        {{s("mine"), provider(m_user.baseUrl(), {s("m")}, masked(kAliceKey))}}),
                alice);
    QVERIFY2(reply.status == 422, said("PUT the masked key", reply).constData());
    QCOMPARE(
        text(reply.json().value(QLatin1String("diagnostics")).toArray().at(0).toObject(), "path"),
        s("/providers/mine/api_key"));
    // ...and the key itself is taken.
    const QString newKey = s("sk-alice-after-rekey-5150");
    reply = put(port, {}, "providers",
                wrapped("providers", {{s("mine"), provider(m_user.baseUrl(), {s("m")}, newKey)}}),
                alice);
    QVERIFY2(reply.status == 200, said("PUT after the server key changed", reply).constData());
    reply = httpRequest(port, "POST", "/api/user/chat/completions", chatBody(s("user-rotation/r")),
                        bearer(alice));
    QVERIFY2(reply.status == 200, said("chat", reply).constData());
    QCOMPARE(m_user.lastRequest().header("authorization"), bearerOf(newKey));
}

void TestUserRoutes::longRouteIdsAreAnsweredAlikeOnBothBackends()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    QTemporaryDir dir;
    TestGateway gateway;
    QVERIFY(startGateway(gateway, database, dir.path()));
    const quint16 port = gateway.port();
    const QByteArray alice = userWithToken(port, s("alice"));
    // 300 characters: more than MariaDB's VARCHAR(255) route_id holds. Whatever the answer, it
    // is the same on both backends and not a server error.
    const QString longId = QString(300, u'x');
    const HttpReply reply = put(
        port, {}, "providers",
        wrapped("providers", {{longId, provider(m_user.baseUrl(), {s("m")}, kAliceKey)}}), alice);
    QVERIFY2(reply.status == 200 || reply.status == 422, said("PUT", reply).constData());
    if (reply.status == 422) {
        const QJsonArray diagnostics = reply.json().value(QLatin1String("diagnostics")).toArray();
        QVERIFY(!diagnostics.isEmpty());
        QCOMPARE(text(diagnostics.at(0).toObject(), "path"), s("/providers/") + longId);
        QCOMPARE(get(port, {}, "providers", alice).json(), wrapped("providers", {}));
        return;
    }
    const HttpReply read = get(port, {}, "providers", alice);
    QVERIFY(read.json().value(QLatin1String("providers")).toObject().contains(longId));
}

void TestUserRoutes::autoselectUsesTheCallersOwnRoutes()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    QTemporaryDir dir;
    TestGateway gateway;
    // A global policy written with user-… ids, as in the operator guide, and a global rotation
    // of the same name for callers who have none.
    QVERIFY(startGateway(gateway, database, dir.path(), true, [](TestConfig &config) {
        config.addRotation(s("r"), {rotationEntry(s("p"), s("m"))});
        config.autoselect.insert(
            s("team"),
            QJsonObject{{s("available_models"),
                         QJsonArray{QJsonObject{{s("model_id"), s("user-rotation/r")},
                                                {s("description"), s("the team's rotation")}}}}});
    }));
    const quint16 port = gateway.port();
    const QByteArray alice = userWithToken(port, s("alice"));
    const QByteArray bob = userWithToken(port, s("bob"));
    QVERIFY(giveRoutes(port, s("alice"), kAliceKey)); // alice has her own rotation "r"
    QCOMPARE(
        put(port, s("alice"), "autoselects",
            {{s("own"), QJsonObject{{s("available_models"),
                                     QJsonArray{QJsonObject{{s("model_id"), s("user-rotation/r")},
                                                            {s("description"), s("mine")}}}}}}})
            .status,
        200);

    struct Case
    {
        const char *what;
        QByteArray path;
        const char *model;
        QByteArray token;
        int status;
        const char *provider; ///< who served (200 only)
    };
    const QList<Case> cases{
        {"alice, global policy: her own r", "/api/user/chat/completions", "autoselect/team", alice,
         200, "mine"},
        {"bob, global policy: the global r", "/api/user/chat/completions", "autoselect/team", bob,
         200, "p"},
        {"global token: the global r", "/api/v1/chat/completions", "autoselect/team", kGlobal, 200,
         "p"},
        {"alice's own policy", "/api/user/chat/completions", "user-autoselect/own", alice, 200,
         "mine"},
        {"alice's own policy on /api/v1", "/api/v1/chat/completions", "user-autoselect/own", alice,
         200, "mine"},
        {"the operator for alice", "/api/u/alice/chat/completions", "user-autoselect/own", kGlobal,
         200, "mine"},
        {"bob has no such policy", "/api/user/chat/completions", "user-autoselect/own", bob, 404,
         nullptr},
    };
    for (const Case &c : cases) {
        const HttpReply reply = httpRequest(
            port, "POST", c.path, chatBody(QString::fromLatin1(c.model)), bearer(c.token));
        QVERIFY2(reply.status == c.status, said(c.what, reply).constData());
        if (c.status != 200)
            continue;
        QVERIFY2(reply.header("x-aisbf-provider") == c.provider, said(c.what, reply).constData());
        QCOMPARE(reply.header("x-aisbf-autoselect"), QByteArray("user-rotation/r"));
    }
}

AISBF_GATEWAY_TEST_MAIN(TestUserRoutes)
#include "tst_user_routes.moc"
