// SPDX-License-Identifier: GPL-3.0-or-later
#include "AppSetup.h"

#include <GraphTypes.h>

#include <QCoreApplication>
#include <QGuiApplication>
#include <QIcon>
#include <QQmlEngine>
#include <QQuickStyle>

#include <cstring>

namespace aisbf::app {

void prepareEnvironment(int argc, char *argv[])
{
    bool headless = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--screenshot") == 0 ||
            std::strcmp(argv[i], "--dump-graph") == 0 ||
            std::strncmp(argv[i], "--screenshot=", 13) == 0 ||
            std::strncmp(argv[i], "--dump-graph=", 13) == 0)
            headless = true;
    }
    if (headless && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    // Qt's own UNIX event dispatcher: the app does not need glib's, and it is leaner.
    if (qEnvironmentVariableIsEmpty("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
}

void setupApplication()
{
    QCoreApplication::setOrganizationName(QStringLiteral("aisbf"));
    QCoreApplication::setApplicationName(QStringLiteral("aisbf-control"));
    QCoreApplication::setApplicationVersion(QStringLiteral(AISBF_VERSION));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("AISBF Control"));
    QGuiApplication::setDesktopFileName(QStringLiteral("aisbf-control"));
    QGuiApplication::setWindowIcon(
        QIcon(QStringLiteral(":/Aisbf/Control/icons/aisbf-control.svg")));
    if (qEnvironmentVariableIsEmpty("QT_QUICK_CONTROLS_STYLE"))
        QQuickStyle::setStyle(QStringLiteral("Material"));
}

void setupEngine(QQmlEngine &engine)
{
    static const bool graphTypes = [] {
        registerGraphTypes();
        return true;
    }();
    Q_UNUSED(graphTypes)
    engine.addImportPath(QStringLiteral("qrc:/"));
}

QUrl mainQmlUrl()
{
    return QUrl(QStringLiteral("qrc:/Aisbf/Control/Main.qml"));
}

} // namespace aisbf::app
