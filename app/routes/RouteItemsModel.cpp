// SPDX-License-Identifier: GPL-3.0-or-later
#include "RouteItemsModel.h"

#include "ConfigValidation.h"
#include "DiagnosticsModel.h"
#include "JsonPointer.h"

#include <api/AdminData.h>

namespace aisbf::app {

int RouteItemsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

QVariant RouteItemsModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const Item &item = m_items.at(index.row());
    switch (role) {
    case ItemIdRole:
        return item.id;
    case SummaryRole:
        return item.summary;
    case ErrorCountRole:
        return item.errors;
    case ChangedRole:
        return item.changed;
    default:
        return {};
    }
}

QHash<int, QByteArray> RouteItemsModel::roleNames() const
{
    return {{ItemIdRole, "itemId"},
            {SummaryRole, "summary"},
            {ErrorCountRole, "errorCount"},
            {ChangedRole, "changed"}};
}

void RouteItemsModel::setDocument(const QString &document, const QJsonObject &edited,
                                  const QJsonObject &original, const DiagnosticsModel *diagnostics)
{
    const QString container = itemContainerPointer(document);
    const QJsonObject items = json::valueAt(edited, container).toObject();
    const QJsonObject before = json::valueAt(original, container).toObject();
    const auto doc = api::documentFromName(document);
    const QString file = doc ? api::documentFileName(*doc) : QString();
    QList<Item> list;
    for (auto it = items.begin(); it != items.end(); ++it) {
        Item item;
        item.id = it.key();
        item.summary = it.value().isObject() ? itemSummary(document, it.value().toObject())
                                             : QStringLiteral("not an object");
        const auto problems =
            diagnostics ? diagnostics->under(file, json::childPointer(container, it.key()))
                        : config::Diagnostics();
        item.errors = int(std::count_if(problems.begin(), problems.end(),
                                        [](const auto &d) { return d.isError(); }));
        item.changed = before.value(it.key()) != it.value();
        list.append(item);
    }
    const bool sameIds = list.size() == m_items.size() &&
                         std::equal(list.begin(), list.end(), m_items.begin(),
                                    [](const Item &a, const Item &b) { return a.id == b.id; });
    if (sameIds) {
        m_items = list;
        if (!list.isEmpty())
            Q_EMIT dataChanged(index(0), index(int(list.size()) - 1));
        return;
    }
    const qsizetype n = m_items.size();
    beginResetModel();
    m_items = list;
    endResetModel();
    if (n != m_items.size())
        Q_EMIT countChanged();
}

int RouteItemsModel::indexOf(const QString &itemId) const
{
    for (int i = 0; i < m_items.size(); ++i) {
        if (m_items.at(i).id == itemId)
            return i;
    }
    return -1;
}

QString RouteItemsModel::idAt(int row) const
{
    return row >= 0 && row < m_items.size() ? m_items.at(row).id : QString();
}

} // namespace aisbf::app
