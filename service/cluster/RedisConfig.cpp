// SPDX-License-Identifier: GPL-3.0-or-later
#include "RedisConfig.h"

#include <QJsonValue>
#include <QRegularExpression>

#include <cmath>

namespace aisbf::cluster {

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
                      QLatin1String("/cache/") % key, message});
        m_failed = true;
    }

    // Absent and null both mean "not set" (the original config writes nulls).
    std::optional<QString> string(const QJsonObject &o, const QString &key, const char *example)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined() || v.isNull())
            return std::nullopt;
        if (!v.isString()) {
            error(key, QLatin1String("must be a string, e.g. ") % QLatin1String(example));
            return std::nullopt;
        }
        return v.toString();
    }

    // A whole number in [min, max]; "6379" as a string is accepted (hand-written configs).
    std::optional<int> whole(const QJsonObject &o, const QString &key, int min, int max,
                             const QString &what)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined() || v.isNull())
            return std::nullopt;
        double number = std::nan("");
        if (v.isDouble()) {
            number = v.toDouble();
        } else if (v.isString()) {
            bool ok = false;
            const int parsed = v.toString().trimmed().toInt(&ok);
            if (ok)
                number = parsed;
        }
        if (!(number >= min && number <= max && number == std::floor(number))) {
            error(key, what);
            return std::nullopt;
        }
        return int(number);
    }

    bool failed() const { return m_failed; }

private:
    config::Diagnostics &m_out;
    bool m_failed = false;
};

// "$NAME" or "${NAME}" -> NAME; anything else is the password itself.
std::optional<QString> envReference(const QString &written)
{
    static const QRegularExpression re(
        QStringLiteral("^\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)\\}|([A-Za-z_][A-Za-z0-9_]*))$"));
    const QRegularExpressionMatch m = re.match(written);
    if (!m.hasMatch())
        return std::nullopt;
    return m.captured(1).isEmpty() ? m.captured(2) : m.captured(1);
}

} // namespace

std::optional<RedisConfig> RedisConfig::fromServerJson(const QJsonObject &aisbf,
                                                       const QProcessEnvironment &env,
                                                       config::Diagnostics &diagnostics)
{
    const QJsonValue section = aisbf.value(k("cache"));
    if (section.isUndefined() || section.isNull())
        return std::nullopt; // the default cache is in memory: no cluster
    if (!section.isObject()) {
        diagnostics.append({Diagnostic::Severity::Error, QStringLiteral("aisbf.json"),
                            QStringLiteral("/cache"),
                            QStringLiteral("must be an object, e.g. {\"type\": \"redis\", "
                                           "\"redis_host\": \"localhost\"}")});
        return std::nullopt;
    }
    const QJsonObject cache = section.toObject();
    Reader r(diagnostics);

    const QString type = r.string(cache, k("type"), "\"redis\"").value_or(k("memory"));
    if (r.failed() || type != QLatin1String("redis"))
        return std::nullopt;

    RedisConfig c;
    if (const auto host = r.string(cache, k("redis_host"), "\"localhost\"")) {
        if (host->trimmed().isEmpty())
            r.error(k("redis_host"), QStringLiteral("must not be empty; write the Redis server's "
                                                    "host name or address, or remove the key "
                                                    "to use \"localhost\""));
        else
            c.host = host->trimmed();
    }
    if (const auto port = r.whole(cache, k("redis_port"), 1, 65535,
                                  k("must be a port number from 1 to 65535, e.g. 6379")))
        c.port = *port;
    if (const auto db =
            r.whole(cache, k("redis_db"), 0, 1'000'000,
                    k("must be a database number of 0 or more (0 to 15 on a default Redis), "
                      "e.g. 0")))
        c.db = *db;
    if (const auto password = r.string(cache, k("redis_password"), "null or \"$REDIS_PASSWORD\"")) {
        if (const auto name = envReference(*password)) {
            if (env.contains(*name))
                c.password = env.value(*name);
            else
                r.error(k("redis_password"),
                        QLatin1String("names the environment variable ") % *name %
                            QLatin1String(", which is not set; export it before starting the "
                                          "gateway, or write the password itself"));
        } else {
            c.password = *password;
        }
    }
    if (const auto prefix = r.string(cache, k("redis_key_prefix"), "\"aisbf:\""))
        c.keyPrefix = *prefix;

    if (r.failed())
        return std::nullopt;
    return c;
}

QString RedisConfig::describe() const
{
    return QLatin1String("redis ") % host % QLatin1Char(':') % QString::number(port) %
           QLatin1Char('/') % QString::number(db) % QLatin1String(" (prefix \"") % keyPrefix %
           QLatin1Char('"') %
           (password.isEmpty() ? QLatin1String(")") : QLatin1String(", with password)"));
}

} // namespace aisbf::cluster
