// SPDX-License-Identifier: GPL-3.0-or-later
#include "ViewportFilterModel.h"

namespace aisbf::app {

ViewportFilterModel::ViewportFilterModel(QObject *parent) : QSortFilterProxyModel(parent)
{
    // Geometry roles can change (a new layout): re-test changed rows as they change.
    setDynamicSortFilter(true);
    connect(this, &QAbstractProxyModel::sourceModelChanged, this, [this] {
        resolveRoles();
        refilter();
    });
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(this, signal, this, &ViewportFilterModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &ViewportFilterModel::countChanged);
    connect(this, &QAbstractItemModel::layoutChanged, this, &ViewportFilterModel::countChanged);
}

void ViewportFilterModel::setArea(const QRectF &area)
{
    if (m_area == area)
        return;
    m_area = area;
    Q_EMIT areaChanged();
    // Inside the margin and not zoomed far in: the rows already in are the right ones.
    const bool covered = !m_filtered.isEmpty() && m_filtered.contains(area) &&
                         area.width() * 3 >= m_filtered.width();
    if (!covered)
        refilter();
}

void ViewportFilterModel::refilter()
{
    m_filtered = m_area.isEmpty() ? QRectF()
                                  : m_area.adjusted(-m_area.width() / 2, -m_area.height() / 2,
                                                    m_area.width() / 2, m_area.height() / 2);
    invalidateFilter();
}

int ViewportFilterModel::roleId(const QString &name) const
{
    if (name.isEmpty() || !sourceModel())
        return -1;
    return sourceModel()->roleNames().key(name.toUtf8(), -1);
}

void ViewportFilterModel::resolveRoles()
{
    m_x = roleId(m_xRole);
    m_y = roleId(m_yRole);
    m_width = roleId(m_widthRole);
    m_height = roleId(m_heightRole);
}

void ViewportFilterModel::setRoleName(QString &field, const QString &name)
{
    if (field == name)
        return;
    field = name;
    resolveRoles();
    refilter();
    Q_EMIT rolesChanged();
}

void ViewportFilterModel::setXRole(const QString &name)
{
    setRoleName(m_xRole, name);
}

void ViewportFilterModel::setYRole(const QString &name)
{
    setRoleName(m_yRole, name);
}

void ViewportFilterModel::setWidthRole(const QString &name)
{
    setRoleName(m_widthRole, name);
}

void ViewportFilterModel::setHeightRole(const QString &name)
{
    setRoleName(m_heightRole, name);
}

void ViewportFilterModel::setPointPadding(qreal padding)
{
    if (qFuzzyCompare(m_pointPadding, padding))
        return;
    m_pointPadding = padding;
    refilter();
    Q_EMIT rolesChanged();
}

bool ViewportFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_filtered.isEmpty())
        return true;
    if (m_x < 0 || m_y < 0)
        return false; // roles that do not exist: nothing can be placed
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    const qreal x = index.data(m_x).toReal();
    const qreal y = index.data(m_y).toReal();
    if (m_width >= 0 && m_height >= 0) {
        const QRectF box(x, y, index.data(m_width).toReal(), index.data(m_height).toReal());
        return m_filtered.intersects(box) || (box.isEmpty() && m_filtered.contains(box.topLeft()));
    }
    return m_filtered.adjusted(-m_pointPadding, -m_pointPadding, m_pointPadding, m_pointPadding)
        .contains(QPointF(x, y));
}

} // namespace aisbf::app
