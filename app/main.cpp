// SPDX-License-Identifier: GPL-3.0-or-later
// aisbf-control: parses the command line and starts the QML window; everything else lives in
// the aisbf_control library.
#include <AppSetup.h>
#include <connection/Session.h>
#include <screenshot/CommandLine.h>
#include <screenshot/HeadlessRunner.h>

#include <QApplication>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QTextStream>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(Aisbf_ControlPlugin)

int main(int argc, char *argv[])
{
    aisbf::app::prepareEnvironment(argc, argv);
    QApplication app(argc, argv); // QtCharts' ChartView needs QApplication
    aisbf::app::setupApplication();

    QString error;
    const auto options = aisbf::app::CommandLine::parse(app.arguments(), &error);
    if (!options) {
        QTextStream(stderr) << "aisbf-control: " << error << Qt::endl;
        return 1;
    }

    aisbf::app::Session session(nullptr);
    aisbf::app::Session::setInstance(&session);
    QQmlApplicationEngine engine;
    aisbf::app::setupEngine(engine);
    engine.load(aisbf::app::mainQmlUrl());
    auto *window = engine.rootObjects().isEmpty()
                       ? nullptr
                       : qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());

    if (options->isHeadless()) {
        aisbf::app::HeadlessRunner runner(*options, &session);
        QObject::connect(&runner, &aisbf::app::HeadlessRunner::finished, &app, &QApplication::exit,
                         Qt::QueuedConnection);
        runner.start(window);
        return app.exec();
    }
    if (!window)
        return 1;
    session.setCurrentPage(options->page);
    if (!options->url.isEmpty()) {
        if (options->username.isEmpty())
            session.connectWithToken(options->url, options->token);
        else
            session.connectWithPassword(options->url, options->username, options->password);
    }
    return app.exec();
}
