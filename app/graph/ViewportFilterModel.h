// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QRectF>
#include <QSortFilterProxyModel>

namespace aisbf::app {

/**
 * The rows of a list model whose geometry meets an area, for overlays that only need what is
 * on screen. The Graph page's labels go through it: at 500 nodes and 2,000 edges, keeping a
 * label item for every node and weight cost ~12 ms a frame (every stats event re-laid out 500
 * texts, most of them far off screen); the few dozen in view cost almost nothing.
 *
 * Geometry comes from the source's roles named by xRole and yRole, plus widthRole and
 * heightRole for boxes (without them a row is a point, padded by pointPadding). The filter
 * works on the area grown by half its size on each side and is only recomputed when the area
 * leaves that margin or shrinks a lot, so panning re-filters every few hundred pixels, not on
 * every mouse move. An empty area (never set) lets every row through.
 */
class ViewportFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_PROPERTY(QRectF area READ area WRITE setArea NOTIFY areaChanged)
    Q_PROPERTY(QString xRole READ xRole WRITE setXRole NOTIFY rolesChanged)
    Q_PROPERTY(QString yRole READ yRole WRITE setYRole NOTIFY rolesChanged)
    Q_PROPERTY(QString widthRole READ widthRole WRITE setWidthRole NOTIFY rolesChanged)
    Q_PROPERTY(QString heightRole READ heightRole WRITE setHeightRole NOTIFY rolesChanged)
    Q_PROPERTY(qreal pointPadding READ pointPadding WRITE setPointPadding NOTIFY rolesChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    explicit ViewportFilterModel(QObject *parent = nullptr);

    QRectF area() const { return m_area; }
    void setArea(const QRectF &area);
    QString xRole() const { return m_xRole; }
    void setXRole(const QString &name);
    QString yRole() const { return m_yRole; }
    void setYRole(const QString &name);
    QString widthRole() const { return m_widthRole; }
    void setWidthRole(const QString &name);
    QString heightRole() const { return m_heightRole; }
    void setHeightRole(const QString &name);
    qreal pointPadding() const { return m_pointPadding; }
    void setPointPadding(qreal padding);
    int count() const { return rowCount(); }

    /** The area rows are currently tested against (area plus margin); for tests. */
    QRectF filteredArea() const { return m_filtered; }

Q_SIGNALS:
    void areaChanged();
    void rolesChanged();
    void countChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    void setRoleName(QString &field, const QString &name);
    void resolveRoles();
    void refilter();
    int roleId(const QString &name) const;

    QRectF m_area;
    QRectF m_filtered;
    QString m_xRole = QStringLiteral("x");
    QString m_yRole = QStringLiteral("y");
    QString m_widthRole;
    QString m_heightRole;
    qreal m_pointPadding = 40;
    int m_x = -1;
    int m_y = -1;
    int m_width = -1;
    int m_height = -1;
};

} // namespace aisbf::app
