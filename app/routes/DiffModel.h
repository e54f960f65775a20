// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "LineDiff.h"

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

namespace aisbf::app {

/** The lines of a diff for the "review before apply" view. */
class DiffModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by RoutesEditor")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(int added READ added NOTIFY countChanged)
    Q_PROPERTY(int removed READ removed NOTIFY countChanged)

public:
    enum Role
    {
        KindRole = Qt::UserRole + 1, ///< "same", "added", "removed"
        TextRole,
        OldLineRole,
        NewLineRole,
    };
    Q_ENUM(Role)

    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int added() const { return m_added; }
    int removed() const { return m_removed; }

    void setLines(const QList<DiffLine> &lines);

Q_SIGNALS:
    void countChanged();

private:
    QList<DiffLine> m_lines;
    int m_added = 0;
    int m_removed = 0;
};

} // namespace aisbf::app
