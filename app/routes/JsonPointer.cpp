// SPDX-License-Identifier: GPL-3.0-or-later
#include "JsonPointer.h"

#include <QJsonArray>
#include <QJsonObject>

namespace aisbf::app::json {

namespace {

// Recursive copy-on-write update: QJsonValue containers are values, so each level is rebuilt.
bool update(QJsonValue &node, const QStringList &tokens, qsizetype at, const QJsonValue *value)
{
    const QString &token = tokens.at(at);
    const bool last = at == tokens.size() - 1;
    if (node.isObject()) {
        QJsonObject o = node.toObject();
        if (last) {
            if (!value) {
                if (!o.contains(token))
                    return false;
                o.remove(token);
            } else {
                o.insert(token, *value);
            }
            node = o;
            return true;
        }
        if (!o.contains(token))
            return false;
        QJsonValue child = o.value(token);
        if (!update(child, tokens, at + 1, value))
            return false;
        o.insert(token, child);
        node = o;
        return true;
    }
    if (node.isArray()) {
        QJsonArray a = node.toArray();
        bool ok = false;
        const qsizetype i = token.toLongLong(&ok);
        if (!ok || i < 0 || i > a.size() || (i == a.size() && (!last || !value)))
            return false;
        if (last) {
            if (!value)
                a.removeAt(i);
            else if (i == a.size())
                a.append(*value);
            else
                a.replace(i, *value);
            node = a;
            return true;
        }
        QJsonValue child = a.at(i);
        if (!update(child, tokens, at + 1, value))
            return false;
        a.replace(i, child);
        node = a;
        return true;
    }
    return false;
}

} // namespace

QStringList splitPointer(const QString &pointer)
{
    if (pointer.isEmpty())
        return {};
    QStringList tokens =
        pointer.mid(pointer.startsWith(QLatin1Char('/')) ? 1 : 0).split(QLatin1Char('/'));
    for (QString &t : tokens)
        t.replace(QLatin1String("~1"), QLatin1String("/"))
            .replace(QLatin1String("~0"), QLatin1String("~"));
    return tokens;
}

QString childPointer(const QString &parent, const QString &token)
{
    QString escaped = token;
    escaped.replace(QLatin1String("~"), QLatin1String("~0"))
        .replace(QLatin1String("/"), QLatin1String("~1"));
    return parent + QLatin1Char('/') + escaped;
}

QJsonValue valueAt(const QJsonValue &root, const QString &pointer)
{
    QJsonValue node = root;
    const QStringList tokens = splitPointer(pointer);
    for (const QString &token : tokens) {
        if (node.isObject()) {
            const QJsonObject o = node.toObject();
            if (!o.contains(token))
                return QJsonValue(QJsonValue::Undefined);
            node = o.value(token);
        } else if (node.isArray()) {
            bool ok = false;
            const qsizetype i = token.toLongLong(&ok);
            const QJsonArray a = node.toArray();
            if (!ok || i < 0 || i >= a.size())
                return QJsonValue(QJsonValue::Undefined);
            node = a.at(i);
        } else {
            return QJsonValue(QJsonValue::Undefined);
        }
    }
    return node;
}

bool setValueAt(QJsonValue &root, const QString &pointer, const QJsonValue &value)
{
    const QStringList tokens = splitPointer(pointer);
    if (tokens.isEmpty()) {
        root = value;
        return true;
    }
    return update(root, tokens, 0, &value);
}

bool removeAt(QJsonValue &root, const QString &pointer)
{
    const QStringList tokens = splitPointer(pointer);
    return !tokens.isEmpty() && update(root, tokens, 0, nullptr);
}

} // namespace aisbf::app::json
