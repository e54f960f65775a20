// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractListModel>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

#include <api/AdminClient.h>

namespace aisbf::app {

/**
 * The shape every list model of the control center shares: a row count, a `loading` flag while
 * a call is in flight and the last error as a sentence (empty when the last call worked).
 */
class ApiListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ANONYMOUS
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(bool loading READ isLoading NOTIFY loadingChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)

public:
    explicit ApiListModel(api::AdminClient *client, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    bool isLoading() const { return m_loading; }
    QString errorString() const { return m_errorString; }
    api::AdminClient *client() const { return m_client; }

    /** Fetches the rows again. */
    Q_INVOKABLE virtual void refresh() = 0;

Q_SIGNALS:
    void countChanged();
    void loadingChanged();
    void errorStringChanged();
    /** A user action (create, revoke, …) finished; @p message is for a toast. */
    void actionFinished(bool ok, const QString &message);

protected:
    virtual int rows() const = 0;
    void setLoading(bool loading);
    void setErrorString(const QString &error);
    /** Resets the rows via @p fill inside begin/endResetModel and emits countChanged. */
    template <typename Fill> void resetRows(Fill fill)
    {
        const int before = rows();
        beginResetModel();
        fill();
        endResetModel();
        if (rows() != before)
            Q_EMIT countChanged();
    }
    /** Takes a finished call: clears loading, records the error; true when it worked. */
    bool takeResponse(const api::ApiResponse &response);

private:
    QPointer<api::AdminClient> m_client;
    bool m_loading = false;
    QString m_errorString;
};

} // namespace aisbf::app
