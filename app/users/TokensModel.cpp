// SPDX-License-Identifier: GPL-3.0-or-later
#include "TokensModel.h"

#include <api/AdminClient.h>

#include <QJsonArray>
#include <QUrl>

namespace aisbf::app {

TokensModel::TokensModel(api::AdminClient *client, QObject *parent) : ApiListModel(client, parent)
{}

QVariant TokensModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const api::ApiToken &t = m_tokens.at(index.row());
    switch (role) {
    case TokenIdRole:
        return t.id;
    case NameRole:
        return t.name;
    case ScopeRole:
        return t.scope;
    case MaskedTokenRole:
        return t.maskedToken;
    case CreatedAtRole:
        return t.createdAt;
    case ExpiresAtRole:
        return t.expiresAt;
    case RevokedRole:
        return t.isRevoked();
    case LastUsedAtRole:
        return t.lastUsedAt;
    case RequestsPerMinuteRole:
        return t.requestsPerMinute.value_or(-1);
    default:
        return {};
    }
}

QHash<int, QByteArray> TokensModel::roleNames() const
{
    return {{TokenIdRole, "tokenId"},
            {NameRole, "name"},
            {ScopeRole, "scope"},
            {MaskedTokenRole, "maskedToken"},
            {CreatedAtRole, "createdAt"},
            {ExpiresAtRole, "expiresAt"},
            {RevokedRole, "revoked"},
            {LastUsedAtRole, "lastUsedAt"},
            {RequestsPerMinuteRole, "requestsPerMinute"}};
}

void TokensModel::setUsername(const QString &username)
{
    if (m_username == username)
        return;
    m_username = username;
    Q_EMIT usernameChanged();
    clearCreatedToken();
    resetRows([this] { m_tokens.clear(); });
    refresh();
}

QString TokensModel::basePath() const
{
    return QStringLiteral("/api/admin/users/") +
           QString::fromUtf8(QUrl::toPercentEncoding(m_username)) + QStringLiteral("/tokens");
}

void TokensModel::refresh()
{
    if (!client() || m_username.isEmpty())
        return;
    setLoading(true);
    const QString user = m_username;
    client()->call("GET", basePath(), {}, this, [this, user](const api::ApiResponse &r) {
        if (user != m_username)
            return; // an answer for a user no longer shown
        if (r.ok())
            applyTokens(r.object());
        takeResponse(r);
    });
}

void TokensModel::applyTokens(const QJsonObject &body)
{
    QList<api::ApiToken> tokens;
    const QJsonArray array = body.value(QLatin1String("data")).toArray();
    for (const QJsonValue &v : array)
        tokens.append(api::ApiToken::fromJson(v.toObject()));
    resetRows([&] { m_tokens = tokens; });
}

void TokensModel::createToken(const QString &name, const QString &scope, const QString &expiresAt,
                              int requestsPerMinute)
{
    if (!client() || m_username.isEmpty())
        return;
    QJsonObject body{{QStringLiteral("name"), name},
                     {QStringLiteral("scope"), scope.isEmpty() ? QStringLiteral("api") : scope}};
    if (!expiresAt.isEmpty())
        body.insert(QStringLiteral("expires_at"), expiresAt);
    if (requestsPerMinute > 0)
        body.insert(QStringLiteral("requests_per_minute"), requestsPerMinute);
    client()->call("POST", basePath(), body, this, [this, name](const api::ApiResponse &r) {
        if (r.ok()) {
            m_createdToken = r.object().value(QLatin1String("token")).toString();
            Q_EMIT createdTokenChanged();
            refresh();
        }
        Q_EMIT actionFinished(r.ok(), r.ok() ? QStringLiteral("Token %1 created").arg(name)
                                             : r.error.message);
    });
}

void TokensModel::revoke(qint64 tokenId)
{
    if (!client())
        return;
    client()->call("DELETE", basePath() + QLatin1Char('/') + QString::number(tokenId), {}, this,
                   [this](const api::ApiResponse &r) {
                       Q_EMIT actionFinished(r.ok(), r.ok() ? QStringLiteral("Token revoked")
                                                            : r.error.message);
                       if (r.ok())
                           refresh();
                   });
}

void TokensModel::clearCreatedToken()
{
    if (m_createdToken.isEmpty())
        return;
    m_createdToken.clear();
    Q_EMIT createdTokenChanged();
}

} // namespace aisbf::app
