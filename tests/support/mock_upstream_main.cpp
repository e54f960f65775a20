// SPDX-License-Identifier: GPL-3.0-or-later
// aisbf-mock-upstream: MockUpstream as a process, for the benchmark and manual poking.
#include "MockUpstream.h"

#include <loop/EpollDispatcher.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace {

int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto n = ::write(g_signalPipe[1], &byte, 1);
}

int intOption(const QCommandLineParser &parser, const QString &name)
{
    return parser.value(name).toInt();
}

} // namespace

int main(int argc, char **argv)
{
    // Qt's own UNIX dispatcher is measurably faster than glib's (see DESIGN.md).
    if (qEnvironmentVariableIsEmpty("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    // The benchmark's upstream must not be its bottleneck: with Qt's poll dispatcher every
    // request cost it O(open connections), and proxies keep hundreds of idle ones open.
    QCoreApplication::setEventDispatcher(new aisbf::loop::EpollDispatcher);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("aisbf-mock-upstream"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Mock upstream speaking OpenAI, Anthropic, Gemini and Ollama."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("host"), QStringLiteral("Address to bind."), QStringLiteral("host"),
         QStringLiteral("127.0.0.1")},
        {QStringLiteral("port"), QStringLiteral("Port (0 = any)."), QStringLiteral("port"),
         QStringLiteral("0")},
        {QStringLiteral("chunks"), QStringLiteral("Events per stream."), QStringLiteral("n"),
         QStringLiteral("5")},
        {QStringLiteral("interval-ms"), QStringLiteral("Gap between stream events."),
         QStringLiteral("ms"), QStringLiteral("0")},
        {QStringLiteral("models"), QStringLiteral("Comma-separated model ids."),
         QStringLiteral("list"), QStringLiteral("mock-model")},
        {QStringLiteral("text"), QStringLiteral("Non-streamed completion text."),
         QStringLiteral("text"), QStringLiteral("pong")},
        {QStringLiteral("record-limit"), QStringLiteral("Requests kept in memory."),
         QStringLiteral("n"), QStringLiteral("0")},
    });
    parser.process(app);

    aisbf::test::MockUpstream mock;
    mock.setStreamChunks(intOption(parser, QStringLiteral("chunks")));
    mock.setStreamIntervalMs(intOption(parser, QStringLiteral("interval-ms")));
    mock.setModels(
        parser.value(QStringLiteral("models")).split(QLatin1Char(','), Qt::SkipEmptyParts));
    mock.setCompletionText(parser.value(QStringLiteral("text")));
    mock.setRecordLimit(intOption(parser, QStringLiteral("record-limit")));
    const QHostAddress host(parser.value(QStringLiteral("host")));
    if (host.isNull() || !mock.listen(host, quint16(intOption(parser, QStringLiteral("port"))))) {
        std::fprintf(stderr, "aisbf-mock-upstream: cannot listen on %s:%s\n",
                     qPrintable(parser.value(QStringLiteral("host"))),
                     qPrintable(parser.value(QStringLiteral("port"))));
        return 1;
    }

    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, g_signalPipe) != 0)
        return 1;
    QSocketNotifier notifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &app, &QCoreApplication::quit);
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);
    std::signal(SIGPIPE, SIG_IGN);

    std::printf("listening %u\n", unsigned(mock.port()));
    std::fflush(stdout);
    return app.exec();
}
