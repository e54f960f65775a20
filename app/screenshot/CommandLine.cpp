// SPDX-License-Identifier: GPL-3.0-or-later
#include "CommandLine.h"

#include <QCommandLineParser>

namespace aisbf::app {

QStringList CommandLine::pages()
{
    return {QStringLiteral("overview"),  QStringLiteral("routes"),    QStringLiteral("graph"),
            QStringLiteral("cluster"),   QStringLiteral("analytics"), QStringLiteral("users"),
            QStringLiteral("playground")};
}

std::optional<CommandLine> CommandLine::parse(const QStringList &arguments, QString *error)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("AISBF control center: routes, live network graph, cluster and analytics "
                       "of an aisbf-gateway."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption connect(QStringLiteral("connect"),
                                     QStringLiteral("Gateway URL to connect to at start."),
                                     QStringLiteral("url"));
    const QCommandLineOption token(QStringLiteral("token"), QStringLiteral("Admin token."),
                                   QStringLiteral("token"));
    const QCommandLineOption username(QStringLiteral("username"),
                                      QStringLiteral("Dashboard username (with --password)."),
                                      QStringLiteral("name"));
    const QCommandLineOption password(QStringLiteral("password"),
                                      QStringLiteral("Dashboard password."),
                                      QStringLiteral("password"));
    const QCommandLineOption page(
        QStringLiteral("page"),
        QStringLiteral("Page to show: %1.").arg(pages().join(QStringLiteral(", "))),
        QStringLiteral("name"), QStringLiteral("overview"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Render the page offscreen once its data loaded, save it as PNG and exit."),
        QStringLiteral("file"));
    const QCommandLineOption dumpGraph(
        QStringLiteral("dump-graph"),
        QStringLiteral("Write the route graph as JSON once live data loaded, then exit."),
        QStringLiteral("file"));
    const QCommandLineOption size(
        QStringLiteral("size"), QStringLiteral("Window size for --screenshot (default 1280x800)."),
        QStringLiteral("WxH"), QStringLiteral("1280x800"));
    const QCommandLineOption timeout(QStringLiteral("timeout"),
                                     QStringLiteral("Seconds to wait for live data (default 30)."),
                                     QStringLiteral("seconds"), QStringLiteral("30"));
    parser.addOptions(
        {connect, token, username, password, page, screenshot, dumpGraph, size, timeout});
    parser.process(arguments); // --help / --version exit here

    CommandLine cl;
    cl.url = parser.value(connect);
    cl.token = parser.value(token);
    cl.username = parser.value(username);
    cl.password = parser.value(password);
    cl.page = parser.value(page).toLower();
    cl.screenshotFile = parser.value(screenshot);
    cl.dumpGraphFile = parser.value(dumpGraph);
    cl.timeoutMs = int(parser.value(timeout).toDouble() * 1000);
    // Anything on a command line is readable by every local user through ps(1): the environment
    // is the quiet way to hand over a secret.
    if (cl.token.isEmpty() && cl.username.isEmpty())
        cl.token = qEnvironmentVariable("AISBF_ADMIN_TOKEN");
    if (cl.password.isEmpty() && !cl.username.isEmpty())
        cl.password = qEnvironmentVariable("AISBF_ADMIN_PASSWORD");

    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return std::nullopt;
    };
    if (!pages().contains(cl.page))
        return fail(QStringLiteral("--page %1: unknown page; use one of %2")
                        .arg(cl.page, pages().join(QStringLiteral(", "))));
    const QStringList wh = parser.value(size).split(QLatin1Char('x'));
    if (wh.size() != 2 || wh[0].toInt() < 1280 || wh[1].toInt() < 800)
        return fail(QStringLiteral("--size %1: use WIDTHxHEIGHT, at least 1280x800")
                        .arg(parser.value(size)));
    cl.size = QSize(wh[0].toInt(), wh[1].toInt());
    if (cl.timeoutMs <= 0)
        return fail(QStringLiteral("--timeout must be a positive number of seconds"));
    if (cl.isHeadless() && cl.url.isEmpty())
        return fail(QStringLiteral("--screenshot and --dump-graph need --connect URL"));
    if (!cl.url.isEmpty() && cl.token.isEmpty() && cl.username.isEmpty())
        return fail(QStringLiteral("--connect needs --token (or AISBF_ADMIN_TOKEN), or --username "
                                   "and --password (or AISBF_ADMIN_PASSWORD)"));
    if (!cl.username.isEmpty() && !cl.token.isEmpty())
        return fail(QStringLiteral("give either --token or --username/--password, not both"));
    return cl;
}

} // namespace aisbf::app
