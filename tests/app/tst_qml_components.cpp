// SPDX-License-Identifier: GPL-3.0-or-later
// Qt Quick Test runner for the QML components of Aisbf.Control (tests/app/qml/tst_*.qml), with
// the same engine setup as the app.
#include <AppSetup.h>

#include <QQmlEngine>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest/quicktest.h>

Q_IMPORT_QML_PLUGIN(Aisbf_ControlPlugin)

class Setup : public QObject
{
    Q_OBJECT

public Q_SLOTS:
    void qmlEngineAvailable(QQmlEngine *engine) { aisbf::app::setupEngine(*engine); }
};

QUICK_TEST_MAIN_WITH_SETUP(tst_qml_components, Setup)

#include "tst_qml_components.moc"
