// SPDX-License-Identifier: GPL-3.0-or-later
#include "ApiListModel.h"

#include <api/AdminClient.h>

namespace aisbf::app {

ApiListModel::ApiListModel(api::AdminClient *client, QObject *parent)
    : QAbstractListModel(parent), m_client(client)
{}

int ApiListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : rows();
}

void ApiListModel::setLoading(bool loading)
{
    if (m_loading == loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged();
}

void ApiListModel::setErrorString(const QString &error)
{
    if (m_errorString == error)
        return;
    m_errorString = error;
    Q_EMIT errorStringChanged();
}

bool ApiListModel::takeResponse(const api::ApiResponse &response)
{
    setErrorString(response.ok() ? QString() : response.error.message);
    setLoading(false);
    return response.ok();
}

} // namespace aisbf::app
