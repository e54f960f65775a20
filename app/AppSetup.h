// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QUrl>

class QQmlEngine;

namespace aisbf::app {

/**
 * Before QApplication: headless runs (--screenshot/--dump-graph) default to the offscreen
 * platform so they work without a display; QT_QPA_PLATFORM set by the caller wins.
 */
void prepareEnvironment(int argc, char *argv[]);
/** Application name, version, icon and the Qt Quick Controls style. */
void setupApplication();
/** Import paths and the QML types of app/graph, for the app and for QML tests alike. */
void setupEngine(QQmlEngine &engine);
/** qrc URL of Main.qml inside the Aisbf.Control module. */
QUrl mainQmlUrl();

} // namespace aisbf::app
