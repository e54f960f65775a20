// SPDX-License-Identifier: GPL-3.0-or-later
#include "ConnectionStore.h"

#include <QSettings>

#include <memory>

namespace aisbf::app {

namespace {

std::unique_ptr<QSettings> openSettings(const QString &file)
{
    if (file.isEmpty())
        return std::make_unique<QSettings>(QStringLiteral("aisbf"),
                                           QStringLiteral("aisbf-control"));
    return std::make_unique<QSettings>(file, QSettings::IniFormat);
}

} // namespace

ConnectionStore::ConnectionStore(QObject *parent) : QAbstractListModel(parent)
{
    load();
}

void ConnectionStore::setSettingsFile(const QString &path)
{
    m_settingsFile = path;
    beginResetModel();
    load();
    endResetModel();
    Q_EMIT countChanged();
}

int ConnectionStore::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant ConnectionStore::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const Entry &e = m_entries.at(index.row());
    switch (role) {
    case NameRole:
        return e.name;
    case UrlRole:
        return e.url;
    case AuthModeRole:
        return e.authMode;
    case UsernameRole:
        return e.username;
    case TokenRole:
        return e.remember ? e.token : QString();
    case RememberRole:
        return e.remember;
    default:
        return {};
    }
}

QHash<int, QByteArray> ConnectionStore::roleNames() const
{
    return {{NameRole, "name"},         {UrlRole, "url"},     {AuthModeRole, "authMode"},
            {UsernameRole, "username"}, {TokenRole, "token"}, {RememberRole, "remember"}};
}

QVariant ConnectionStore::get(int row, const QString &roleName) const
{
    if (row < 0 || row >= m_entries.size())
        return {};
    const QByteArray name = roleName.toUtf8();
    const auto roles = roleNames();
    for (auto it = roles.begin(); it != roles.end(); ++it) {
        if (it.value() == name)
            return data(index(row), it.key());
    }
    return {};
}

void ConnectionStore::save(const QString &name, const QString &url, const QString &authMode,
                           const QString &username, const QString &token, bool remember)
{
    const QString key = name.trimmed().isEmpty() ? url : name.trimmed();
    Entry entry{key, url, authMode, username, remember ? token : QString(), remember};
    int row = -1;
    for (int i = 0; i < m_entries.size(); ++i) {
        if (m_entries.at(i).name == key)
            row = i;
    }
    if (row >= 0) {
        m_entries[row] = entry;
        Q_EMIT dataChanged(index(row), index(row));
    } else {
        row = int(m_entries.size());
        beginInsertRows({}, row, row);
        m_entries.append(entry);
        endInsertRows();
    }
    m_lastUsed = row;
    store();
    Q_EMIT countChanged();
}

void ConnectionStore::remove(int row)
{
    if (row < 0 || row >= m_entries.size())
        return;
    beginRemoveRows({}, row, row);
    m_entries.removeAt(row);
    endRemoveRows();
    if (m_lastUsed >= m_entries.size())
        m_lastUsed = int(m_entries.size()) - 1;
    store();
    Q_EMIT countChanged();
}

void ConnectionStore::load()
{
    m_entries.clear();
    auto settings = openSettings(m_settingsFile);
    const int n = settings->beginReadArray(QStringLiteral("connections"));
    for (int i = 0; i < n; ++i) {
        settings->setArrayIndex(i);
        Entry e;
        e.name = settings->value(QStringLiteral("name")).toString();
        e.url = settings->value(QStringLiteral("url")).toString();
        e.authMode =
            settings->value(QStringLiteral("authMode"), QStringLiteral("token")).toString();
        e.username = settings->value(QStringLiteral("username")).toString();
        e.remember = settings->value(QStringLiteral("remember")).toBool();
        e.token = e.remember ? settings->value(QStringLiteral("token")).toString() : QString();
        m_entries.append(e);
    }
    settings->endArray();
    m_lastUsed = settings->value(QStringLiteral("lastUsed"), int(m_entries.size()) - 1).toInt();
    if (m_lastUsed >= m_entries.size())
        m_lastUsed = int(m_entries.size()) - 1;
}

void ConnectionStore::store() const
{
    auto settings = openSettings(m_settingsFile);
    settings->remove(QStringLiteral("connections"));
    settings->beginWriteArray(QStringLiteral("connections"), int(m_entries.size()));
    for (int i = 0; i < m_entries.size(); ++i) {
        const Entry &e = m_entries.at(i);
        settings->setArrayIndex(i);
        settings->setValue(QStringLiteral("name"), e.name);
        settings->setValue(QStringLiteral("url"), e.url);
        settings->setValue(QStringLiteral("authMode"), e.authMode);
        settings->setValue(QStringLiteral("username"), e.username);
        settings->setValue(QStringLiteral("remember"), e.remember);
        if (e.remember && !e.token.isEmpty())
            settings->setValue(QStringLiteral("token"), e.token);
    }
    settings->endArray();
    settings->setValue(QStringLiteral("lastUsed"), m_lastUsed);
    settings->sync();
}

} // namespace aisbf::app
