// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Private to shared/config: typed reads from JSON objects for the parser. Header-only so the
// library's source list stays as declared in shared/CMakeLists.txt.

#include "Diagnostic.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace aisbf::config::detail {

// Escapes one key for use in a JSON pointer (RFC 6901: "~" -> "~0", "/" -> "~1").
QString pointerToken(const QString &key);

// "$NAME" or "${NAME}" -> NAME; anything else is a literal secret.
std::optional<QString> envReference(const QString &written);

// Expands a leading "~" to the home directory.
QString expandHome(const QString &path, const QProcessEnvironment &env);

// Typed reads from a JSON object that report wrong types and ranges instead of failing.
// An absent key and null both mean "not set" (the original config writes nulls).
class JsonReader
{
public:
    JsonReader(const QString &file, Diagnostics &out) : m_file(file), m_out(out) {}

    void error(const QString &path, const QString &message);
    void warning(const QString &path, const QString &message);

    std::optional<QJsonObject> object(const QJsonObject &o, const QString &key,
                                      const QString &path);
    std::optional<QJsonArray> array(const QJsonObject &o, const QString &key, const QString &path,
                                    const QString &example);
    std::optional<QString> string(const QJsonObject &o, const QString &key, const QString &path);
    std::optional<bool> boolean(const QJsonObject &o, const QString &key, const QString &path);
    QStringList stringList(const QJsonObject &o, const QString &key, const QString &path);
    // Whole number > 0 (token counts, byte sizes).
    std::optional<qint64> positiveInt(const QJsonObject &o, const QString &key,
                                      const QString &path);
    // Number > 0 (weights).
    std::optional<double> positiveNumber(const QJsonObject &o, const QString &key,
                                         const QString &path, const QString &hint);
    // Seconds >= 0, whole seconds (cooldowns).
    std::optional<int> cooldownSec(const QJsonObject &o, const QString &key, const QString &path);
    // Seconds > 0, fractional allowed, returned as milliseconds (timeouts).
    std::optional<int> timeoutMs(const QJsonObject &o, const QString &key, const QString &path);
    std::optional<quint16> port(const QJsonObject &o, const QString &key, const QString &path);

private:
    std::optional<double> number(const QJsonObject &o, const QString &key, const QString &path,
                                 const QString &what);

    QString m_file;
    Diagnostics &m_out;
};

inline QString quoted(const QString &s)
{
    return QLatin1Char('"') + s + QLatin1Char('"');
}

// How a wrong value is shown back to the operator.
inline QString describe(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return QString::number(v.toDouble());
    case QJsonValue::String:
        return quoted(v.toString());
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    default:
        return QStringLiteral("null");
    }
}

inline bool isSet(const QJsonValue &v)
{
    return !v.isUndefined() && !v.isNull();
}

inline QString pointerToken(const QString &key)
{
    QString escaped = key;
    escaped.replace(QLatin1Char('~'), QLatin1String("~0"));
    escaped.replace(QLatin1Char('/'), QLatin1String("~1"));
    return escaped;
}

inline std::optional<QString> envReference(const QString &written)
{
    static const QRegularExpression re(
        QStringLiteral("^\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)\\}|([A-Za-z_][A-Za-z0-9_]*))$"));
    const QRegularExpressionMatch m = re.match(written);
    if (!m.hasMatch())
        return std::nullopt;
    return m.captured(1).isEmpty() ? m.captured(2) : m.captured(1);
}

inline QString expandHome(const QString &path, const QProcessEnvironment &env)
{
    if (path != QLatin1String("~") && !path.startsWith(QLatin1String("~/")))
        return path;
    const QString home = env.value(QStringLiteral("HOME"), QDir::homePath());
    return home + path.mid(1);
}

inline void JsonReader::error(const QString &path, const QString &message)
{
    m_out.append({Diagnostic::Severity::Error, m_file, path, message});
}

inline void JsonReader::warning(const QString &path, const QString &message)
{
    m_out.append({Diagnostic::Severity::Warning, m_file, path, message});
}

inline std::optional<QJsonObject> JsonReader::object(const QJsonObject &o, const QString &key,
                                                     const QString &path)
{
    const QJsonValue v = o.value(key);
    if (!isSet(v))
        return std::nullopt;
    if (!v.isObject()) {
        error(path, quoted(key) % QLatin1String(" must be an object {...}, not ") % describe(v));
        return std::nullopt;
    }
    return v.toObject();
}

inline std::optional<QJsonArray> JsonReader::array(const QJsonObject &o, const QString &key,
                                                   const QString &path, const QString &example)
{
    const QJsonValue v = o.value(key);
    if (!isSet(v))
        return std::nullopt;
    if (!v.isArray()) {
        error(path, quoted(key) % QLatin1String(" must be an array like ") % example %
                        QLatin1String(", not ") % describe(v));
        return std::nullopt;
    }
    return v.toArray();
}

inline std::optional<QString> JsonReader::string(const QJsonObject &o, const QString &key,
                                                 const QString &path)
{
    const QJsonValue v = o.value(key);
    if (!isSet(v))
        return std::nullopt;
    if (!v.isString()) {
        error(path, quoted(key) % QLatin1String(" must be a string in quotes, not ") % describe(v));
        return std::nullopt;
    }
    return v.toString();
}

inline std::optional<bool> JsonReader::boolean(const QJsonObject &o, const QString &key,
                                               const QString &path)
{
    const QJsonValue v = o.value(key);
    if (!isSet(v))
        return std::nullopt;
    if (!v.isBool()) {
        error(path, quoted(key) % QLatin1String(" must be true or false, not ") % describe(v));
        return std::nullopt;
    }
    return v.toBool();
}

inline QStringList JsonReader::stringList(const QJsonObject &o, const QString &key,
                                          const QString &path)
{
    QStringList list;
    const auto items = array(o, key, path, QStringLiteral("[\"a\", \"b\"]"));
    if (!items)
        return list;
    for (qsizetype i = 0; i < items->size(); ++i) {
        const QJsonValue v = items->at(i);
        if (v.isString())
            list.append(v.toString());
        else
            error(path % QLatin1Char('/') % QString::number(i),
                  QLatin1String("each element of ") % quoted(key) %
                      QLatin1String(" must be a string in quotes, not ") % describe(v));
    }
    return list;
}

inline std::optional<double> JsonReader::number(const QJsonObject &o, const QString &key,
                                                const QString &path, const QString &what)
{
    const QJsonValue v = o.value(key);
    if (!isSet(v))
        return std::nullopt;
    if (!v.isDouble()) {
        error(path, quoted(key) % QLatin1String(" must be ") % what % QLatin1String(", not ") %
                        describe(v) % QLatin1String("; write it without quotes"));
        return std::nullopt;
    }
    return v.toDouble();
}

inline std::optional<qint64> JsonReader::positiveInt(const QJsonObject &o, const QString &key,
                                                     const QString &path)
{
    const QString what = QStringLiteral("a whole number greater than 0");
    const auto n = number(o, key, path, what);
    if (!n)
        return std::nullopt;
    // 2^53: beyond it doubles stop being exact integers.
    if (*n <= 0 || *n != std::floor(*n) || *n > 9007199254740992.0) {
        error(path, quoted(key) % QLatin1String(" must be ") % what % QLatin1String(", not ") %
                        QString::number(*n));
        return std::nullopt;
    }
    return static_cast<qint64>(*n);
}

inline std::optional<double> JsonReader::positiveNumber(const QJsonObject &o, const QString &key,
                                                        const QString &path, const QString &hint)
{
    const QString what = QStringLiteral("a number greater than 0");
    const auto n = number(o, key, path, what);
    if (n && *n <= 0) {
        error(path, quoted(key) % QLatin1String(" must be ") % what % QLatin1String(", not ") %
                        QString::number(*n) % QLatin1String("; ") % hint);
        return std::nullopt;
    }
    return n;
}

inline std::optional<int> JsonReader::cooldownSec(const QJsonObject &o, const QString &key,
                                                  const QString &path)
{
    const auto n = number(o, key, path, QStringLiteral("a number of seconds (0 or more)"));
    if (!n)
        return std::nullopt;
    if (*n < 0) {
        error(path, quoted(key) % QLatin1String(" must not be negative (") % QString::number(*n) %
                        QLatin1String("); it is in seconds, use 0 for no cooldown"));
        return std::nullopt;
    }
    return static_cast<int>(std::min<double>(std::round(*n), std::numeric_limits<int>::max()));
}

inline std::optional<int> JsonReader::timeoutMs(const QJsonObject &o, const QString &key,
                                                const QString &path)
{
    const QString what = QStringLiteral("a number of seconds greater than 0");
    const auto n = number(o, key, path, what);
    if (!n)
        return std::nullopt;
    if (*n <= 0) {
        error(path, quoted(key) % QLatin1String(" must be ") % what % QLatin1String(", not ") %
                        QString::number(*n) % QLatin1String("; remove it to use the default"));
        return std::nullopt;
    }
    // At least 1 ms so a tiny fraction never turns into "no timeout".
    const double ms = std::clamp(std::ceil(*n * 1000.0), 1.0,
                                 static_cast<double>(std::numeric_limits<int>::max()));
    return static_cast<int>(ms);
}

inline std::optional<quint16> JsonReader::port(const QJsonObject &o, const QString &key,
                                               const QString &path)
{
    const QString what = QStringLiteral("a whole number from 1 to 65535");
    const auto n = number(o, key, path, what);
    if (!n)
        return std::nullopt;
    if (*n < 1 || *n > 65535 || *n != std::floor(*n)) {
        error(path, quoted(key) % QLatin1String(" must be ") % what % QLatin1String(", not ") %
                        QString::number(*n) % QLatin1String("; the default is 17765"));
        return std::nullopt;
    }
    return static_cast<quint16>(*n);
}

} // namespace aisbf::config::detail
