// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <common/ApiListModel.h>

#include <api/AdminData.h>

namespace aisbf::app {

/** Users of the gateway (GET/POST/PATCH/DELETE /api/admin/users). */
class UsersModel : public ApiListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Session")

public:
    enum Role
    {
        UserIdRole = Qt::UserRole + 1,
        UsernameRole,
        RoleRole,   ///< "admin" or "user"
        TierIdRole, ///< -1 when none
        DisabledRole,
        CreatedAtRole,
    };
    Q_ENUM(Role)

    explicit UsersModel(api::AdminClient *client, QObject *parent = nullptr);

    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void refresh() override;
    void applyUsers(const QJsonObject &body);

    /** POST /api/admin/users; @p tierId < 0 means none. actionFinished() tells the outcome. */
    Q_INVOKABLE void createUser(const QString &username, const QString &password,
                                const QString &role, int tierId);
    Q_INVOKABLE void setDisabled(const QString &username, bool disabled);
    Q_INVOKABLE void setTier(const QString &username, int tierId);
    Q_INVOKABLE void removeUser(const QString &username);
    /** The row of @p username, -1 when absent. */
    Q_INVOKABLE int indexOf(const QString &username) const;

protected:
    int rows() const override { return int(m_users.size()); }

private:
    void change(const QByteArray &method, const QString &path, const QJsonValue &body,
                const QString &doneMessage);

    QList<api::User> m_users;
};

} // namespace aisbf::app
