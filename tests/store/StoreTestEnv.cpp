// SPDX-License-Identifier: GPL-3.0-or-later
#include "StoreTestEnv.h"

#include "store/UsageBatch.h"

#include <QCoreApplication>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using aisbf::store::Database;
using aisbf::store::DatabaseConfig;

namespace {

const char *const kHowToGetOne =
    "AISBF_TEST_MYSQL is not set, so the MariaDB rows cannot run. installer/aisbf-dev.sh test "
    "starts a throwaway server and sets it; by hand: installer/test-servers.sh start "
    "/tmp/aisbf-servers, then eval its output";

} // namespace

StoreTestEnv::StoreTestEnv()
    : m_adminConnection(
          QStringLiteral("store-test-admin-%1").arg(QCoreApplication::applicationPid()))
{}

StoreTestEnv::~StoreTestEnv()
{
    dropAll();
    QSqlDatabase::removeDatabase(m_adminConnection);
}

QStringList StoreTestEnv::backends()
{
    return {QStringLiteral("sqlite"), QStringLiteral("mariadb")};
}

void StoreTestEnv::addBackendRows()
{
    QTest::addColumn<QString>("backend");
    for (const QString &backend : backends())
        QTest::newRow(qPrintable(backend)) << backend;
}

std::optional<DatabaseConfig> StoreTestEnv::mysqlServer(QString *reason, bool *fatal) const
{
    const QString spec = qEnvironmentVariable("AISBF_TEST_MYSQL");
    if (spec.isEmpty()) {
        *fatal = qEnvironmentVariable("CI") == QLatin1String("true");
        *reason = QString::fromLatin1(kHowToGetOne) %
                  (*fatal ? QLatin1String(" (CI=true: MariaDB is required)") : QLatin1String());
        return std::nullopt;
    }
    QString error;
    auto config = DatabaseConfig::fromMySqlSpec(spec, &error);
    if (!config) {
        *fatal = true;
        *reason = QLatin1String("AISBF_TEST_MYSQL: ") % error;
    }
    return config;
}

StoreTestEnv::Fresh StoreTestEnv::fresh(const QString &backend)
{
    Fresh f;
    const int n = ++m_serial;
    if (backend == QLatin1String("sqlite")) {
        if (!m_tmp.isValid()) {
            f.fatal = true;
            f.reason = QStringLiteral("no temporary directory");
            return f;
        }
        DatabaseConfig c;
        c.sqlitePath = m_tmp.filePath(QStringLiteral("store-%1/aisbf.db").arg(n));
        f.config = c;
        return f;
    }
    auto server = mysqlServer(&f.reason, &f.fatal);
    if (!server)
        return f;
    QSqlDatabase admin =
        QSqlDatabase::contains(m_adminConnection)
            ? QSqlDatabase::database(m_adminConnection)
            : QSqlDatabase::addDatabase(QStringLiteral("QMYSQL"), m_adminConnection);
    if (!admin.isOpen()) {
        admin.setHostName(server->host);
        admin.setPort(server->port);
        admin.setUserName(server->user);
        admin.setPassword(server->password);
        admin.setDatabaseName(server->database);
        if (!admin.open()) {
            f.fatal = true; // the variable is set, so the server was meant to be there
            f.reason = QLatin1String("cannot connect to ") % server->describe() %
                       QLatin1String(" from AISBF_TEST_MYSQL: ") % admin.lastError().text();
            return f;
        }
    }
    DatabaseConfig c = *server;
    c.database = QStringLiteral("%1_%2_%3")
                     .arg(server->database)
                     .arg(QCoreApplication::applicationPid())
                     .arg(n);
    QSqlQuery q(admin);
    if (!q.exec(QLatin1String("CREATE DATABASE ") % c.database %
                QLatin1String(" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))) {
        f.fatal = true;
        f.reason = QLatin1String("cannot create ") % c.database %
                   QLatin1String(" (the AISBF_TEST_MYSQL user needs CREATE on aisbf_test%): ") %
                   q.lastError().text();
        return f;
    }
    m_created.append(c.database);
    f.config = c;
    return f;
}

void StoreTestEnv::dropAll()
{
    if (m_created.isEmpty())
        return;
    QSqlDatabase admin = QSqlDatabase::database(m_adminConnection);
    for (const QString &name : std::as_const(m_created)) {
        QSqlQuery q(admin);
        if (!q.exec(QLatin1String("DROP DATABASE IF EXISTS ") % name))
            qWarning("cannot drop %s: %s", qPrintable(name), qPrintable(q.lastError().text()));
    }
    m_created.clear();
}

qint64 scalar(Database &db, const QString &sql, const QVariantList &values)
{
    auto q = db.query(sql, values);
    if (!q) {
        qWarning("%s: %s", qPrintable(sql), qPrintable(q.error().toString()));
        return -1;
    }
    return q->next() ? q->value(0).toLongLong() : -1;
}

QList<aisbf::store::UsageRecord> storedUsage(aisbf::store::Database &db)
{
    QList<aisbf::store::UsageRecord> all;
    auto q = db.query(QStringLiteral("SELECT id, data, events FROM usage_batches ORDER BY id"));
    if (!q) {
        qWarning("reading usage batches: %s", qPrintable(q.error().toString()));
        return {};
    }
    while (q->next()) {
        auto batch = aisbf::store::usage_batch::decode(q->value(1).toByteArray());
        if (!batch || batch->size() != q->value(2).toLongLong()) {
            qWarning("usage batch %lld: %s", q->value(0).toLongLong(),
                     batch ? "another number of events than its row says"
                           : qPrintable(batch.error().toString()));
            return {};
        }
        all += *batch;
    }
    return all;
}
