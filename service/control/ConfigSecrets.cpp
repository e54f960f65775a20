// SPDX-License-Identifier: GPL-3.0-or-later
#include "ConfigSecrets.h"

#include <QJsonArray>

namespace aisbf::control::secrets {

namespace {

const QChar kEllipsis(0x2026);

bool isMaskedForm(const QString &value)
{
    return value.startsWith(kEllipsis) && value.size() <= 5;
}

QString escapePointer(QString key)
{
    return key.replace(u'~', QLatin1String("~0")).replace(u'/', QLatin1String("~1"));
}

// Everything under a secret-named key is secret, however deep.
QJsonValue maskValue(const QJsonValue &value)
{
    if (value.isString())
        return mask(value.toString());
    if (value.isArray()) {
        QJsonArray out;
        for (const QJsonValue &item : value.toArray())
            out.append(maskValue(item));
        return out;
    }
    if (value.isObject()) {
        QJsonObject out;
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            out.insert(it.key(), maskValue(it.value()));
        return out;
    }
    return value;
}

QJsonValue maskTree(const QJsonValue &value);

QJsonObject maskObject(const QJsonObject &object)
{
    QJsonObject out;
    for (auto it = object.begin(); it != object.end(); ++it)
        out.insert(it.key(), isSecretKey(it.key()) ? maskValue(it.value()) : maskTree(it.value()));
    return out;
}

QJsonValue maskTree(const QJsonValue &value)
{
    if (value.isObject())
        return maskObject(value.toObject());
    if (value.isArray()) {
        QJsonArray out;
        for (const QJsonValue &item : value.toArray())
            out.append(maskTree(item));
        return out;
    }
    return value;
}

// A secret value (a string, or an array or object holding them) with masks resolved against
// @p current.
QJsonValue restoreSecret(const QJsonValue &incoming, const QJsonValue &current, const QString &path,
                         QStringList *unmatched)
{
    if (incoming.isString()) {
        const QString given = incoming.toString();
        if (!isMaskedForm(given))
            return incoming;
        if (current.isString() && mask(current.toString()) == given)
            return current;
        unmatched->append(path);
        return incoming;
    }
    if (incoming.isObject()) {
        const QJsonObject currentObject = current.toObject();
        QJsonObject out;
        const QJsonObject object = incoming.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            out.insert(it.key(), restoreSecret(it.value(), currentObject.value(it.key()),
                                               path + u'/' + escapePointer(it.key()), unmatched));
        return out;
    }
    if (!incoming.isArray())
        return incoming;
    // Arrays of secrets (auth.tokens) may be reordered or shortened: strings match by mask,
    // each current value used once; other items match by position.
    const QJsonArray currentArray = current.toArray();
    QJsonArray pool = currentArray;
    QJsonArray out;
    const QJsonArray items = incoming.toArray();
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QString itemPath = path + u'/' + QString::number(i);
        if (!items.at(i).isString()) {
            out.append(restoreSecret(items.at(i), currentArray.at(i), itemPath, unmatched));
            continue;
        }
        const QString given = items.at(i).toString();
        if (!isMaskedForm(given)) {
            out.append(items.at(i));
            continue;
        }
        qsizetype found = -1;
        for (qsizetype j = 0; j < pool.size() && found < 0; ++j) {
            if (pool.at(j).isString() && mask(pool.at(j).toString()) == given)
                found = j;
        }
        if (found < 0) {
            unmatched->append(itemPath);
            out.append(items.at(i));
            continue;
        }
        out.append(pool.at(found));
        pool.removeAt(found);
    }
    return out;
}

QJsonValue restoreTree(const QJsonValue &incoming, const QJsonValue &current, const QString &path,
                       QStringList *unmatched)
{
    if (incoming.isObject()) {
        const QJsonObject currentObject = current.toObject();
        QJsonObject out;
        const QJsonObject object = incoming.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            const QString childPath = path + u'/' + escapePointer(it.key());
            const QJsonValue currentChild = currentObject.value(it.key());
            out.insert(it.key(), isSecretKey(it.key())
                                     ? restoreSecret(it.value(), currentChild, childPath, unmatched)
                                     : restoreTree(it.value(), currentChild, childPath, unmatched));
        }
        return out;
    }
    if (incoming.isArray()) {
        const QJsonArray currentArray = current.toArray();
        QJsonArray out;
        const QJsonArray items = incoming.toArray();
        for (qsizetype i = 0; i < items.size(); ++i)
            out.append(restoreTree(items.at(i), currentArray.at(i),
                                   path + u'/' + QString::number(i), unmatched));
        return out;
    }
    return incoming;
}

} // namespace

bool isSecretKey(const QString &key)
{
    const QString k = key.toLower();
    return k == QLatin1String("api_key") || k == QLatin1String("tokens") ||
           k == QLatin1String("token") || k.contains(QLatin1String("password")) ||
           k.contains(QLatin1String("secret")) || k.endsWith(QLatin1String("_token")) ||
           // autoselect_tokens, fullconfig_tokens…, but not max_tokens / max_request_tokens
           (k.endsWith(QLatin1String("_tokens")) && !k.contains(QLatin1String("max"))) ||
           k.endsWith(QLatin1String("private_key"));
}

QString mask(const QString &value)
{
    if (value.isEmpty() || value.startsWith(u'$') || isMaskedForm(value))
        return value;
    if (value.size() < 12)
        return QString(kEllipsis);
    return kEllipsis + value.right(4);
}

QJsonObject masked(const QJsonObject &document)
{
    return maskObject(document);
}

QJsonObject unmasked(const QJsonObject &incoming, const QJsonObject &current,
                     QStringList *unmatched)
{
    return restoreTree(incoming, current, QString(), unmatched).toObject();
}

} // namespace aisbf::control::secrets
