// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "store/Database.h"
#include "store/DatabaseConfig.h"
#include "store/UsageRecord.h"

#include <QList>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>
#include <optional>

/**
 * Where the store tests get their databases: every test row asks for a fresh, empty one.
 *
 * - "sqlite": a new file in a temporary directory.
 * - "mariadb": a new database "aisbf_test_<pid>_<n>" on the server named by AISBF_TEST_MYSQL
 *   ("host=127.0.0.1;port=N;user=aisbf;password=P;database=aisbf_test"; the user may create
 *   databases named aisbf_test*), dropped again in cleanup(). installer/aisbf-dev.sh test starts
 *   such a server; so does installer/test-servers.sh start DIR.
 *
 * Without AISBF_TEST_MYSQL the MariaDB rows are skipped, or fail when CI=true.
 */
class StoreTestEnv
{
public:
    StoreTestEnv();
    ~StoreTestEnv();

    /** "sqlite" and "mariadb": the rows of every test's backend column. */
    static QStringList backends();
    /** Adds the QString column "backend" and one row per backend (for plain _data()). */
    static void addBackendRows();

    struct Fresh
    {
        std::optional<aisbf::store::DatabaseConfig> config;
        QString reason; ///< why there is none
        bool fatal = false;
    };
    /** A config for a new, empty database on @p backend. */
    Fresh fresh(const QString &backend);
    /** The MariaDB server from AISBF_TEST_MYSQL (its base database), if set and valid. */
    std::optional<aisbf::store::DatabaseConfig> mysqlServer(QString *reason, bool *fatal) const;
    /** Drops the MariaDB databases made by fresh(); call from cleanup(). */
    void dropAll();

private:
    QTemporaryDir m_tmp;
    int m_serial = 0;
    QStringList m_created; ///< MariaDB databases to drop
    QString m_adminConnection;
};

/**
 * In a test function: `STORE_FRESH_CONFIG(m_env, backend, cfg);` declares `cfg`, a fresh
 * DatabaseConfig, or skips / fails the row when the backend is not available.
 */
#define STORE_FRESH_CONFIG(env, backend, var)                                                      \
    const StoreTestEnv::Fresh var##Fresh = (env).fresh(backend);                                   \
    if (!var##Fresh.config) {                                                                      \
        if (var##Fresh.fatal)                                                                      \
            QFAIL(qPrintable(var##Fresh.reason));                                                  \
        QSKIP(qPrintable(var##Fresh.reason));                                                      \
    }                                                                                              \
    const aisbf::store::DatabaseConfig var = *var##Fresh.config

/** As STORE_FRESH_CONFIG, then declares `Database var` on it, opened at the latest schema. */
#define STORE_OPEN_DB(env, backend, var)                                                           \
    STORE_FRESH_CONFIG(env, backend, var##Config);                                                 \
    aisbf::store::Database var(var##Config);                                                       \
    do {                                                                                           \
        const auto opened = var.open();                                                            \
        QVERIFY2(opened.ok(), why(opened).constData());                                            \
    } while (false)

/** The error text of @p result for QVERIFY2 (which evaluates its message even on success). */
template <typename R> QByteArray why(const R &result)
{
    return result.ok() ? QByteArray() : result.error().toString().toUtf8();
}

/** The first column of the first row of @p sql, as an integer (counts). -1 on error. */
qint64 scalar(aisbf::store::Database &db, const QString &sql, const QVariantList &values = {});

/**
 * Every usage event in @p db's usage_batches, in batch order; empty (with a warning) when a
 * batch cannot be read or holds another number of events than its row says.
 */
QList<aisbf::store::UsageRecord> storedUsage(aisbf::store::Database &db);
