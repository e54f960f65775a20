// SPDX-License-Identifier: GPL-3.0-or-later
#include "FormModel.h"

#include "DiagnosticsModel.h"
#include "JsonPointer.h"

#include <QJsonArray>
#include <QJsonObject>

namespace aisbf::app {

namespace {

QString kindOf(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::String:
        return QStringLiteral("string");
    case QJsonValue::Double:
        return QStringLiteral("number");
    case QJsonValue::Bool:
        return QStringLiteral("bool");
    case QJsonValue::Object:
        return QStringLiteral("object");
    case QJsonValue::Array:
        return QStringLiteral("array");
    default:
        return QStringLiteral("null");
    }
}

QString textOf(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::String:
        return v.toString();
    case QJsonValue::Double:
        return QString::number(v.toDouble(), 'g', 15);
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Object:
        return QStringLiteral("%1 keys").arg(v.toObject().size());
    case QJsonValue::Array:
        return QStringLiteral("%1 items").arg(v.toArray().size());
    default:
        return QStringLiteral("null");
    }
}

} // namespace

int FormModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant FormModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const Row &r = m_rows.at(index.row());
    switch (role) {
    case PointerRole:
        return r.pointer;
    case LabelRole:
        return r.label;
    case DepthRole:
        return r.depth;
    case KindRole:
        return kindOf(r.value);
    case ValueRole:
        if (r.value.isObject())
            return int(r.value.toObject().size());
        if (r.value.isArray())
            return int(r.value.toArray().size());
        return r.value.toVariant();
    case TextRole:
        return textOf(r.value);
    case ErrorRole:
        return r.error;
    default:
        return {};
    }
}

QHash<int, QByteArray> FormModel::roleNames() const
{
    return {{PointerRole, "pointer"}, {LabelRole, "label"}, {DepthRole, "depth"},
            {KindRole, "kind"},       {ValueRole, "value"}, {TextRole, "text"},
            {ErrorRole, "error"}};
}

void FormModel::flatten(const QJsonValue &value, const QString &pointer, const QString &label,
                        int depth, QList<Row> &out) const
{
    if (depth >= 0)
        out.append({pointer, label, depth, value, {}});
    if (value.isObject()) {
        const QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            flatten(it.value(), json::childPointer(pointer, it.key()), it.key(), depth + 1, out);
    } else if (value.isArray()) {
        const QJsonArray a = value.toArray();
        for (qsizetype i = 0; i < a.size(); ++i)
            flatten(a.at(i), json::childPointer(pointer, QString::number(i)),
                    QStringLiteral("#%1").arg(i + 1), depth + 1, out);
    }
}

void FormModel::setItem(const QJsonValue &item, const QString &basePointer, const QString &file,
                        const DiagnosticsModel *diagnostics)
{
    QList<Row> rows;
    flatten(item, basePointer, {}, -1, rows);
    for (Row &r : rows)
        r.error = diagnostics ? diagnostics->messageAt(file, r.pointer) : QString();
    const bool sameShape =
        basePointer == m_base && file == m_file && rows.size() == m_rows.size() &&
        std::equal(rows.begin(), rows.end(), m_rows.begin(), [](const Row &a, const Row &b) {
            return a.pointer == b.pointer && a.value.type() == b.value.type();
        });
    m_base = basePointer;
    m_file = file;
    if (sameShape) {
        m_rows = rows;
        if (!rows.isEmpty())
            Q_EMIT dataChanged(index(0), index(int(rows.size()) - 1));
        return;
    }
    const qsizetype before = m_rows.size();
    beginResetModel();
    m_rows = rows;
    endResetModel();
    if (before != m_rows.size())
        Q_EMIT countChanged();
}

void FormModel::refreshErrors(const DiagnosticsModel *diagnostics)
{
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        const QString error =
            diagnostics ? diagnostics->messageAt(m_file, m_rows[i].pointer) : QString();
        if (error != m_rows[i].error) {
            m_rows[i].error = error;
            Q_EMIT dataChanged(index(int(i)), index(int(i)), {ErrorRole});
        }
    }
}

} // namespace aisbf::app
