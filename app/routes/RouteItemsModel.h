// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractListModel>
#include <QJsonObject>
#include <QtQml/qqmlregistration.h>

namespace aisbf::app {

class DiagnosticsModel;

/** The items of one config document (providers, rotations, autoselects) for the list pane. */
class RouteItemsModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by RoutesEditor")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    enum Role
    {
        ItemIdRole = Qt::UserRole + 1,
        SummaryRole,
        ErrorCountRole, ///< validator errors at or under this item
        ChangedRole,    ///< differs from the version fetched from the gateway
    };
    Q_ENUM(Role)

    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    /** Lists the items of @p edited (compared with @p original) in document @p document. */
    void setDocument(const QString &document, const QJsonObject &edited,
                     const QJsonObject &original, const DiagnosticsModel *diagnostics);
    Q_INVOKABLE int indexOf(const QString &itemId) const;
    Q_INVOKABLE QString idAt(int row) const;

Q_SIGNALS:
    void countChanged();

private:
    struct Item
    {
        QString id;
        QString summary;
        int errors = 0;
        bool changed = false;
    };
    QList<Item> m_items;
};

} // namespace aisbf::app
