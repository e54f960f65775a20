// SPDX-License-Identifier: GPL-3.0-or-later
#include "DiffModel.h"

namespace aisbf::app {

int DiffModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_lines.size());
}

QVariant DiffModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const DiffLine &l = m_lines.at(index.row());
    switch (role) {
    case KindRole:
        return l.kind == DiffLine::Kind::Added     ? QStringLiteral("added")
               : l.kind == DiffLine::Kind::Removed ? QStringLiteral("removed")
                                                   : QStringLiteral("same");
    case TextRole:
        return l.text;
    case OldLineRole:
        return l.oldLine;
    case NewLineRole:
        return l.newLine;
    default:
        return {};
    }
}

QHash<int, QByteArray> DiffModel::roleNames() const
{
    return {
        {KindRole, "kind"}, {TextRole, "text"}, {OldLineRole, "oldLine"}, {NewLineRole, "newLine"}};
}

void DiffModel::setLines(const QList<DiffLine> &lines)
{
    beginResetModel();
    m_lines = lines;
    m_added = m_removed = 0;
    for (const auto &l : lines) {
        m_added += l.kind == DiffLine::Kind::Added;
        m_removed += l.kind == DiffLine::Kind::Removed;
    }
    endResetModel();
    Q_EMIT countChanged();
}

} // namespace aisbf::app
