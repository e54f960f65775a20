// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "config/Diagnostic.h"

#include <QJsonObject>
#include <QProcessEnvironment>
#include <QString>

#include <optional>

namespace aisbf::store {

/**
 * Where the control plane keeps its data: the "database" object of aisbf.json.
 *
 *     "database": {"type": "sqlite", "sqlite_path": "~/.aisbf/aisbf.db",
 *                  "mysql_host": "localhost", "mysql_port": 3306, "mysql_user": "aisbf",
 *                  "mysql_password": "...", "mysql_database": "aisbf"}
 *
 * "type" is "sqlite" (one node; the default) or "mysql" (a cluster; MariaDB or MySQL).
 */
struct DatabaseConfig
{
    enum class Backend
    {
        Sqlite,
        MySql
    };

    Backend backend = Backend::Sqlite;
    QString sqlitePath; ///< absolute path of the SQLite file

    QString host = QStringLiteral("localhost");
    int port = 3306;
    QString user = QStringLiteral("aisbf");
    QString password; ///< secret: never log it, never put it in an error
    QString database = QStringLiteral("aisbf");

    int busyTimeoutMs = 5000;     ///< SQLite: wait this long for a lock before "database is locked"
    int connectTimeoutSec = 5;    ///< MySQL: connect, and read/write timeouts
    int readWriteTimeoutSec = 30; ///< MySQL: one statement's network reads and writes

    /**
     * Reads the "database" object of @p aisbf (the whole aisbf.json document). Defaults: SQLite
     * at @p configDir/aisbf.db. A leading "~" in sqlite_path is @p homeDir; a relative path is
     * taken from @p configDir. Every problem goes to @p diagnostics (file "aisbf.json", JSON
     * pointer, what to do); returns nullopt when one of them is an error. A mysql_password of
     * "$NAME" is read from @p env (so the file need not hold it), like providers' api_key.
     */
    static std::optional<DatabaseConfig>
    fromServerJson(const QJsonObject &aisbf, const QString &configDir, const QString &homeDir,
                   config::Diagnostics &diagnostics,
                   const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment());

    /**
     * A MySQL config from "host=H;port=N;user=U;password=P;database=D" (the form of the test
     * environment variable AISBF_TEST_MYSQL). On a mistake returns nullopt and sets @p error
     * (which never repeats the password).
     */
    static std::optional<DatabaseConfig> fromMySqlSpec(const QString &spec, QString *error);

    bool isSqlite() const { return backend == Backend::Sqlite; }
    /** The Qt driver: "QSQLITE" or "QMYSQL". */
    QString driverName() const;
    /** "sqlite /path/aisbf.db" or "mysql aisbf@host:3306/aisbf" — safe to log (no password). */
    QString describe() const;
};

} // namespace aisbf::store
