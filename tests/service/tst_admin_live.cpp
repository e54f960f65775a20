// SPDX-License-Identifier: GPL-3.0-or-later
// What the node is doing now, over the admin API: /api/admin/state after real traffic through
// the gateway to mock upstreams (rates, latency percentiles, top routes, cooling and failing
// provider/models, recent errors), /api/admin/cluster, and the /api/admin/events feed
// (request, cooldown, config and stats events; subscribers that go away are dropped; a drain
// ends the open streams cleanly).
#include "GatewayTestMain.h"
#include "TestClient.h"
#include "TestGateway.h"

#include <MockUpstream.h>
#include <StoreTestEnv.h>

#include <live/EventHub.h>

#include <QDateTime>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace aisbf::test;

namespace {

const QByteArray kChat = "/api/v1/chat/completions";
const QByteArray kGlobal = "global-secret-token-1";
// Weights that make the faulty entry come first in practice (see tst_gateway_rotation).
constexpr double kFirst = 1000;
constexpr double kLast = 0.001;

HeaderList bearer(const QByteArray &token)
{
    return {{"Authorization", "Bearer " + token}};
}

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray describe(const HttpReply &reply)
{
    return QByteArray::number(reply.status) + ' ' + reply.body;
}

/** The element of @p array whose @p key is @p id (an empty object when none is). */
QJsonObject find(const QJsonValue &array, const char *key, const QString &id)
{
    for (const QJsonValue &item : array.toArray()) {
        if (item.toObject().value(QLatin1String(key)).toString() == id)
            return item.toObject();
    }
    return {};
}

QJsonObject providerState(const QJsonObject &state, const QString &id)
{
    return find(state.value(QLatin1String("providers")), "id", id);
}

QJsonObject modelState(const QJsonObject &state, const QString &provider, const QString &model)
{
    return find(providerState(state, provider).value(QLatin1String("models")), "name", model);
}

QJsonObject rotationEntryState(const QJsonObject &state, const QString &rotation,
                               const QString &provider)
{
    const QJsonObject r = find(state.value(QLatin1String("rotations")), "id", rotation);
    return find(r.value(QLatin1String("entries")), "provider", provider);
}

double number(const QJsonObject &object, const char *key)
{
    return object.value(QLatin1String(key)).toDouble(-1);
}

bool isIsoTime(const QJsonValue &value)
{
    return value.isString() && QDateTime::fromString(value.toString(), Qt::ISODateWithMs).isValid();
}

/** One event of the admin feed. */
struct FeedEvent
{
    QByteArray name;
    QJsonObject data;
    qint64 atMs = 0; ///< ms after the stream was opened
};

/**
 * A subscriber of /api/admin/events on its own connection, reading the stream as it arrives
 * (TestClient de-chunks; this splits the `event:` / `data:` blocks and keeps the event names).
 */
class EventStream
{
public:
    EventStream(quint16 port, const QByteArray &token) : m_client(port)
    {
        QObject::connect(&m_client, &TestClient::progressed, &m_client, [this] { parse(); });
        m_clock.start();
        m_client.startRequest("GET", "/api/admin/events", {}, bearer(token));
    }

    TestClient &client() { return m_client; }
    const HttpReply &reply() const { return m_client.reply(); }
    QList<FeedEvent> events(const char *name) const
    {
        QList<FeedEvent> out;
        for (const FeedEvent &event : m_events) {
            if (event.name == name)
                out.append(event);
        }
        return out;
    }
    int comments() const { return m_comments; }

    /** Runs the event loop until @p done or @p timeoutMs; returns done(). */
    bool waitFor(const std::function<bool()> &done, int timeoutMs)
    {
        QSignalSpy progressed(&m_client, &TestClient::progressed);
        const QDeadlineTimer deadline(timeoutMs);
        while (!done() && !deadline.hasExpired())
            progressed.wait(int(qMax<qint64>(1, deadline.remainingTime())));
        return done();
    }
    /** Waits for an event named @p name whose data satisfies @p match; returns it. */
    std::optional<FeedEvent> waitForEvent(const char *name,
                                          const std::function<bool(const QJsonObject &)> &match,
                                          int timeoutMs)
    {
        std::optional<FeedEvent> found;
        waitFor(
            [&] {
                for (const FeedEvent &event : std::as_const(m_events)) {
                    if (event.name == name && match(event.data)) {
                        found = event;
                        return true;
                    }
                }
                return false;
            },
            timeoutMs);
        return found;
    }

private:
    void parse()
    {
        const QByteArray &body = m_client.reply().body;
        qsizetype end;
        while ((end = body.indexOf("\n\n", m_parsed)) >= 0) {
            const QList<QByteArray> lines = body.mid(m_parsed, end - m_parsed).split('\n');
            m_parsed = end + 2;
            FeedEvent event;
            event.atMs = m_clock.elapsed();
            QByteArray data;
            for (const QByteArray &line : lines) {
                if (line.startsWith(':'))
                    ++m_comments;
                else if (line.startsWith("event: "))
                    event.name = line.mid(7);
                else if (line.startsWith("data: "))
                    data += line.mid(6);
            }
            if (data.isEmpty())
                continue;
            event.data = QJsonDocument::fromJson(data).object();
            m_events.append(event);
        }
    }

    TestClient m_client;
    QElapsedTimer m_clock;
    qsizetype m_parsed = 0;
    QList<FeedEvent> m_events;
    int m_comments = 0;
};

} // namespace

class TestAdminLive : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void stateAfterTraffic_data() { StoreTestEnv::addBackendRows(); }
    void stateAfterTraffic();
    void rotationEntryCoolsDownAndComesBack();
    void directCallError_data();
    void directCallError();
    void clusterListsThisNode_data() { StoreTestEnv::addBackendRows(); }
    void clusterListsThisNode();
    void eventFeed();
    void disconnectedSubscriberIsDropped();
    void drainEndsEventStreams();
    void gatewayGoesWithAStreamOpen();

private:
    /** Auth on (kGlobal); providers bad (m_bad) and good (m_good) with model m; rotation r =
     *  bad/m (weight 1000, error_cooldown 1 s) + good/m (0.001). */
    TestConfig baseConfig() const;
    /** Starts @p gateway on @p config with its config in m_dir and its control plane on
     *  @p database (SQLite in m_dir when unset). */
    bool start(TestGateway &gateway, TestConfig config,
               std::optional<aisbf::store::DatabaseConfig> database = std::nullopt);
    QJsonObject state(quint16 port);

    MockUpstream m_bad;
    MockUpstream m_good;
    StoreTestEnv m_env;
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestAdminLive::initTestCase()
{
    QVERIFY(m_bad.listen());
    QVERIFY(m_good.listen());
    m_bad.setRecordLimit(50);
    m_good.setRecordLimit(50);
}

void TestAdminLive::init()
{
    m_bad.clearFaults();
    m_good.clearFaults();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestAdminLive::cleanup()
{
    m_env.dropAll();
}

TestConfig TestAdminLive::baseConfig() const
{
    TestConfig config;
    config.set(s("auth"), s("enabled"), true);
    config.set(s("auth"), s("tokens"), QJsonArray{QString::fromLatin1(kGlobal)});
    config.addProvider(s("bad"), m_bad.baseUrl(), {s("m")});
    config.addProvider(s("good"), m_good.baseUrl(), {s("m")});
    config.addRotation(s("r"), {rotationEntry(s("bad"), s("m"), kFirst, {{s("error_cooldown"), 1}}),
                                rotationEntry(s("good"), s("m"), kLast)});
    return config;
}

bool TestAdminLive::start(TestGateway &gateway, TestConfig config,
                          std::optional<aisbf::store::DatabaseConfig> database)
{
    config.directory = m_dir->path();
    if (!database) {
        database.emplace();
        database->sqlitePath = m_dir->filePath(s("control.db"));
    }
    config.database = database;
    return gateway.start(config);
}

QJsonObject TestAdminLive::state(quint16 port)
{
    const HttpReply reply = httpRequest(port, "GET", "/api/admin/state", {}, bearer(kGlobal));
    if (reply.status != 200)
        qWarning("GET /api/admin/state: %s", describe(reply).constData());
    return reply.json();
}

void TestAdminLive::stateAfterTraffic()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    TestConfig config = baseConfig();
    config.addProvider(s("q"), m_good.baseUrl(), {s("n")});
    config.addRotation(s("solo"), {rotationEntry(s("good"), s("m"))});
    TestGateway gateway;
    QVERIFY(start(gateway, config, database));

    // Before any traffic: all quiet, no latency to speak of.
    QJsonObject before = state(gateway.port());
    QJsonObject node = before.value(QLatin1String("node")).toObject();
    QCOMPARE(number(node, "requests_per_s"), 0.0);
    QJsonArray history = node.value(QLatin1String("requests_per_s_history")).toArray();
    QCOMPARE(history.size(), 50);
    for (const QJsonValue &rate : std::as_const(history))
        QCOMPARE(rate.toDouble(-1), 0.0);
    QVERIFY2(node.value(QLatin1String("latency_p50_ms")).isNull(), json(node).constData());
    QCOMPARE(before.value(QLatin1String("top_routes")).toArray().size(), 0);
    QCOMPARE(before.value(QLatin1String("recent_errors")).toArray().size(), 0);
    QStringList ids;
    for (const QJsonValue &p : before.value(QLatin1String("providers")).toArray())
        ids.append(p.toObject().value(QLatin1String("id")).toString());
    QCOMPARE(ids, (QStringList{s("bad"), s("good"), s("q")}));
    QCOMPARE(providerState(before, s("q")).value(QLatin1String("type")).toString(), s("openai"));
    QCOMPARE(modelState(before, s("good"), s("m")).value(QLatin1String("state")).toString(),
             s("ok"));

    TestClient client(gateway.port());
    for (int i = 0; i < 4; ++i)
        QCOMPARE(client.post(kChat, chatBody(s("rotation/solo")), bearer(kGlobal)).status, 200);
    for (int i = 0; i < 2; ++i)
        QCOMPARE(client.post(kChat, chatBody(s("q/n")), bearer(kGlobal)).status, 200);

    const QJsonObject after = state(gateway.port());
    node = after.value(QLatin1String("node")).toObject();
    QVERIFY2(number(node, "requests_per_s") > 0, json(node).constData());
    // The history's last second is the rate just reported (6 requests over the 10 s window,
    // unless the second turned over in between).
    history = node.value(QLatin1String("requests_per_s_history")).toArray();
    QCOMPARE(history.size(), 50);
    QVERIFY2(history.last().toDouble() > 0 && history.last().toDouble() <= 0.6,
             json(node).constData());
    QCOMPARE(history.first().toDouble(), 0.0); // 49 s before: the gateway had just started
    QCOMPARE(number(node, "error_rate"), 0.0);
    QCOMPARE(number(node, "active_requests"), 0.0);
    const QJsonValue p50 = node.value(QLatin1String("latency_p50_ms"));
    const QJsonValue p99 = node.value(QLatin1String("latency_p99_ms"));
    QVERIFY2(p50.isDouble() && p99.isDouble(), json(node).constData());
    QVERIFY(p50.toDouble() > 0 && // microsecond resolution: a proxied request is never 0
            p50.toDouble() <= p99.toDouble());
    QVERIFY(p99.toDouble() < 10'000);
    QCOMPARE(number(node, "port"), double(gateway.port()));

    QVERIFY(number(providerState(after, s("good")), "requests_per_s") > 0);
    QVERIFY(number(modelState(after, s("good"), s("m")), "requests_per_s") > 0);
    QVERIFY(number(modelState(after, s("q"), s("n")), "requests_per_s") > 0);
    QCOMPARE(number(providerState(after, s("bad")), "requests_per_s"), 0.0);
    const QJsonObject solo = find(after.value(QLatin1String("rotations")), "id", s("solo"));
    QVERIFY2(number(solo, "requests_per_s") > 0, json(solo).constData());
    const QJsonObject entry = rotationEntryState(after, s("solo"), s("good"));
    QCOMPARE(entry.value(QLatin1String("model")).toString(), s("m"));
    QCOMPARE(number(entry, "weight"), 1.0);
    QCOMPARE(entry.value(QLatin1String("state")).toString(), s("ok"));
    QVERIFY(number(entry, "requests_per_s") > 0);
    QCOMPARE(number(find(after.value(QLatin1String("rotations")), "id", s("r")), "requests_per_s"),
             0.0);

    // The busiest route first.
    const QJsonArray top = after.value(QLatin1String("top_routes")).toArray();
    QVERIFY2(top.size() == 2, json(after).constData());
    QCOMPARE(top.at(0).toObject().value(QLatin1String("route")).toString(), s("rotation/solo"));
    QCOMPARE(top.at(1).toObject().value(QLatin1String("route")).toString(), s("q/n"));
    QVERIFY(number(top.at(0).toObject(), "requests_per_s") >
            number(top.at(1).toObject(), "requests_per_s"));
    QCOMPARE(after.value(QLatin1String("recent_errors")).toArray().size(), 0);
}

void TestAdminLive::rotationEntryCoolsDownAndComesBack()
{
    TestGateway gateway;
    QVERIFY(start(gateway, baseConfig()));
    m_bad.setFault(Fault::Status); // 500 until cleared
    TestClient client(gateway.port());
    const HttpReply reply = client.post(kChat, chatBody(s("rotation/r")), bearer(kGlobal));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("x-aisbf-failover"), QByteArray("bad/m"));

    QJsonObject now = state(gateway.port());
    QJsonObject bad = modelState(now, s("bad"), s("m"));
    QCOMPARE(bad.value(QLatin1String("state")).toString(), s("cooling"));
    QVERIFY2(number(bad, "cooldown_remaining_s") > 0, json(bad).constData());
    QVERIFY(number(bad, "cooldown_remaining_s") <= 1);
    QCOMPARE(number(bad, "errors_last_min"), 1.0);
    QCOMPARE(providerState(now, s("bad")).value(QLatin1String("state")).toString(), s("cooling"));
    QCOMPARE(rotationEntryState(now, s("r"), s("bad")).value(QLatin1String("state")).toString(),
             s("cooling"));
    QCOMPARE(modelState(now, s("good"), s("m")).value(QLatin1String("state")).toString(), s("ok"));
    QVERIFY(
        modelState(now, s("good"), s("m")).value(QLatin1String("cooldown_remaining_s")).isNull());
    // The client was served: the failed attempt is an error of bad/m, not of the node.
    QCOMPARE(number(now.value(QLatin1String("node")).toObject(), "error_rate"), 0.0);
    const QJsonArray errors = now.value(QLatin1String("recent_errors")).toArray();
    const QJsonObject error = find(errors, "provider", s("bad"));
    QVERIFY2(!error.isEmpty(), json(now).constData());
    QCOMPARE(error.value(QLatin1String("model")).toString(), s("m"));
    QVERIFY(isIsoTime(error.value(QLatin1String("ts"))));
    QVERIFY2(error.value(QLatin1String("reason")).toString().contains(s("500")),
             json(error).constData());

    // The cooldown ends by itself: no longer cooling, but it failed within the last minute.
    QTRY_VERIFY_WITH_TIMEOUT(modelState(state(gateway.port()), s("bad"), s("m"))
                                     .value(QLatin1String("state"))
                                     .toString() != QLatin1String("cooling"),
                             3000);
    now = state(gateway.port());
    bad = modelState(now, s("bad"), s("m"));
    QVERIFY(bad.value(QLatin1String("cooldown_remaining_s")).isNull());
    QCOMPARE(bad.value(QLatin1String("state")).toString(), s("failing"));
    QCOMPARE(rotationEntryState(now, s("r"), s("bad")).value(QLatin1String("state")).toString(),
             s("failing"));

    // ...and it takes traffic again.
    m_bad.clearFaults();
    const HttpReply back = client.post(kChat, chatBody(s("rotation/r")), bearer(kGlobal));
    QCOMPARE(back.status, 200);
    QCOMPARE(back.header("x-aisbf-provider"), QByteArray("bad"));
    QVERIFY(!back.hasHeader("x-aisbf-failover"));
    QVERIFY(number(modelState(state(gateway.port()), s("bad"), s("m")), "requests_per_s") > 0);
}

void TestAdminLive::directCallError_data()
{
    QTest::addColumn<QJsonValue>("cooldown"); // the model's error_cooldown; Undefined: default
    QTest::addColumn<QString>("expectedState");
    QTest::addColumn<double>("remaining");
    QTest::addRow("error_cooldown 0: failing") << QJsonValue(0) << s("failing") << -1.0;
    // A direct call is tried even while cooling, but the pair cools for every rotation.
    QTest::addRow("default cooldown: cooling")
        << QJsonValue(QJsonValue::Undefined) << s("cooling") << 30.0;
}

void TestAdminLive::directCallError()
{
    QFETCH(QJsonValue, cooldown);
    QFETCH(QString, expectedState);
    QFETCH(double, remaining);
    TestConfig config = baseConfig();
    config.addProvider(s("solo"), m_bad.baseUrl(), {s("m")});
    if (!cooldown.isUndefined())
        config.setModelKeys(s("solo"), s("m"), {{s("error_cooldown"), cooldown}});
    TestGateway gateway;
    QVERIFY(start(gateway, config));
    m_bad.setFault(Fault::Status);
    TestClient client(gateway.port());
    QCOMPARE(client.post(kChat, chatBody(s("solo/m")), bearer(kGlobal)).status, 500);

    const QJsonObject now = state(gateway.port());
    const QJsonObject solo = modelState(now, s("solo"), s("m"));
    QCOMPARE(solo.value(QLatin1String("state")).toString(), expectedState);
    QCOMPARE(providerState(now, s("solo")).value(QLatin1String("state")).toString(), expectedState);
    if (remaining < 0)
        QVERIFY2(solo.value(QLatin1String("cooldown_remaining_s")).isNull(),
                 json(solo).constData());
    else
        QCOMPARE(number(solo, "cooldown_remaining_s"), remaining);
    QCOMPARE(number(solo, "errors_last_min"), 1.0);
    // The client got the error: the node's error rate and the recent errors say so.
    QCOMPARE(number(now.value(QLatin1String("node")).toObject(), "error_rate"), 1.0);
    bool answered = false;
    for (const QJsonValue &e : now.value(QLatin1String("recent_errors")).toArray()) {
        const QJsonObject o = e.toObject();
        answered |= o.value(QLatin1String("route")).toString() == QLatin1String("solo/m") &&
                    o.value(QLatin1String("status")).toInt() == 500 &&
                    o.value(QLatin1String("provider")).toString() == QLatin1String("solo");
    }
    QVERIFY2(answered, json(now).constData());
}

void TestAdminLive::clusterListsThisNode()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, database);
    TestGateway gateway;
    QVERIFY(start(gateway, baseConfig(), database));
    const HttpReply reply =
        httpRequest(gateway.port(), "GET", "/api/admin/cluster", {}, bearer(kGlobal));
    QVERIFY2(reply.status == 200, describe(reply).constData());
    const QJsonArray nodes = reply.json().value(QLatin1String("nodes")).toArray();
    QCOMPARE(nodes.size(), 1);
    const QJsonObject node = nodes.at(0).toObject();
    QCOMPARE(node.value(QLatin1String("self")), QJsonValue(true));
    QCOMPARE(number(node, "port"), double(gateway.port()));
    const QString host = node.value(QLatin1String("host")).toString();
    QVERIFY(!host.isEmpty());
    QCOMPARE(node.value(QLatin1String("id")).toString(),
             host + u':' + QString::number(gateway.port()));
    QVERIFY(!node.value(QLatin1String("version")).toString().isEmpty());
    QVERIFY(isIsoTime(node.value(QLatin1String("started_at"))));
    QVERIFY(isIsoTime(node.value(QLatin1String("last_heartbeat"))));
    const QDateTime started = QDateTime::fromString(
        node.value(QLatin1String("started_at")).toString(), Qt::ISODateWithMs);
    QVERIFY(started <= QDateTime::currentDateTimeUtc());
    QVERIFY(started >= QDateTime::currentDateTimeUtc().addSecs(-60));
    QVERIFY(number(node, "uptime_s") >= 0);
    QVERIFY(node.value(QLatin1String("requests_per_s")).isDouble());
    QCOMPARE(number(node, "active_requests"), 0.0);
    // The same node as /api/admin/state says.
    QCOMPARE(
        state(gateway.port()).value(QLatin1String("node")).toObject().value(QLatin1String("id")),
        node.value(QLatin1String("id")));
    // Not for the anonymous, nor for a user's API token.
    TestClient client(gateway.port());
    QCOMPARE(client
                 .post("/api/admin/users",
                       json({{s("username"), s("bob")}, {s("password"), s("long enough pw")}}),
                       bearer(kGlobal))
                 .status,
             201);
    const HttpReply token =
        client.post("/api/admin/users/bob/tokens", json({{s("name"), s("app")}}), bearer(kGlobal));
    QCOMPARE(token.status, 201);
    const QByteArray user = token.json().value(QLatin1String("token")).toString().toUtf8();
    for (const QByteArray &path : {QByteArray("/api/admin/cluster"), QByteArray("/api/admin/state"),
                                   QByteArray("/api/admin/events")}) {
        QCOMPARE(httpRequest(gateway.port(), "GET", path).status, 401);
        QCOMPARE(httpRequest(gateway.port(), "GET", path, {}, bearer(user)).status, 403);
    }
    QCOMPARE(gateway->eventHub()->subscriberCount(), 0);
}

void TestAdminLive::eventFeed()
{
    TestGateway gateway;
    QVERIFY(start(gateway, baseConfig()));
    TestClient client(gateway.port());
    HttpReply reply = client.post(
        "/api/admin/users",
        json({{s("username"), s("alice")}, {s("password"), s("correct horse battery")}}),
        bearer(kGlobal));
    QCOMPARE(reply.status, 201);
    reply = client.post("/api/admin/users/alice/tokens", json({{s("name"), s("app")}}),
                        bearer(kGlobal));
    QCOMPARE(reply.status, 201);
    const QByteArray alice = reply.json().value(QLatin1String("token")).toString().toUtf8();

    EventStream feed(gateway.port(), kGlobal);
    QVERIFY(feed.waitFor([&] { return feed.reply().status != 0; }, 5000));
    QCOMPARE(feed.reply().status, 200);
    QVERIFY(feed.reply().header("content-type").startsWith("text/event-stream"));
    QVERIFY(feed.reply().chunked);
    QVERIFY(feed.waitFor([&] { return gateway->eventHub()->subscriberCount() == 1; }, 2000));

    // stats: once a second, from the start.
    const auto first = feed.waitForEvent(
        "stats", [](const QJsonObject &) { return true; }, 2500);
    QVERIFY(first);
    QVERIFY(first->data.value(QLatin1String("requests_per_s")).isDouble());
    QVERIFY(first->data.value(QLatin1String("active_requests")).isDouble());
    QVERIFY(first->data.value(QLatin1String("routes")).isObject());

    // request: one per finished chat request, with who asked.
    QCOMPARE(client.post(kChat, chatBody(s("good/m")), bearer(alice)).status, 200);
    auto request = feed.waitForEvent(
        "request",
        [](const QJsonObject &d) { return d.value(QLatin1String("route")) == s("good/m"); }, 3000);
    QVERIFY(request);
    QCOMPARE(request->data.value(QLatin1String("provider")).toString(), s("good"));
    QCOMPARE(request->data.value(QLatin1String("model")).toString(), s("m"));
    QCOMPARE(request->data.value(QLatin1String("status")).toInt(), 200);
    QCOMPARE(request->data.value(QLatin1String("user")).toString(), s("alice"));
    QVERIFY(request->data.value(QLatin1String("latency_ms")).toDouble(-1) > 0);
    QVERIFY(request->data.value(QLatin1String("ttft_ms")).isDouble());
    QVERIFY(isIsoTime(request->data.value(QLatin1String("ts"))));

    // config: after a document is saved (not after a dry run or a refused document).
    const HttpReply rotations = client.get("/api/admin/config/rotations", bearer(kGlobal));
    QCOMPARE(rotations.status, 200);
    QCOMPARE(client
                 .request("PUT", "/api/admin/config/rotations?dry_run=true", rotations.body,
                          bearer(kGlobal))
                 .status,
             200);
    QCOMPARE(
        client.request("PUT", "/api/admin/config/rotations", R"({"rotations": 1})", bearer(kGlobal))
            .status,
        422);
    QCOMPARE(client.request("PUT", "/api/admin/config/rotations", rotations.body, bearer(kGlobal))
                 .status,
             200);
    const auto config = feed.waitForEvent(
        "config", [](const QJsonObject &) { return true; }, 3000);
    QVERIFY(config);
    QCOMPARE(config->data.value(QLatin1String("document")).toString(), s("rotations"));
    QCOMPARE(config->data.value(QLatin1String("version")).toInt(), 2);
    QCOMPARE(feed.events("config").size(), 1);

    // cooldown: started when an entry fails, ended when its 1 s are over.
    m_bad.queueFault(Fault::Status);
    reply = client.post(kChat, chatBody(s("rotation/r")), bearer(kGlobal));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("x-aisbf-failover"), QByteArray("bad/m"));
    const auto started = feed.waitForEvent(
        "cooldown",
        [](const QJsonObject &d) { return d.value(QLatin1String("state")) == s("started"); }, 3000);
    QVERIFY(started);
    QCOMPARE(started->data.value(QLatin1String("provider")).toString(), s("bad"));
    QCOMPARE(started->data.value(QLatin1String("model")).toString(), s("m"));
    QVERIFY(!started->data.value(QLatin1String("reason")).toString().isEmpty());
    QVERIFY(isIsoTime(started->data.value(QLatin1String("until"))));
    const QDateTime until = QDateTime::fromString(
        started->data.value(QLatin1String("until")).toString(), Qt::ISODateWithMs);
    const qint64 untilInMs = QDateTime::currentDateTimeUtc().msecsTo(until);
    QVERIFY2(untilInMs > -200 && untilInMs <= 1100, qPrintable(QString::number(untilInMs)));
    request = feed.waitForEvent(
        "request",
        [](const QJsonObject &d) { return d.value(QLatin1String("route")) == s("rotation/r"); },
        3000);
    QVERIFY(request);
    QCOMPARE(request->data.value(QLatin1String("provider")).toString(), s("good"));
    QCOMPARE(request->data.value(QLatin1String("status")).toInt(), 200);

    const auto ended = feed.waitForEvent(
        "cooldown",
        [](const QJsonObject &d) { return d.value(QLatin1String("state")) == s("ended"); }, 3500);
    QVERIFY(ended);
    QCOMPARE(ended->data.value(QLatin1String("provider")).toString(), s("bad"));
    QCOMPARE(ended->data.value(QLatin1String("model")).toString(), s("m"));
    QVERIFY(ended->data.value(QLatin1String("until")).isNull());
    QVERIFY2(ended->atMs - started->atMs >= 500, qPrintable(QString::number(ended->atMs)));
    QCOMPARE(feed.events("cooldown").size(), 2);

    // The stats events came about once a second all along and name the routes used.
    const QList<FeedEvent> stats = feed.events("stats");
    QVERIFY2(stats.size() >= 2, qPrintable(QString::number(stats.size())));
    for (qsizetype i = 1; i < stats.size(); ++i) {
        const qint64 gap = stats.at(i).atMs - stats.at(i - 1).atMs;
        QVERIFY2(gap >= 500 && gap <= 1600, qPrintable(QString::number(gap)));
    }
    const auto routes = feed.waitForEvent(
        "stats",
        [](const QJsonObject &d) {
            const QJsonObject r = d.value(QLatin1String("routes")).toObject();
            return r.contains(QLatin1String("rotation/r")) && r.contains(QLatin1String("good/m"));
        },
        2500);
    QVERIFY2(routes, json(feed.events("stats").last().data).constData());
    QVERIFY(routes->data.value(QLatin1String("requests_per_s")).toDouble() > 0);
    QVERIFY(!feed.reply().complete); // the stream stays open
}

void TestAdminLive::disconnectedSubscriberIsDropped()
{
    TestGateway gateway;
    QVERIFY(start(gateway, baseConfig()));
    aisbf::live::EventHub *hub = gateway->eventHub();
    auto leaving = std::make_unique<EventStream>(gateway.port(), kGlobal);
    EventStream staying(gateway.port(), kGlobal);
    QVERIFY(staying.waitFor([&] { return hub->subscriberCount() == 2; }, 3000));
    QVERIFY(leaving->waitFor([&] { return leaving->reply().status == 200; }, 3000));

    leaving->client().abort();
    leaving.reset();
    // Noticed at the next write at the latest (stats, every second).
    QVERIFY(staying.waitFor([&] { return hub->subscriberCount() == 1; }, 3000));

    // The gateway keeps serving, and the other subscriber keeps receiving.
    const qsizetype statsBefore = staying.events("stats").size();
    TestClient client(gateway.port());
    QCOMPARE(client.post(kChat, chatBody(s("good/m")), bearer(kGlobal)).status, 200);
    QCOMPARE(client.get("/health").status, 200);
    QVERIFY(staying.waitFor([&] { return staying.events("stats").size() > statsBefore; }, 2500));
    QCOMPARE(staying.events("request").size(), 1);
    QCOMPARE(hub->subscriberCount(), 1);
    QVERIFY(!staying.reply().closed);
}

void TestAdminLive::drainEndsEventStreams()
{
    TestGateway gateway;
    QVERIFY(start(gateway, baseConfig()));
    EventStream feed(gateway.port(), kGlobal);
    QVERIFY(feed.waitForEvent(
        "stats", [](const QJsonObject &) { return true; }, 2500));

    // A chat request in flight when the drain begins.
    FaultParams slow;
    slow.delayMs = 700;
    m_good.queueFault(Fault::SlowFirstByte, slow);
    QSignalSpy arrived(&m_good, &MockUpstream::requestReceived);
    TestClient chat(gateway.port());
    chat.startRequest("POST", kChat, chatBody(s("good/m")), bearer(kGlobal));
    QVERIFY(arrived.wait(3000));

    QSignalSpy drained(gateway.get(), &aisbf::Gateway::drained);
    QElapsedTimer clock;
    clock.start();
    gateway->drain(5000);
    // The event stream ends at once and cleanly: the terminating chunk, not a reset.
    QVERIFY(feed.client().waitForComplete(1000));
    QVERIFY(feed.reply().complete);
    QCOMPARE(gateway->eventHub()->subscriberCount(), 0);
    QVERIFY2(!chat.reply().complete, "the chat request finished before the drain was tested");
    QCOMPARE(drained.count(), 0); // the chat request is still in flight

    QVERIFY(chat.waitForComplete(5000));
    QCOMPARE(chat.reply().status, 200);
    QVERIFY(drained.count() == 1 || drained.wait(2000));
    QCOMPARE(drained.count(), 1);
    QVERIFY2(clock.elapsed() < 4000, qPrintable(QString::number(clock.elapsed())));
}

void TestAdminLive::gatewayGoesWithAStreamOpen()
{
    auto gateway = std::make_unique<TestGateway>();
    QVERIFY(start(*gateway, baseConfig()));
    EventStream feed(gateway->port(), kGlobal);
    QVERIFY(feed.waitFor([&] { return (*gateway)->eventHub()->subscriberCount() == 1; }, 3000));
    gateway.reset();
    // The stream ends (cleanly or by the connection closing), and nothing crashed on the way.
    QVERIFY(feed.waitFor([&] { return feed.reply().complete || feed.reply().closed; }, 3000));
}

AISBF_GATEWAY_TEST_MAIN(TestAdminLive)
#include "tst_admin_live.moc"
