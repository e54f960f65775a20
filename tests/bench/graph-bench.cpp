// SPDX-License-Identifier: GPL-3.0-or-later
// The Graph page at its design size (500 nodes, 2,000 edges): layout time (target <= 50 ms)
// and GraphView frame time (target <= 16 ms) with the health changing every frame, on
// whatever scene graph backend the platform gives (offscreen: software). Prints a table of
// medians.
//
// usage: QT_QPA_PLATFORM=offscreen aisbf-graph-bench [layout-runs] [frames] [width] [height]
//        [png-prefix]   (saves the last fitted and zoomed-in frames for a look)

#include "GraphFixtures.h"
#include "GraphGeometry.h"
#include "GraphView.h"

#include "graph/GraphLayout.h"
#include "graph/RouteGraph.h"

#include <QElapsedTimer>
#include <QGuiApplication>
#include <QQuickWindow>
#include <QSGRendererInterface>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

using namespace aisbf;

namespace {

struct Figure
{
    double median = 0;
    double p90 = 0;
};

// Milliseconds per call of @p work, @p runs times (after one warm-up call).
Figure measure(int runs, const std::function<void(int)> &work)
{
    work(-1);
    std::vector<double> ms;
    ms.reserve(size_t(runs));
    QElapsedTimer timer;
    for (int i = 0; i < runs; ++i) {
        timer.start();
        work(i);
        ms.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    std::sort(ms.begin(), ms.end());
    return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 9 / 10)]};
}

const char *apiName(QSGRendererInterface::GraphicsApi api)
{
    switch (api) {
    case QSGRendererInterface::Software:
        return "software";
    case QSGRendererInterface::OpenGL:
        return "OpenGL";
    case QSGRendererInterface::Vulkan:
        return "Vulkan";
    default:
        return "other";
    }
}

void row(const char *what, const Figure &f, const char *target)
{
    std::printf("| %-52s | %9.2f | %9.2f | %-8s |\n", what, f.median, f.p90, target);
}

} // namespace

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int layoutRuns = args.value(1, QStringLiteral("31")).toInt();
    const int frames = args.value(2, QStringLiteral("100")).toInt();
    const int width = args.value(3, QStringLiteral("1600")).toInt();
    const int height = args.value(4, QStringLiteral("1000")).toInt();

    const config::ConfigSet config = testing::syntheticConfig();
    const graph::RouteGraph graph = graph::RouteGraph::fromConfig(config);
    QList<QSizeF> sizes;
    for (const graph::GraphNode &node : graph.nodes())
        sizes.append(app::GraphModel::nodeSize(node));
    const graph::LayoutInput input = graph::layoutInput(graph, sizes);

    graph::LayoutResult result;
    const Figure layout = measure(layoutRuns, [&](int) { result = graph::layoutGraph(input); });
    const Figure build = measure(layoutRuns, [&](int) {
        const graph::RouteGraph g = graph::RouteGraph::fromConfig(config);
        result = graph::layoutGraph(graph::layoutInput(g, sizes));
    });

    app::GraphModel model;
    model.setConfig(config);
    // CPU side of a hardware frame after a change: scene + both vertex buffers.
    QSGGeometry edges(QSGGeometry::defaultAttributes_ColoredPoint2D(), 0);
    QSGGeometry boxes(QSGGeometry::defaultAttributes_ColoredPoint2D(), 0);
    const Figure tessellate = measure(frames, [&](int) {
        const app::GraphScene scene = app::buildScene(model, 0.5);
        app::fillEdgeGeometry(scene, &edges);
        app::fillNodeGeometry(scene, &boxes);
    });

    // The whole graph fitted into a desktop-sized window, as the page shows it at first.
    QQuickWindow window;
    window.resize(width, height);
    auto *view = new app::GraphView(window.contentItem());
    view->setModel(&model);
    view->setSize(model.bounds().size());
    const qreal fit = std::min(width / model.bounds().width(), height / model.bounds().height());
    view->setTransformOrigin(QQuickItem::TopLeft);
    view->setScale(fit);
    view->setZoom(fit);
    window.show();
    window.grabWindow();
    const Figure unchanged = measure(frames, [&](int) {
        window.update();
        window.grabWindow();
    });
    const int buildsBefore = view->sceneBuildCount();
    const Figure changing = measure(frames, [&](int frame) {
        model.applyEvent(QStringLiteral("stats"), testing::syntheticStats(model.graph(), frame));
        window.grabWindow();
    });
    const int rebuilds = view->sceneBuildCount() - buildsBefore;
    const QString png = args.value(5);
    if (!png.isEmpty())
        window.grabWindow().save(png + QStringLiteral("-fit.png"));

    // Zoomed in to 1:1 on the middle of the graph: long edges run far outside the window.
    view->setScale(1);
    view->setZoom(1);
    view->setPosition(QPointF(0, -model.bounds().height() / 2));
    const Figure zoomed = measure(frames, [&](int frame) {
        model.applyEvent(QStringLiteral("stats"), testing::syntheticStats(model.graph(), frame));
        window.grabWindow();
    });
    if (!png.isEmpty())
        window.grabWindow().save(png + QStringLiteral("-zoom1.png"));

    std::printf("graph: %lld nodes, %lld edges; layout %d layers, %.0f x %.0f, crossings %lld -> "
                "%lld\n",
                qlonglong(graph.nodes().size()), qlonglong(graph.edges().size()), result.layerCount,
                result.size.width(), result.size.height(), result.crossingsBefore,
                result.crossingsAfter);
    std::printf("view: %d x %d window, zoom %.3f, scene graph backend %s, %d rebuilds in %d "
                "frames\n\n",
                width, height, fit, apiName(window.rendererInterface()->graphicsApi()), rebuilds,
                frames + 1);
    std::printf("| %-52s | %9s | %9s | %-8s |\n", "measure (ms)", "median", "p90", "target");
    std::printf("|%s|%s|%s|%s|\n", std::string(54, '-').c_str(), std::string(11, '-').c_str(),
                std::string(11, '-').c_str(), std::string(10, '-').c_str());
    row("layoutGraph (500 nodes / 2,000 edges)", layout, "<= 50");
    row("RouteGraph::fromConfig + layoutGraph", build, "<= 50");
    row("scene + vertex buffers (hardware path CPU work)", tessellate, "");
    row("frame, nothing changed (update + grab)", unchanged, "");
    row("frame, health changed (stats event + rebuild + grab)", changing, "<= 16");
    row("same at zoom 1 (window shows part of the graph)", zoomed, "<= 16");
    return 0;
}
