// SPDX-License-Identifier: GPL-3.0-or-later
// UserStore and TokenStore: CRUD, unique names and hashes, constraints, FK cascades, lookups.
// Every test runs on SQLite and on MariaDB (see StoreTestEnv).
#include "StoreTestEnv.h"

#include "store/TokenStore.h"
#include "store/UserStore.h"

#include <QCryptographicHash>
#include <QTest>

using namespace aisbf::store;

class TestStoreUsersTokens : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { m_env.dropAll(); }

    void userCrud_data() { StoreTestEnv::addBackendRows(); }
    void userCrud();
    void usernameIsUnique_data() { StoreTestEnv::addBackendRows(); }
    void usernameIsUnique();
    void missingRows_data() { StoreTestEnv::addBackendRows(); }
    void missingRows();
    void constraints_data();
    void constraints();
    void tokenFindByHash_data() { StoreTestEnv::addBackendRows(); }
    void tokenFindByHash();
    void tokenHashIsUnique_data() { StoreTestEnv::addBackendRows(); }
    void tokenHashIsUnique();
    void revokeAndTouch_data() { StoreTestEnv::addBackendRows(); }
    void revokeAndTouch();
    void deletingUserCascades_data() { StoreTestEnv::addBackendRows(); }
    void deletingUserCascades();

private:
    StoreTestEnv m_env;
};

namespace {

constexpr qint64 kNow = 1'700'000'000'000;

QString sha256(const QString &secret)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(secret.toUtf8(), QCryptographicHash::Sha256).toHex());
}

User user(const QString &name, UserRole role = UserRole::User)
{
    User u;
    u.username = name;
    u.role = role;
    u.passwordHash = QStringLiteral("$pbkdf2$") + name;
    return u;
}

NewToken token(qint64 userId, const QString &secret, TokenScope scope = TokenScope::Api)
{
    NewToken t;
    t.userId = userId;
    t.name = QStringLiteral("laptop");
    t.tokenHash = sha256(secret);
    t.last4 = secret.right(4);
    t.scope = scope;
    return t;
}

} // namespace

#define OPEN_AT_NOW(var)                                                                           \
    QFETCH(QString, backend);                                                                      \
    STORE_OPEN_DB(m_env, backend, var);                                                            \
    var.setClock([] { return kNow; })

void TestStoreUsersTokens::userCrud()
{
    OPEN_AT_NOW(db);
    UserStore users(db);
    auto alice = users.create(user(QStringLiteral("alice"), UserRole::Admin));
    QVERIFY2(alice, why(alice).constData());
    QVERIFY(alice->id > 0);
    QCOMPARE(alice->createdAt, kNow);
    auto bob = users.create(user(QStringLiteral("bob")));
    QVERIFY(bob);

    auto got = users.get(alice->id);
    QVERIFY(got);
    QCOMPARE(got->username, QStringLiteral("alice"));
    QCOMPARE(toString(got->role), QStringLiteral("admin"));
    QCOMPARE(got->passwordHash, QStringLiteral("$pbkdf2$alice"));
    QCOMPARE(got->tierId, std::nullopt);
    QVERIFY(!got->disabled);
    QCOMPARE(got->createdAt, kNow);
    QCOMPARE(users.findByUsername(QStringLiteral("bob"))->id, bob->id);

    auto all = users.list();
    QVERIFY(all);
    QCOMPARE(all->size(), 2);
    QCOMPARE(all->at(0).username, QStringLiteral("alice"));
    QCOMPARE(all->at(1).username, QStringLiteral("bob"));

    User changed = *bob;
    changed.username = QStringLiteral("robert");
    changed.role = UserRole::Admin;
    changed.disabled = true;
    changed.passwordHash = QStringLiteral("new-hash");
    QVERIFY(users.update(changed));
    QVERIFY(users.update(changed)); // no change is still a match, on MySQL too
    auto reread = users.get(bob->id);
    QCOMPARE(reread->username, QStringLiteral("robert"));
    QCOMPARE(toString(reread->role), QStringLiteral("admin"));
    QVERIFY(reread->disabled);
    QCOMPARE(reread->passwordHash, QStringLiteral("new-hash"));

    QVERIFY(users.remove(alice->id));
    QCOMPARE(users.get(alice->id).error().kind, StoreError::Kind::NotFound);
    QCOMPARE(users.list()->size(), 1);
}

void TestStoreUsersTokens::usernameIsUnique()
{
    OPEN_AT_NOW(db);
    UserStore users(db);
    QVERIFY(users.create(user(QStringLiteral("carol"))));
    auto again = users.create(user(QStringLiteral("carol")));
    QVERIFY(!again);
    QCOMPARE(again.error().kind, StoreError::Kind::Conflict);
    QVERIFY2(again.error().message.contains(QLatin1String("\"carol\" is taken")),
             why(again).constData());
    // Names compare exactly on both backends (binary collation on MySQL).
    QVERIFY(users.create(user(QStringLiteral("Carol"))));

    auto dave = users.create(user(QStringLiteral("dave")));
    User renamed = *dave;
    renamed.username = QStringLiteral("carol");
    const Status clash = users.update(renamed);
    QVERIFY(!clash);
    QCOMPARE(clash.error().kind, StoreError::Kind::Conflict);
}

void TestStoreUsersTokens::missingRows()
{
    OPEN_AT_NOW(db);
    UserStore users(db);
    TokenStore tokens(db);
    User ghost = user(QStringLiteral("ghost"));
    ghost.id = 4242;
    QCOMPARE(users.get(4242).error().kind, StoreError::Kind::NotFound);
    QCOMPARE(users.findByUsername(QStringLiteral("ghost")).error().kind,
             StoreError::Kind::NotFound);
    QCOMPARE(users.update(ghost).error().kind, StoreError::Kind::NotFound);
    QCOMPARE(users.remove(4242).error().kind, StoreError::Kind::NotFound);
    QCOMPARE(tokens.revoke(4242).error().kind, StoreError::Kind::NotFound);
    QCOMPARE(tokens.touch(4242, kNow).error().kind, StoreError::Kind::NotFound);
    QCOMPARE(tokens.findByHash(sha256(QStringLiteral("nope"))).error().kind,
             StoreError::Kind::NotFound);
}

void TestStoreUsersTokens::constraints_data()
{
    QTest::addColumn<QString>("backend");
    QTest::addColumn<QString>("sql");
    struct Case
    {
        const char *name;
        const char *sql;
    };
    const Case cases[] = {
        {"role check", "INSERT INTO users (username, role, created_at) VALUES ('x', 'root', 0)"},
        {"scope check", "INSERT INTO api_tokens (user_id, token_hash, last4, scope, created_at) "
                        "VALUES (1, 'h', 'abcd', 'superuser', 0)"},
        {"route kind check", "INSERT INTO user_routes (user_id, kind, route_id, document, "
                             "updated_at) VALUES (1, 'bogus', 'r', '{}', 0)"},
        {"token of no user", "INSERT INTO api_tokens (user_id, token_hash, last4, created_at) "
                             "VALUES (999, 'h2', 'abcd', 0)"},
        {"tier of no tier", "UPDATE users SET tier_id = 999 WHERE id = 1"},
        {"username null", "INSERT INTO users (username, created_at) VALUES (NULL, 0)"},
    };
    for (const QString &backend : StoreTestEnv::backends())
        for (const Case &c : cases)
            QTest::addRow("%s/%s", qPrintable(backend), c.name)
                << backend << QString::fromLatin1(c.sql);
}

void TestStoreUsersTokens::constraints()
{
    OPEN_AT_NOW(db);
    QFETCH(QString, sql);
    QVERIFY(UserStore(db).create(user(QStringLiteral("owner")))); // id 1
    auto r = db.exec(sql);
    QVERIFY(!r);
    QCOMPARE(r.error().kind, StoreError::Kind::Constraint);
}

void TestStoreUsersTokens::tokenFindByHash()
{
    OPEN_AT_NOW(db);
    UserStore users(db);
    TokenStore tokens(db);
    auto erin = users.create(user(QStringLiteral("erin")));
    const QString secret = QStringLiteral("aisbf_0123456789abcdefghijklmnopqrstuvwxyzAB");
    NewToken spec = token(erin->id, secret, TokenScope::Admin);
    spec.expiresAt = kNow + 60'000;
    spec.requestsPerMinute = 30;
    auto created = tokens.create(spec);
    QVERIFY2(created, why(created).constData());
    QCOMPARE(created->last4, QStringLiteral("yzAB"));
    QCOMPARE(created->createdAt, kNow);
    QVERIFY(tokens.create(token(erin->id, QStringLiteral("aisbf_other-secret"))));

    auto found = tokens.findByHash(sha256(secret));
    QVERIFY(found);
    QCOMPARE(found->id, created->id);
    QCOMPARE(found->userId, erin->id);
    QCOMPARE(found->name, QStringLiteral("laptop"));
    QCOMPARE(found->tokenHash, sha256(secret));
    QCOMPARE(toString(found->scope), QStringLiteral("admin"));
    QCOMPARE(found->expiresAt, kNow + 60'000);
    QCOMPARE(found->revokedAt, std::nullopt);
    QCOMPARE(found->lastUsedAt, std::nullopt);
    QCOMPARE(found->requestsPerMinute, 30);
    QVERIFY(found->isUsable(kNow));
    QVERIFY(!found->isUsable(kNow + 60'000));
    QCOMPARE(tokens.get(created->id)->tokenHash, sha256(secret));

    auto list = tokens.listByUser(erin->id);
    QVERIFY(list);
    QCOMPARE(list->size(), 2);
    QCOMPARE(list->at(0).id, created->id);
    QCOMPARE(tokens.listByUser(erin->id + 100)->size(), 0);

    // The secret itself is refused: only its hash may be stored.
    NewToken plain = token(erin->id, secret);
    plain.tokenHash = secret;
    QCOMPARE(tokens.create(plain).error().kind, StoreError::Kind::Constraint);
    // A token for a user that does not exist.
    auto orphan = tokens.create(token(erin->id + 100, QStringLiteral("aisbf_orphan")));
    QVERIFY(!orphan);
    QCOMPARE(orphan.error().kind, StoreError::Kind::Constraint);
}

void TestStoreUsersTokens::tokenHashIsUnique()
{
    OPEN_AT_NOW(db);
    auto frank = UserStore(db).create(user(QStringLiteral("frank")));
    TokenStore tokens(db);
    QVERIFY(tokens.create(token(frank->id, QStringLiteral("aisbf_same"))));
    auto again = tokens.create(token(frank->id, QStringLiteral("aisbf_same")));
    QVERIFY(!again);
    QCOMPARE(again.error().kind, StoreError::Kind::Conflict);
}

void TestStoreUsersTokens::revokeAndTouch()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    qint64 now = kNow;
    db.setClock([&now] { return now; });
    auto gina = UserStore(db).create(user(QStringLiteral("gina")));
    TokenStore tokens(db);
    auto t = tokens.create(token(gina->id, QStringLiteral("aisbf_gina")));
    QVERIFY(tokens.touch(t->id, kNow + 5));
    QCOMPARE(tokens.get(t->id)->lastUsedAt, kNow + 5);

    now = kNow + 10;
    QVERIFY(tokens.revoke(t->id));
    now = kNow + 20;
    QVERIFY(tokens.revoke(t->id)); // again: keeps the first time
    auto revoked = tokens.findByHash(sha256(QStringLiteral("aisbf_gina")));
    QCOMPARE(revoked->revokedAt, kNow + 10);
    QVERIFY(!revoked->isUsable(kNow));
}

void TestStoreUsersTokens::deletingUserCascades()
{
    OPEN_AT_NOW(db);
    UserStore users(db);
    TokenStore tokens(db);
    auto hank = users.create(user(QStringLiteral("hank")));
    auto ivy = users.create(user(QStringLiteral("ivy")));
    QVERIFY(tokens.create(token(hank->id, QStringLiteral("aisbf_hank1"))));
    QVERIFY(tokens.create(token(hank->id, QStringLiteral("aisbf_hank2"))));
    QVERIFY(tokens.create(token(ivy->id, QStringLiteral("aisbf_ivy"))));
    QVERIFY(db.exec(QStringLiteral("INSERT INTO admin_sessions (token_hash, user_id, expires_at) "
                                   "VALUES (?, ?, ?)"),
                    {sha256(QStringLiteral("session")), hank->id, kNow + 1000}));
    QVERIFY(db.exec(QStringLiteral("INSERT INTO user_routes (user_id, kind, route_id, document, "
                                   "updated_at) VALUES (?, 'rotation', 'coding', '{}', ?)"),
                    {hank->id, kNow}));
    // (user_id, kind, route_id) is unique.
    auto twice = db.exec(QStringLiteral("INSERT INTO user_routes (user_id, kind, route_id, "
                                        "document, updated_at) "
                                        "VALUES (?, 'rotation', 'coding', '{}', ?)"),
                         {hank->id, kNow});
    QCOMPARE(twice.error().kind, StoreError::Kind::Conflict);

    QVERIFY(users.remove(hank->id));
    QCOMPARE(tokens.findByHash(sha256(QStringLiteral("aisbf_hank1"))).error().kind,
             StoreError::Kind::NotFound);
    QCOMPARE(tokens.listByUser(hank->id)->size(), 0);
    QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM api_tokens")), 1);
    QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM admin_sessions")), 0);
    QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM user_routes")), 0);
    QVERIFY(tokens.findByHash(sha256(QStringLiteral("aisbf_ivy"))));
}

QTEST_GUILESS_MAIN(TestStoreUsersTokens)
#include "tst_store_users_tokens.moc"
