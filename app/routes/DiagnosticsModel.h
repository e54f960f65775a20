// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <config/Diagnostic.h>

#include <QAbstractListModel>
#include <QJsonArray>
#include <QtQml/qqmlregistration.h>

namespace aisbf::app {

/**
 * Config problems as the gateway words them: file, JSON pointer and message, from the shared
 * validator (while editing) or from a 422 answer of PUT /api/admin/config/{doc}.
 */
class DiagnosticsModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by RoutesEditor")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(int errorCount READ errorCount NOTIFY countChanged)
    Q_PROPERTY(int warningCount READ warningCount NOTIFY countChanged)

public:
    enum Role
    {
        FileRole = Qt::UserRole + 1,
        PathRole,
        SeverityRole, ///< "error" or "warning"
        MessageRole,
        TextRole, ///< the one-line form the gateway prints
    };
    Q_ENUM(Role)

    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int errorCount() const;
    int warningCount() const { return int(m_items.size()) - errorCount(); }

    void setDiagnostics(const config::Diagnostics &diagnostics);
    /** From a 422 body's "diagnostics" array. */
    void setFromJson(const QJsonArray &diagnostics);
    const config::Diagnostics &diagnostics() const { return m_items; }

    /** Messages about exactly @p path of @p file, joined by newlines. */
    QString messageAt(const QString &file, const QString &path) const;
    /** Every problem at or under @p path of @p file. */
    config::Diagnostics under(const QString &file, const QString &path) const;
    int errorCountIn(const QString &file) const;

Q_SIGNALS:
    void countChanged();

private:
    config::Diagnostics m_items;
};

} // namespace aisbf::app
