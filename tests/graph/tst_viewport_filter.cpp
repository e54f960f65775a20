// SPDX-License-Identifier: GPL-3.0-or-later
// ViewportFilterModel: the Graph page's labels are created only for rows near the visible area.
#include "ViewportFilterModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTest>

using aisbf::app::ViewportFilterModel;

namespace {

enum Role
{
    XRole = Qt::UserRole + 1,
    YRole,
    WidthRole,
    HeightRole,
};

/** 10 x 10 boxes of 50 x 50 on a 100-unit grid: item i at ((i % 10) * 100, (i / 10) * 100). */
void fillGrid(QStandardItemModel &model)
{
    model.setItemRoleNames(
        {{XRole, "x"}, {YRole, "y"}, {WidthRole, "width"}, {HeightRole, "height"}});
    for (int i = 0; i < 100; ++i) {
        auto *item = new QStandardItem;
        item->setData(double(i % 10) * 100, XRole);
        item->setData(double(i / 10) * 100, YRole);
        item->setData(50.0, WidthRole);
        item->setData(50.0, HeightRole);
        model.appendRow(item);
    }
}

} // namespace

class TestViewportFilter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void boxesNearTheAreaPassAndPanningInsideTheMarginKeepsThem()
    {
        QStandardItemModel source;
        fillGrid(source);
        ViewportFilterModel filter;
        QAbstractItemModelTester tester(&filter);
        filter.setWidthRole(QStringLiteral("width"));
        filter.setHeightRole(QStringLiteral("height"));
        filter.setSourceModel(&source);
        QCOMPARE(filter.count(), 100); // no area yet: everything

        QSignalSpy counted(&filter, &ViewportFilterModel::countChanged);
        filter.setArea(QRectF(0, 0, 200, 200));
        // Tested against the area grown by half its size: (-100, -100) to (300, 300).
        QCOMPARE(filter.filteredArea(), QRectF(-100, -100, 400, 400));
        QCOMPARE(filter.count(), 9); // columns and rows 0..2
        QVERIFY(!counted.isEmpty());

        // A small pan stays inside the margin: no re-filtering.
        filter.setArea(QRectF(50, 50, 200, 200));
        QCOMPARE(filter.filteredArea(), QRectF(-100, -100, 400, 400));
        QCOMPARE(filter.count(), 9);

        // A long pan re-filters around the new area: (400, 400) to (800, 800).
        filter.setArea(QRectF(500, 500, 200, 200));
        QCOMPARE(filter.count(), 16); // columns and rows 4..7
        for (int row = 0; row < filter.rowCount(); ++row) {
            const qreal x = filter.index(row, 0).data(XRole).toReal();
            QVERIFY2(x >= 400 && x <= 700, qPrintable(QString::number(x)));
        }

        // Zooming far in (a much smaller area) re-filters even though it is covered.
        filter.setArea(QRectF(500, 500, 20, 20));
        QCOMPARE(filter.filteredArea(), QRectF(490, 490, 40, 40));
        QCOMPARE(filter.count(), 1); // the box at (500, 500)
    }

    void rowsFollowTheirGeometry()
    {
        QStandardItemModel source;
        fillGrid(source);
        ViewportFilterModel filter;
        filter.setWidthRole(QStringLiteral("width"));
        filter.setHeightRole(QStringLiteral("height"));
        filter.setSourceModel(&source);
        filter.setArea(QRectF(0, 0, 200, 200));
        QCOMPARE(filter.count(), 9);
        // A node that moves into view (a new layout) appears; one that moves away leaves.
        source.item(99)->setData(120.0, XRole);
        source.item(99)->setData(120.0, YRole);
        QCOMPARE(filter.count(), 10);
        source.item(0)->setData(5000.0, XRole);
        QCOMPARE(filter.count(), 9);
        // Other roles changing pass through to the rows that are in.
        QSignalSpy changed(&filter, &QAbstractItemModel::dataChanged);
        source.item(11)->setData(QStringLiteral("cooling"), Qt::DisplayRole);
        QCOMPARE(changed.size(), 1);
    }

    void pointsArePaddedAndMissingRolesHideEverything()
    {
        QStandardItemModel source;
        fillGrid(source);
        ViewportFilterModel filter;
        filter.setSourceModel(&source); // x/y only: points
        filter.setPointPadding(0);
        filter.setArea(QRectF(0, 0, 100, 100)); // tested: (-50, -50) to (150, 150)
        QCOMPARE(filter.count(), 4);            // (0,0) (100,0) (0,100) (100,100)
        filter.setPointPadding(60);             // up to 210: the third column and row too
        QCOMPARE(filter.count(), 9);
        filter.setXRole(QStringLiteral("nope"));
        QCOMPARE(filter.count(), 0);
        filter.setXRole(QStringLiteral("x"));
        filter.setSourceModel(nullptr);
        QCOMPARE(filter.count(), 0);
    }
};

QTEST_MAIN(TestViewportFilter)
#include "tst_viewport_filter.moc"
