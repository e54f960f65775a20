// SPDX-License-Identifier: GPL-3.0-or-later
#include "GraphTypes.h"

#include "GraphModel.h"
#include "GraphView.h"
#include "ViewportFilterModel.h"

#include <QQmlEngine>

namespace aisbf::app {

void registerGraphTypes()
{
    static constexpr char kUri[] = "Aisbf.Graph";
    qmlRegisterType<GraphModel>(kUri, 1, 0, "GraphModel");
    qmlRegisterType<GraphView>(kUri, 1, 0, "GraphView");
    qmlRegisterType<ViewportFilterModel>(kUri, 1, 0, "ViewportFilter");
    qmlRegisterUncreatableType<GraphNodeModel>(kUri, 1, 0, "GraphNodeModel",
                                               QStringLiteral("read GraphModel.nodes"));
    qmlRegisterUncreatableType<GraphEdgeModel>(kUri, 1, 0, "GraphEdgeModel",
                                               QStringLiteral("read GraphModel.edges"));
}

} // namespace aisbf::app
