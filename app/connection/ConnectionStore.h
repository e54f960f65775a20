// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

namespace aisbf::app {

/**
 * Saved gateway connections (QSettings group "connections"). Passwords are never stored; a
 * token is stored only when the operator ticked "remember".
 */
class ConnectionStore : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(bool loading READ isLoading CONSTANT)
    Q_PROPERTY(int lastUsed READ lastUsed NOTIFY countChanged)

public:
    enum Role
    {
        NameRole = Qt::UserRole + 1,
        UrlRole,
        AuthModeRole, ///< "token" or "password"
        UsernameRole,
        TokenRole, ///< the remembered token, empty when not remembered
        RememberRole,
    };
    Q_ENUM(Role)

    explicit ConnectionStore(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool isLoading() const { return false; }
    int lastUsed() const { return m_lastUsed; }

    /**
     * Adds or updates (same name) a connection and marks it last used. @p token is kept only
     * when @p remember; otherwise any remembered token is forgotten.
     */
    Q_INVOKABLE void save(const QString &name, const QString &url, const QString &authMode,
                          const QString &username, const QString &token, bool remember);
    Q_INVOKABLE void remove(int row);
    /** A role's value by name for QML ("url", "token", …). */
    Q_INVOKABLE QVariant get(int row, const QString &roleName) const;

    /** Where the connections are kept; tests point this at a temporary INI file. */
    void setSettingsFile(const QString &path);

Q_SIGNALS:
    void countChanged();

private:
    struct Entry
    {
        QString name;
        QString url;
        QString authMode;
        QString username;
        QString token;
        bool remember = false;
    };

    void load();
    void store() const;

    QString m_settingsFile;
    QList<Entry> m_entries;
    int m_lastUsed = -1;
};

} // namespace aisbf::app
