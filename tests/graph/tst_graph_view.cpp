// SPDX-License-Identifier: GPL-3.0-or-later
#include "GraphFixtures.h"
#include "GraphGeometry.h"
#include "GraphTypes.h"
#include "GraphView.h"

#include <QJsonDocument>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTest>

using namespace aisbf;
using namespace aisbf::app;

class TestGraphView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void healthColours_data();
    void healthColours();
    void busyEdgeIsBlue();
    void selectionOutline();
    void redrawsOnlyWhenTheModelChanges();
    void labelsHideBelowThreshold();
    void hardwareGeometry();
    void registeredForQml();

private:
    QImage grab();
    QColor pixelAt(const QImage &image, QPointF graphPoint) const;
    QRectF rect(const QString &id) const;

    QQuickWindow *m_window = nullptr;
    GraphView *m_view = nullptr;
    GraphModel *m_model = nullptr;
};

namespace {

constexpr qreal kOffset = 20; // the view sits at (20, 20) in the window

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(text).object();
}

const QString kCooling = QStringLiteral("model/p/cooling");
const QString kFailing = QStringLiteral("model/p/failing");
const QString kOk = QStringLiteral("model/q/fine");

} // namespace

void TestGraphView::initTestCase()
{
    registerGraphTypes();
}

void TestGraphView::init()
{
    m_model = new GraphModel;
    const QJsonObject providers = json(R"({"providers":{
        "p":{"type":"openai","endpoint":"http://127.0.0.1:9/v1",
             "models":[{"name":"cooling"},{"name":"failing"}]},
        "q":{"type":"openai","endpoint":"http://127.0.0.1:9/v1","models":[{"name":"fine"}]}}})");
    const QJsonObject rotations = json(R"({"rotations":{"r":{"providers":[
        {"provider_id":"p","model":"cooling","weight":1},{"provider_id":"p","model":"failing"},
        {"provider_id":"q","model":"fine","weight":3}]}}})");
    QVERIFY2(m_model->setConfigDocuments({}, providers, rotations, {}),
             qPrintable(m_model->error()));
    m_model->applyState(json(R"({"providers":[
        {"id":"p","models":[{"name":"cooling","state":"cooling","cooldown_remaining_s":300},
                            {"name":"failing","state":"failing"}]},
        {"id":"q","models":[{"name":"fine","state":"ok","requests_per_s":4}]}],
        "rotations":[{"id":"r","requests_per_s":4,"entries":[
        {"provider":"q","model":"fine","requests_per_s":4}]}]})"));
    m_window = new QQuickWindow;
    m_view = new GraphView(m_window->contentItem());
    m_view->setModel(m_model);
    m_view->setPosition(QPointF(kOffset, kOffset));
    m_view->setSize(QSizeF(m_view->implicitWidth(), m_view->implicitHeight()));
    QVERIFY(m_view->width() > 100 && m_view->height() > 50);
    m_window->resize(int(m_view->width() + 2 * kOffset), int(m_view->height() + 2 * kOffset));
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
}

void TestGraphView::cleanup()
{
    delete m_window;
    delete m_model;
    m_window = nullptr;
    m_view = nullptr;
    m_model = nullptr;
}

QImage TestGraphView::grab()
{
    QImage image = m_window->grabWindow();
    // Device pixel ratio 1 offscreen; keep the check honest if that ever changes.
    if (image.devicePixelRatio() != 1)
        qWarning() << "device pixel ratio" << image.devicePixelRatio();
    return image;
}

QColor TestGraphView::pixelAt(const QImage &image, QPointF graphPoint) const
{
    const QPointF p = (graphPoint + QPointF(kOffset, kOffset)) * image.devicePixelRatio();
    return image.pixelColor(p.toPoint());
}

QRectF TestGraphView::rect(const QString &id) const
{
    return m_model->nodeRect(m_model->graph().indexOf(id));
}

void TestGraphView::healthColours_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("expected");
    QTest::addRow("ok model") << kOk << QStringLiteral("green");
    QTest::addRow("ok provider") << QStringLiteral("provider/q") << QStringLiteral("green");
    QTest::addRow("cooling model") << kCooling << QStringLiteral("amber");
    QTest::addRow("failing model") << kFailing << QStringLiteral("red");
    QTest::addRow("provider takes worst") << QStringLiteral("provider/p") << QStringLiteral("red");
}

void TestGraphView::healthColours()
{
    QFETCH(QString, id);
    QFETCH(QString, expected);
    const QColor c = pixelAt(grab(), rect(id).center());
    const QString what = id + QStringLiteral(" is ") + c.name();
    if (expected == QLatin1String("green"))
        QVERIFY2(c.green() > 130 && c.red() < 110 && c.blue() < 140, qPrintable(what));
    else if (expected == QLatin1String("amber"))
        QVERIFY2(c.red() > 200 && c.green() > 120 && c.green() < 200 && c.blue() < 90,
                 qPrintable(what));
    else
        QVERIFY2(c.red() > 180 && c.green() < 110 && c.blue() < 110, qPrintable(what));
    // A darker border sits on the left side, between the background and the fill (scan a few
    // pixels: box edges need not fall on pixel boundaries).
    const QImage image = grab();
    int darkest = 255;
    for (qreal dx = -2; dx <= 3; dx += 1)
        darkest =
            std::min(darkest, pixelAt(image, rect(id).topLeft() + QPointF(dx, 6)).lightness());
    QVERIFY2(darkest < c.lightness() - 20, qPrintable(QString::number(darkest)));
}

void TestGraphView::busyEdgeIsBlue()
{
    // r -> q/fine carries all of r's traffic; r -> p/failing carries none.
    const auto middleOf = [&](const QString &to) {
        for (int i = 0; i < m_model->edges()->count(); ++i) {
            const QModelIndex index = m_model->edges()->index(i);
            if (index.data(GraphEdgeModel::ToIdRole).toString() == to)
                return QPointF(index.data(GraphEdgeModel::LabelXRole).toReal(),
                               index.data(GraphEdgeModel::LabelYRole).toReal());
        }
        return QPointF();
    };
    const QImage image = grab();
    const QColor busy = pixelAt(image, middleOf(kOk));
    QVERIFY2(busy.blue() > busy.red() + 80, qPrintable(busy.name()));
    const QColor idle = pixelAt(image, middleOf(kFailing));
    QVERIFY2(idle != QColor(Qt::white) && qAbs(idle.red() - idle.blue()) < 60,
             qPrintable(idle.name()));
}

void TestGraphView::selectionOutline()
{
    const QRectF r = rect(kCooling);
    const QPointF justOutside(r.center().x(), r.top() - 1.5);
    QCOMPARE(pixelAt(grab(), justOutside), QColor(Qt::white));
    m_model->select(kCooling);
    const QColor outline = pixelAt(grab(), justOutside);
    QVERIFY2(outline.blue() > 180 && outline.red() < 100, qPrintable(outline.name()));
}

void TestGraphView::redrawsOnlyWhenTheModelChanges()
{
    grab();
    const int builds = m_view->sceneBuildCount();
    QVERIFY(builds >= 1);
    m_window->update();
    grab();
    m_view->update();
    grab();
    QCOMPARE(m_view->sceneBuildCount(), builds);

    m_model->applyEvent(QStringLiteral("cooldown"),
                        json(R"({"provider":"p","model":"cooling","state":"ended"})"));
    const QColor c = pixelAt(grab(), rect(kCooling).center());
    QCOMPARE(m_view->sceneBuildCount(), builds + 1);
    QVERIFY2(c.green() > 130 && c.red() < 110, qPrintable(c.name()));
    m_view->setZoom(2);
    grab();
    QCOMPARE(m_view->sceneBuildCount(), builds + 2);
}

void TestGraphView::labelsHideBelowThreshold()
{
    QSignalSpy visible(m_view, &GraphView::labelsVisibleChanged);
    QVERIFY(m_view->labelsVisible());
    m_view->setZoom(0.6);
    QCOMPARE(visible.size(), 0);
    m_view->setZoom(0.4);
    QCOMPARE(visible.size(), 1);
    QVERIFY(!m_view->labelsVisible());
    m_view->setLabelZoomThreshold(0.3);
    QVERIFY(m_view->labelsVisible());
    QCOMPARE(visible.size(), 2);
}

void TestGraphView::hardwareGeometry()
{
    // What the GPU path uploads, checked without a GPU: one quad per edge segment and five
    // per box, coloured by health with premultiplied alpha.
    m_model->select(kOk);
    const GraphScene scene = buildScene(*m_model, 1);
    QSGGeometry edges(QSGGeometry::defaultAttributes_ColoredPoint2D(), 0);
    fillEdgeGeometry(scene, &edges);
    int segments = 0;
    for (const QList<QPointF> &path : m_model->layout().edgePaths)
        segments += int(path.size()) - 1;
    QCOMPARE(edges.vertexCount(), 6 * segments);
    QSGGeometry boxes(QSGGeometry::defaultAttributes_ColoredPoint2D(), 0);
    fillNodeGeometry(scene, &boxes);
    QCOMPARE(boxes.vertexCount(), 6 * 5 * m_model->nodeCount() + 6 * 4);
    const int cooling = m_model->graph().indexOf(kCooling);
    const QSGGeometry::ColoredPoint2D fill = boxes.vertexDataAsColoredPoint2D()[cooling * 30];
    const QColor amber = healthColor(graph::HealthState::Cooling);
    QCOMPARE(int(fill.r), amber.red());
    QCOMPARE(int(fill.g), amber.green());
    QCOMPARE(fill.x, float(rect(kCooling).left()));
    QCOMPARE(fill.y, float(rect(kCooling).top()));
    // Edge colours are premultiplied: no channel above alpha.
    const QSGGeometry::ColoredPoint2D *v = edges.vertexDataAsColoredPoint2D();
    for (int i = 0; i < edges.vertexCount(); ++i)
        QVERIFY(v[i].r <= v[i].a && v[i].g <= v[i].a && v[i].b <= v[i].a);
}

void TestGraphView::registeredForQml()
{
    QQmlEngine engine;
    QQmlComponent component(&engine);
    component.setData(R"(import QtQuick
import Aisbf.Graph 1.0
Item {
    property alias view: view
    GraphModel { id: graphModel }
    GraphView { id: view; model: graphModel; zoom: 0.25 }
    property int rows: graphModel.nodes.count
})",
                      QUrl());
    std::unique_ptr<QObject> root(component.create());
    QVERIFY2(root, qPrintable(component.errorString()));
    auto *view = root->property("view").value<GraphView *>();
    QVERIFY(view);
    QVERIFY(view->model());
    QVERIFY(!view->labelsVisible());
    QCOMPARE(root->property("rows").toInt(), 0);
}

QTEST_MAIN(TestGraphView)
#include "tst_graph_view.moc"
