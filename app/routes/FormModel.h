// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractListModel>
#include <QJsonValue>
#include <QtQml/qqmlregistration.h>

namespace aisbf::app {

class DiagnosticsModel;

/**
 * One config item (a provider, rotation or autoselect) as form rows: every value flattened
 * depth-first with its JSON pointer, so any field — known to this build or not — is editable,
 * and each row carries the validator's message for exactly that pointer.
 */
class FormModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by RoutesEditor")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    enum Role
    {
        PointerRole = Qt::UserRole + 1, ///< JSON pointer into the document
        LabelRole,                      ///< key, or "#i" for array elements
        DepthRole,
        KindRole,  ///< "string", "number", "bool", "null", "object", "array"
        ValueRole, ///< the scalar (string/double/bool); child count for containers
        TextRole,  ///< the value as the editor shows it
        ErrorRole, ///< the validator's message for this pointer, empty when fine
    };
    Q_ENUM(Role)

    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    /**
     * Shows @p item found at @p basePointer of @p file. Rows whose pointers did not change are
     * updated in place (an edit does not recreate the delegates being typed in).
     */
    void setItem(const QJsonValue &item, const QString &basePointer, const QString &file,
                 const DiagnosticsModel *diagnostics);
    /** Re-reads only the messages (after validation). */
    void refreshErrors(const DiagnosticsModel *diagnostics);
    QString basePointer() const { return m_base; }

Q_SIGNALS:
    void countChanged();

private:
    struct Row
    {
        QString pointer;
        QString label;
        int depth = 0;
        QJsonValue value;
        QString error;
    };

    void flatten(const QJsonValue &value, const QString &pointer, const QString &label, int depth,
                 QList<Row> &out) const;

    QList<Row> m_rows;
    QString m_base;
    QString m_file;
};

} // namespace aisbf::app
