// SPDX-License-Identifier: GPL-3.0-or-later
// TierStore and AuditStore. Every test runs on SQLite and on MariaDB (see StoreTestEnv).
#include "StoreTestEnv.h"

#include "store/AuditStore.h"
#include "store/TierStore.h"
#include "store/UserStore.h"

#include <QTest>

using namespace aisbf::store;

class TestStoreTiersAudit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { m_env.dropAll(); }

    void tierCrud_data() { StoreTestEnv::addBackendRows(); }
    void tierCrud();
    void tierNameIsUnique_data() { StoreTestEnv::addBackendRows(); }
    void tierNameIsUnique();
    void deletingTierFreesUsers_data() { StoreTestEnv::addBackendRows(); }
    void deletingTierFreesUsers();
    void auditAppendAndPage_data() { StoreTestEnv::addBackendRows(); }
    void auditAppendAndPage();

private:
    StoreTestEnv m_env;
};

namespace {

constexpr qint64 kNow = 1'700'000'000'000;

Tier tier(const QString &name)
{
    Tier t;
    t.name = name;
    return t;
}

} // namespace

void TestStoreTiersAudit::tierCrud()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    TierStore tiers(db);
    auto freeTier = tiers.create(tier(QStringLiteral("free")));
    QVERIFY2(freeTier, why(freeTier).constData());
    Tier proSpec = tier(QStringLiteral("pro"));
    proSpec.requestsPerMinute = 60;
    proSpec.requestsPerDay = 10'000;
    proSpec.requestsPerMonth = Q_INT64_C(5'000'000'000); // past 32 bits
    proSpec.tokensPerMinute = 100'000;
    proSpec.maxRoutes = 20;
    auto pro = tiers.create(proSpec);
    QVERIFY(pro);

    auto unlimited = tiers.get(freeTier->id);
    QVERIFY(unlimited);
    QCOMPARE(unlimited->name, QStringLiteral("free"));
    QCOMPARE(unlimited->requestsPerMinute, std::nullopt);
    QCOMPARE(unlimited->requestsPerDay, std::nullopt);
    QCOMPARE(unlimited->requestsPerMonth, std::nullopt);
    QCOMPARE(unlimited->tokensPerMinute, std::nullopt);
    QCOMPARE(unlimited->maxRoutes, std::nullopt);

    auto limited = tiers.findByName(QStringLiteral("pro"));
    QVERIFY(limited);
    QCOMPARE(limited->requestsPerMinute, 60);
    QCOMPARE(limited->requestsPerDay, 10'000);
    QCOMPARE(limited->requestsPerMonth, Q_INT64_C(5'000'000'000));
    QCOMPARE(limited->tokensPerMinute, 100'000);
    QCOMPARE(limited->maxRoutes, 20);

    Tier changed = *limited;
    changed.requestsPerMinute = std::nullopt;
    changed.maxRoutes = 5;
    QVERIFY(tiers.update(changed));
    QCOMPARE(tiers.get(pro->id)->requestsPerMinute, std::nullopt);
    QCOMPARE(tiers.get(pro->id)->maxRoutes, 5);

    QCOMPARE(tiers.list()->size(), 2);
    QVERIFY(tiers.remove(freeTier->id));
    QCOMPARE(tiers.get(freeTier->id).error().kind, StoreError::Kind::NotFound);
    QCOMPARE(tiers.remove(freeTier->id).error().kind, StoreError::Kind::NotFound);
    Tier ghost = tier(QStringLiteral("ghost"));
    ghost.id = 999;
    QCOMPARE(tiers.update(ghost).error().kind, StoreError::Kind::NotFound);
    QCOMPARE(tiers.list()->size(), 1);
}

void TestStoreTiersAudit::tierNameIsUnique()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    TierStore tiers(db);
    QVERIFY(tiers.create(tier(QStringLiteral("team"))));
    auto again = tiers.create(tier(QStringLiteral("team")));
    QVERIFY(!again);
    QCOMPARE(again.error().kind, StoreError::Kind::Conflict);
    QVERIFY(again.error().message.contains(QLatin1String("\"team\" is taken")));
}

void TestStoreTiersAudit::deletingTierFreesUsers()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    TierStore tiers(db);
    UserStore users(db);
    auto team = tiers.create(tier(QStringLiteral("team")));
    User u;
    u.username = QStringLiteral("member");
    u.tierId = team->id;
    auto member = users.create(u);
    QVERIFY2(member, why(member).constData());
    QCOMPARE(users.get(member->id)->tierId, team->id);
    QVERIFY(tiers.remove(team->id));
    auto after = users.get(member->id);
    QVERIFY(after);
    QCOMPARE(after->tierId, std::nullopt);
}

void TestStoreTiersAudit::auditAppendAndPage()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    db.setClock([] { return kNow; });
    AuditStore audit(db);
    QList<qint64> ids;
    for (int i = 0; i < 5; ++i) {
        AuditEntry e;
        e.actor = QStringLiteral("admin");
        e.action = QStringLiteral("user.create");
        e.target = QStringLiteral("user:%1").arg(i);
        e.detail = QStringLiteral(R"({"i":%1})").arg(i);
        if (i == 4)
            e.ts = kNow + 99;
        auto appended = audit.append(e);
        QVERIFY2(appended, why(appended).constData());
        ids.append(appended->id);
    }
    auto newest = audit.list(3);
    QVERIFY(newest);
    QCOMPARE(newest->size(), 3);
    QCOMPARE(newest->at(0).id, ids[4]);
    QCOMPARE(newest->at(0).ts, kNow + 99);
    QCOMPARE(newest->at(1).ts, kNow); // stamped by the clock
    QCOMPARE(newest->at(2).target, QStringLiteral("user:2"));
    QCOMPARE(newest->at(2).detail, QStringLiteral(R"({"i":2})"));

    auto older = audit.list(3, newest->last().id);
    QVERIFY(older);
    QCOMPARE(older->size(), 2);
    QCOMPARE(older->at(0).id, ids[1]);
    QCOMPARE(older->at(1).id, ids[0]);
    QCOMPARE(older->at(1).actor, QStringLiteral("admin"));
    QCOMPARE(audit.list(0)->size(), 0);
}

QTEST_GUILESS_MAIN(TestStoreTiersAudit)
#include "tst_store_tiers_audit.moc"
