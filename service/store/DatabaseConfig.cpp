// SPDX-License-Identifier: GPL-3.0-or-later
#include "DatabaseConfig.h"

#include <QDir>
#include <QJsonValue>

namespace aisbf::store {

namespace {

using config::Diagnostic;

QString k(const char *latin1)
{
    return QString::fromLatin1(latin1);
}

class Reader
{
public:
    explicit Reader(config::Diagnostics &out) : m_out(out) {}

    void error(const QString &key, const QString &message)
    {
        m_out.append({Diagnostic::Severity::Error, QStringLiteral("aisbf.json"),
                      QLatin1String("/database/") % key, message});
        m_failed = true;
    }

    // Absent and null both mean "not set" (the original config writes nulls).
    std::optional<QString> string(const QJsonObject &o, const QString &key, bool mayBeEmpty)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined() || v.isNull())
            return std::nullopt;
        if (!v.isString()) {
            error(key, QLatin1String("must be a string"));
            return std::nullopt;
        }
        if (!mayBeEmpty && v.toString().trimmed().isEmpty()) {
            error(key, QLatin1String("must not be empty; remove the key to use the default"));
            return std::nullopt;
        }
        return v.toString();
    }

    std::optional<int> port(const QJsonObject &o, const QString &key)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined() || v.isNull())
            return std::nullopt;
        // "3306" as a string is accepted: hand-written configs do that.
        int port = 0;
        if (v.isDouble() && v.toDouble() >= 1 && v.toDouble() <= 65535 &&
            v.toDouble() == static_cast<int>(v.toDouble()))
            port = static_cast<int>(v.toDouble());
        else if (v.isString())
            port = v.toString().trimmed().toInt();
        if (port < 1 || port > 65535) {
            error(key, QLatin1String("must be a port number from 1 to 65535, e.g. 3306"));
            return std::nullopt;
        }
        return port;
    }

    bool failed() const { return m_failed; }

private:
    config::Diagnostics &m_out;
    bool m_failed = false;
};

QString expandPath(const QString &path, const QString &configDir, const QString &homeDir)
{
    QString p = path;
    if (p == QLatin1String("~") || p.startsWith(QLatin1String("~/")))
        p = homeDir + p.mid(1);
    if (QDir::isRelativePath(p))
        p = QDir(configDir).filePath(p);
    return QDir::cleanPath(p);
}

} // namespace

std::optional<DatabaseConfig> DatabaseConfig::fromServerJson(const QJsonObject &aisbf,
                                                             const QString &configDir,
                                                             const QString &homeDir,
                                                             config::Diagnostics &diagnostics,
                                                             const QProcessEnvironment &env)
{
    DatabaseConfig c;
    c.sqlitePath = QDir::cleanPath(QDir(configDir).filePath(QStringLiteral("aisbf.db")));
    const QJsonValue section = aisbf.value(k("database"));
    if (section.isUndefined() || section.isNull())
        return c;
    Reader r(diagnostics);
    if (!section.isObject()) {
        diagnostics.append({Diagnostic::Severity::Error, QStringLiteral("aisbf.json"),
                            QStringLiteral("/database"),
                            QStringLiteral("must be an object, e.g. {\"type\": \"sqlite\"}")});
        return std::nullopt;
    }
    const QJsonObject db = section.toObject();

    const QString type = r.string(db, k("type"), false).value_or(k("sqlite"));
    if (type == QLatin1String("mysql")) {
        c.backend = Backend::MySql;
    } else if (type != QLatin1String("sqlite")) {
        r.error(k("type"), QLatin1String("must be \"sqlite\" (one node) or \"mysql\" (a cluster; "
                                         "MariaDB or MySQL), not \"") %
                               type % QLatin1Char('"'));
    }

    if (const auto path = r.string(db, k("sqlite_path"), false))
        c.sqlitePath = expandPath(*path, configDir, homeDir);
    if (const auto host = r.string(db, k("mysql_host"), false))
        c.host = host->trimmed();
    if (const auto port = r.port(db, k("mysql_port")))
        c.port = *port;
    if (const auto user = r.string(db, k("mysql_user"), false))
        c.user = *user;
    if (const auto password = r.string(db, k("mysql_password"), true)) {
        c.password = *password;
        if (password->startsWith(u'$') && password->size() > 1) {
            const QString name = password->mid(1);
            if (env.contains(name))
                c.password = env.value(name);
            else
                r.error(k("mysql_password"),
                        QLatin1String("names the environment variable ") % name %
                            QLatin1String(", which is not set; export it before starting the "
                                          "gateway, or write the password itself"));
        }
    }
    if (const auto name = r.string(db, k("mysql_database"), false))
        c.database = name->trimmed();

    if (r.failed())
        return std::nullopt;
    return c;
}

std::optional<DatabaseConfig> DatabaseConfig::fromMySqlSpec(const QString &spec, QString *error)
{
    DatabaseConfig c;
    c.backend = Backend::MySql;
    c.host.clear(); // required, no defaults
    c.user.clear();
    c.database.clear();
    auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return std::nullopt;
    };
    for (const QString &part : spec.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const qsizetype eq = part.indexOf(QLatin1Char('='));
        if (eq < 0) // not echoed: it may be a password with its key left out
            return fail(QStringLiteral("a part has no \"=\"; expected "
                                       "host=H;port=N;user=U;password=P;database=D"));
        const QString key = part.left(eq).trimmed();
        const QString value = part.mid(eq + 1);
        if (key == QLatin1String("host")) {
            c.host = value;
        } else if (key == QLatin1String("port")) {
            bool ok = false;
            c.port = value.toInt(&ok);
            if (!ok || c.port < 1 || c.port > 65535)
                return fail(QLatin1String("port \"") % value % QLatin1String("\" is not a port"));
        } else if (key == QLatin1String("user")) {
            c.user = value;
        } else if (key == QLatin1String("password")) {
            c.password = value;
        } else if (key == QLatin1String("database")) {
            c.database = value;
        } else {
            return fail(QLatin1String("unknown key \"") % key %
                        QLatin1String("\"; expected host=H;port=N;user=U;password=P;database=D"));
        }
    }
    if (c.host.isEmpty() || c.user.isEmpty() || c.database.isEmpty())
        return fail(QStringLiteral("host, user and database are required: "
                                   "host=H;port=N;user=U;password=P;database=D"));
    return c;
}

QString DatabaseConfig::driverName() const
{
    return isSqlite() ? QStringLiteral("QSQLITE") : QStringLiteral("QMYSQL");
}

QString DatabaseConfig::describe() const
{
    if (isSqlite())
        return QLatin1String("sqlite ") % sqlitePath;
    return QLatin1String("mysql ") % user % QLatin1Char('@') % host % QLatin1Char(':') %
           QString::number(port) % QLatin1Char('/') % database;
}

} // namespace aisbf::store
