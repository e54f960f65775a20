// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <common/ApiListModel.h>

#include <api/AdminData.h>

namespace aisbf::app {

/**
 * The API tokens of one user (GET/POST/DELETE /api/admin/users/{username}/tokens). A created
 * token is the only time its secret is visible: it sits in `createdToken` until cleared.
 */
class TokensModel : public ApiListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Session")
    Q_PROPERTY(QString username READ username WRITE setUsername NOTIFY usernameChanged)
    Q_PROPERTY(QString createdToken READ createdToken NOTIFY createdTokenChanged)

public:
    enum Role
    {
        TokenIdRole = Qt::UserRole + 1,
        NameRole,
        ScopeRole,
        MaskedTokenRole,
        CreatedAtRole,
        ExpiresAtRole,
        RevokedRole,
        LastUsedAtRole,
        RequestsPerMinuteRole, ///< -1 when the token has no limit of its own
    };
    Q_ENUM(Role)

    explicit TokensModel(api::AdminClient *client, QObject *parent = nullptr);

    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    QString username() const { return m_username; }
    void setUsername(const QString &username);
    QString createdToken() const { return m_createdToken; }

    void refresh() override;
    void applyTokens(const QJsonObject &body);

    /**
     * POST …/tokens. @p expiresAt is ISO-8601 or empty (never), @p requestsPerMinute <= 0 means
     * none. On success `createdToken` holds the secret.
     */
    Q_INVOKABLE void createToken(const QString &name, const QString &scope,
                                 const QString &expiresAt, int requestsPerMinute);
    Q_INVOKABLE void revoke(qint64 tokenId);
    /** Forgets the shown-once secret (the dialog closed). */
    Q_INVOKABLE void clearCreatedToken();

Q_SIGNALS:
    void usernameChanged();
    void createdTokenChanged();

protected:
    int rows() const override { return int(m_tokens.size()); }

private:
    QString basePath() const;

    QString m_username;
    QString m_createdToken;
    QList<api::ApiToken> m_tokens;
};

} // namespace aisbf::app
