// SPDX-License-Identifier: GPL-3.0-or-later
// The Graph page as the app ships it (qml/pages/GraphPage.qml: the C++ GraphView plus the QML
// node and weight labels, handlers and overlays) at 500 nodes / 2,000 edges, rendered offscreen:
// frame time with the health changing every frame, fitted (labels hidden below 50 % zoom) and
// at 100 % (labels shown). aisbf-graph-bench measures the GraphView item alone; this is what an
// operator's window costs. Target: <= 16 ms a frame.
//
// usage: QT_QPA_PLATFORM=offscreen aisbf-graph-page-bench [frames] [width] [height] [png-prefix]

#include "GraphFixtures.h"
#include "GraphModel.h"

#include <AppSetup.h>
#include <connection/Session.h>
#include <network/GraphFeed.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSGRendererInterface>
#include <QtQml/qqmlextensionplugin.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

Q_IMPORT_QML_PLUGIN(Aisbf_ControlPlugin)

using namespace aisbf;

namespace {

struct Figure
{
    double median = 0;
    double p90 = 0;
};

// Milliseconds per frame: @p change (frame number), then a grab.
Figure measureFrames(int frames, QQuickWindow &window, const std::function<void(int)> &change)
{
    std::vector<double> ms;
    QElapsedTimer timer;
    for (int frame = 0; frame < frames; ++frame) {
        timer.start();
        change(frame);
        window.grabWindow();
        ms.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    std::sort(ms.begin(), ms.end());
    return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 9 / 10)]};
}

int visibleLabels(const QQuickItem *root)
{
    int n = 0;
    for (const QQuickItem *child : root->childItems()) {
        if (!child->isVisible())
            continue;
        if (child->inherits("QQuickText"))
            ++n;
        n += visibleLabels(child);
    }
    return n;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication application(argc, argv);
    app::setupApplication();
    const QStringList args = application.arguments();
    const int frames = std::max(1, args.value(1, QStringLiteral("100")).toInt());
    const int width = args.value(2, QStringLiteral("1600")).toInt();
    const int height = args.value(3, QStringLiteral("1000")).toInt();
    const QString png = args.value(4);

    app::Session session(nullptr);
    app::Session::setInstance(&session);
    app::GraphFeed *feed = session.graph();
    // Loaded (no busy overlay), then the synthetic network in place of a gateway's documents.
    feed->setConfigDocuments({}, {}, {}, {});
    feed->applyState({});
    auto *model = qobject_cast<app::GraphModel *>(feed->model());
    model->setConfig(testing::syntheticConfig());

    QQmlEngine engine;
    app::setupEngine(engine);
    QQmlComponent component(&engine,
                            QUrl(QStringLiteral("qrc:/Aisbf/Control/pages/GraphPage.qml")));
    auto *page = qobject_cast<QQuickItem *>(component.create());
    if (!page) {
        std::fprintf(stderr, "GraphPage.qml: %s\n", qPrintable(component.errorString()));
        return 1;
    }
    QQuickWindow window;
    window.resize(width, height);
    page->setParentItem(window.contentItem());
    page->setSize(QSizeF(width, height));
    window.show();
    window.grabWindow();
    QMetaObject::invokeMethod(page, "fit");
    auto *viewport = page->findChild<QQuickItem *>(QStringLiteral("graphViewport"));
    if (!viewport) {
        std::fprintf(stderr, "GraphPage.qml has no graphViewport\n");
        return 1;
    }

    auto *canvas = page->findChild<QQuickItem *>(QStringLiteral("graphCanvas"));
    if (!canvas) {
        std::fprintf(stderr, "GraphPage.qml has no graphCanvas\n");
        return 1;
    }
    // A stats event: every provider model and rotation gets a new rate, so the drawing changes.
    const auto stats = [model](int frame) {
        model->applyEvent(QStringLiteral("stats"), testing::syntheticStats(model->graph(), frame));
    };

    window.grabWindow(); // first frame: glyphs, textures
    const double fitZoom = viewport->property("zoom").toDouble();
    const Figure fitted = measureFrames(frames, window, stats);
    const int fittedLabels = visibleLabels(page);
    if (!png.isEmpty())
        window.grabWindow().save(png + QStringLiteral("-page-fit.png"));

    viewport->setProperty("zoom", 1.0);
    window.grabWindow();
    const Figure zoomed = measureFrames(frames, window, stats);
    const int zoomedLabels = visibleLabels(page);
    if (!png.isEmpty())
        window.grabWindow().save(png + QStringLiteral("-page-zoom1.png"));
    // Dragging down the graph at zoom 1, 40 px a frame: labels come and go at the edges.
    const Figure panned =
        measureFrames(frames, window, [canvas](int) { canvas->setY(canvas->y() - 40); });

    std::printf("graph page: %lld nodes, %lld edges; %d x %d window, scene graph backend %s\n\n",
                qlonglong(model->graph().nodes().size()), qlonglong(model->graph().edges().size()),
                width, height,
                window.rendererInterface()->graphicsApi() == QSGRendererInterface::Software
                    ? "software"
                    : "hardware");
    std::printf("| frame (stats event + render + grab), ms | median | p90 | visible labels | "
                "target |\n|---|---|---|---|---|\n");
    std::printf("| fitted (zoom %.2f) | %.2f | %.2f | %d | <= 16 |\n", fitZoom, fitted.median,
                fitted.p90, fittedLabels);
    std::printf("| zoom 1.00 | %.2f | %.2f | %d | <= 16 |\n", zoomed.median, zoomed.p90,
                zoomedLabels);
    std::printf("| zoom 1.00, panning 40 px a frame | %.2f | %.2f | %d | <= 16 |\n", panned.median,
                panned.p90, visibleLabels(page));
    delete page;
    return 0;
}
