// SPDX-License-Identifier: GPL-3.0-or-later
#include "Database.h"

#include "Migrations.h"
#include "StoreLog.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>

#include <atomic>
#include <unordered_map>

namespace aisbf::store {

namespace {

std::atomic<quint64> g_nextSerial{1};

// A number for the calling thread that is never reused (thread addresses are).
quint64 threadSerial()
{
    thread_local const quint64 serial = g_nextSerial.fetch_add(1);
    return serial;
}

bool isConstraintText(const QString &text, const char *what)
{
    return text.contains(QLatin1String(what), Qt::CaseInsensitive);
}

StoreError::Kind sqliteKind(const QSqlError &e)
{
    const QString text = e.databaseText();
    if (isConstraintText(text, "UNIQUE constraint failed") ||
        isConstraintText(text, "PRIMARY KEY constraint failed"))
        return StoreError::Kind::Conflict;
    if (isConstraintText(text, "constraint failed")) // FOREIGN KEY, CHECK, NOT NULL
        return StoreError::Kind::Constraint;
    if (e.type() == QSqlError::ConnectionError)
        return StoreError::Kind::Connection;
    return StoreError::Kind::Query;
}

// MySQL / MariaDB error numbers (mysqld_error.h, errmsg.h).
StoreError::Kind mysqlKind(const QSqlError &e)
{
    switch (e.nativeErrorCode().toInt()) {
    case 1062: // ER_DUP_ENTRY
    case 1586: // ER_DUP_ENTRY_WITH_KEY_NAME
        return StoreError::Kind::Conflict;
    case 1048: // ER_BAD_NULL_ERROR
    case 1264: // ER_WARN_DATA_OUT_OF_RANGE
    case 1366: // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD
    case 1406: // ER_DATA_TOO_LONG
    case 1451: // ER_ROW_IS_REFERENCED_2
    case 1452: // ER_NO_REFERENCED_ROW_2
    case 3819: // MySQL: check constraint violated
    case 4025: // MariaDB: ER_CONSTRAINT_FAILED (CHECK)
        return StoreError::Kind::Constraint;
    case 1044: // ER_DBACCESS_DENIED_ERROR
    case 1045: // ER_ACCESS_DENIED_ERROR
    case 1049: // ER_BAD_DB_ERROR
    case 2002: // CR_CONNECTION_ERROR
    case 2003: // CR_CONN_HOST_ERROR
    case 2005: // CR_UNKNOWN_HOST
    case 2006: // CR_SERVER_GONE_ERROR
    case 2013: // CR_SERVER_LOST
        return StoreError::Kind::Connection;
    default:
        return e.type() == QSqlError::ConnectionError ? StoreError::Kind::Connection
                                                      : StoreError::Kind::Query;
    }
}

} // namespace

Database::Database(DatabaseConfig config)
    : m_config(std::move(config)), m_serial(g_nextSerial.fetch_add(1)),
      m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
{}

Database::~Database()
{
    const QStringList names = m_connectionNames;
    for (const QString &name : names)
        dropConnection(name);
}

Database::ThreadState &Database::threadState() const
{
    // Node-based map: references stay valid while other Database objects add their entries.
    thread_local std::unordered_map<quint64, ThreadState> states;
    return states[m_serial];
}

Result<int> Database::open(int targetVersion)
{
    if (auto db = connection(); !db)
        return db.error();
    const int target = targetVersion < 0 ? latestSchemaVersion() : targetVersion;
    auto applied = applyMigrations(*this, target);
    if (!applied) {
        qCWarning(lcStore).noquote() << m_config.describe() << applied.error().toString();
        return applied.error();
    }
    qCInfo(lcStore).noquote() << "database" << m_config.describe() << "at schema version"
                              << schemaVersion().value_or(-1) << "(" << *applied
                              << "migrations applied now)";
    return *applied;
}

Result<QSqlDatabase> Database::connection()
{
    ThreadState &state = threadState();
    if (!state.name.isEmpty()) {
        QSqlDatabase db = QSqlDatabase::database(state.name, false);
        if (db.isOpen())
            return db;
        db = QSqlDatabase();
        dropConnection(state.name);
        state.name.clear();
    }
    const QString name = QStringLiteral("aisbf.store.%1.%2.%3")
                             .arg(m_serial)
                             .arg(threadSerial())
                             .arg(state.reconnects++);
    auto db = openConnection(name);
    if (db)
        state.name = name;
    return db;
}

void Database::closeThreadConnection()
{
    ThreadState &state = threadState();
    if (!state.name.isEmpty())
        dropConnection(state.name);
    state.name.clear();
    state.txDepth = 0;
}

Result<QSqlDatabase> Database::openConnection(const QString &name)
{
    const QString driver = m_config.driverName();
    if (!QSqlDatabase::isDriverAvailable(driver)) {
        return StoreError{StoreError::Kind::Connection,
                          QLatin1String("the Qt ") % driver %
                              QLatin1String(" driver is not installed (Debian: apt install ") %
                              (isSqlite() ? QLatin1String("libqt6sql6-sqlite")
                                          : QLatin1String("libqt6sql6-mysql")) %
                              QLatin1Char(')'),
                          {}};
    }
    bool created = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(driver, name);
        {
            QMutexLocker lock(&m_namesMutex);
            m_connectionNames.append(name);
        }
        if (isSqlite()) {
            QDir().mkpath(QFileInfo(m_config.sqlitePath).absolutePath());
            created = !QFileInfo::exists(m_config.sqlitePath);
            db.setDatabaseName(m_config.sqlitePath);
            db.setConnectOptions(
                QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(m_config.busyTimeoutMs));
        } else {
            db.setHostName(m_config.host);
            db.setPort(m_config.port);
            db.setUserName(m_config.user);
            db.setPassword(m_config.password);
            db.setDatabaseName(m_config.database);
            // CLIENT_FOUND_ROWS: an UPDATE reports the rows it matched, as SQLite does, so
            // "0 rows" always means "no such row" and never "nothing changed".
            db.setConnectOptions(QStringLiteral("MYSQL_OPT_CONNECT_TIMEOUT=%1;"
                                                "MYSQL_OPT_READ_TIMEOUT=%2;"
                                                "MYSQL_OPT_WRITE_TIMEOUT=%2;CLIENT_FOUND_ROWS")
                                     .arg(m_config.connectTimeoutSec)
                                     .arg(m_config.readWriteTimeoutSec));
        }
        if (db.open()) {
            if (Status configured = configureConnection(db); !configured) {
                db = QSqlDatabase();
                dropConnection(name);
                return configured.error();
            }
            if (isSqlite() && created) // it will hold password and token hashes
                QFile::setPermissions(m_config.sqlitePath,
                                      QFileDevice::ReadOwner | QFileDevice::WriteOwner);
            return db;
        }
        StoreError error = sqlError(db.lastError(), {});
        error.kind = StoreError::Kind::Connection;
        error.message =
            QLatin1String("cannot open the database (") % m_config.describe() %
            (isSqlite() ? QLatin1String("): check that its directory is writable")
                        : QLatin1String("): check that the server is running and "
                                        "database.mysql_host, mysql_port, mysql_user, "
                                        "mysql_password and mysql_database in aisbf.json"));
        db = QSqlDatabase();
        dropConnection(name);
        qCWarning(lcStore).noquote() << error.toString();
        return error;
    }
}

Status Database::configureConnection(QSqlDatabase &db)
{
    const QStringList statements =
        isSqlite()
            ? QStringList{QStringLiteral("PRAGMA journal_mode=WAL"),
                          QStringLiteral("PRAGMA foreign_keys=ON"),
                          QStringLiteral("PRAGMA synchronous=NORMAL"),
                          QStringLiteral("PRAGMA busy_timeout=%1").arg(m_config.busyTimeoutMs)}
            // Strict: a value that does not fit is an error on both backends, not a truncation.
            : QStringList{QStringLiteral("SET NAMES utf8mb4 COLLATE utf8mb4_bin"),
                          QStringLiteral("SET SESSION sql_mode = 'STRICT_ALL_TABLES,"
                                         "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'")};
    for (const QString &sql : statements) {
        QSqlQuery q(db);
        if (!q.exec(sql)) {
            StoreError error = sqlError(q.lastError(), QLatin1String("cannot set up the "
                                                                     "connection to ") %
                                                           m_config.describe());
            error.kind = StoreError::Kind::Connection;
            return error;
        }
        if (sql.startsWith(QLatin1String("PRAGMA journal_mode")) && q.next() &&
            q.value(0).toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0)
            qCWarning(lcStore).noquote()
                << m_config.describe() << "does not support WAL; using" << q.value(0).toString();
    }
    return {};
}

void Database::dropConnection(const QString &name)
{
    {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (db.isValid())
            db.close();
    }
    QSqlDatabase::removeDatabase(name);
    QMutexLocker lock(&m_namesMutex);
    m_connectionNames.removeAll(name);
}

QString Database::scrub(QString text) const
{
    if (!m_config.password.isEmpty())
        text.replace(m_config.password, QLatin1String("***"));
    return text;
}

StoreError Database::sqlError(const QSqlError &error, const QString &message) const
{
    StoreError e;
    e.kind = isSqlite() ? sqliteKind(error) : mysqlKind(error);
    e.message = message;
    e.sqlError = scrub(error.text());
    return e;
}

QVariant nullableInt(const std::optional<qint64> &v)
{
    return v ? QVariant(*v) : QVariant(QMetaType::fromType<qint64>());
}

std::optional<qint64> optionalInt(const QVariant &v)
{
    if (v.isNull())
        return std::nullopt;
    return v.toLongLong();
}

} // namespace aisbf::store
