// SPDX-License-Identifier: GPL-3.0-or-later
#include "DiagnosticsModel.h"

#include <QJsonObject>

namespace aisbf::app {

int DiagnosticsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

QVariant DiagnosticsModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const config::Diagnostic &d = m_items.at(index.row());
    switch (role) {
    case FileRole:
        return d.file;
    case PathRole:
        return d.path;
    case SeverityRole:
        return d.isError() ? QStringLiteral("error") : QStringLiteral("warning");
    case MessageRole:
        return d.message;
    case TextRole:
        return d.toString();
    default:
        return {};
    }
}

QHash<int, QByteArray> DiagnosticsModel::roleNames() const
{
    return {{FileRole, "file"},
            {PathRole, "path"},
            {SeverityRole, "severity"},
            {MessageRole, "message"},
            {TextRole, "text"}};
}

int DiagnosticsModel::errorCount() const
{
    return int(
        std::count_if(m_items.begin(), m_items.end(), [](const auto &d) { return d.isError(); }));
}

void DiagnosticsModel::setDiagnostics(const config::Diagnostics &diagnostics)
{
    beginResetModel();
    m_items = diagnostics;
    endResetModel();
    Q_EMIT countChanged();
}

void DiagnosticsModel::setFromJson(const QJsonArray &diagnostics)
{
    config::Diagnostics items;
    for (const QJsonValue &v : diagnostics) {
        const QJsonObject o = v.toObject();
        config::Diagnostic d;
        d.file = o.value(QLatin1String("file")).toString();
        d.path = o.value(QLatin1String("path")).toString();
        d.message = o.value(QLatin1String("message")).toString();
        d.severity = o.value(QLatin1String("severity")).toString() == QLatin1String("warning")
                         ? config::Diagnostic::Severity::Warning
                         : config::Diagnostic::Severity::Error;
        items.append(d);
    }
    setDiagnostics(items);
}

QString DiagnosticsModel::messageAt(const QString &file, const QString &path) const
{
    QStringList messages;
    for (const auto &d : m_items) {
        if (d.file == file && d.path == path)
            messages.append(d.message);
    }
    return messages.join(QLatin1Char('\n'));
}

config::Diagnostics DiagnosticsModel::under(const QString &file, const QString &path) const
{
    config::Diagnostics out;
    for (const auto &d : m_items) {
        if (d.file == file &&
            (path.isEmpty() || d.path == path || d.path.startsWith(path + QLatin1Char('/'))))
            out.append(d);
    }
    return out;
}

int DiagnosticsModel::errorCountIn(const QString &file) const
{
    return int(std::count_if(m_items.begin(), m_items.end(),
                             [&](const auto &d) { return d.isError() && d.file == file; }));
}

} // namespace aisbf::app
