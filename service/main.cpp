// SPDX-License-Identifier: GPL-3.0-or-later
// aisbf-gateway: parses arguments, loads the config, starts one Gateway, drains on SIGTERM.
#include "Gateway.h"
#include "SignalWatcher.h"
#include "cluster/RedisConfig.h"
#include "loop/EpollDispatcher.h"

#include <config/ConfigLoader.h>
#include <store/DatabaseConfig.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>

#include <cstdio>
#include <malloc.h>

namespace {

constexpr int kExitConfigInvalid = 2;
constexpr int kExitCannotListen = 3;
constexpr int kExitNoDatabase = 4; ///< the control plane's database cannot be opened or migrated

void printDiagnostics(const aisbf::config::Diagnostics &diagnostics)
{
    for (const auto &diagnostic : diagnostics)
        std::fprintf(stderr, "%s\n", qUtf8Printable(diagnostic.toString()));
}

// glibc's defaults give memory back to the kernel as soon as 128 KiB are free at the top of the
// heap and serve every block over 128 KiB (a growing usage queue, a socket buffer) with its
// own mmap/munmap: under load the gateway then trims, re-grows and page-faults all the time,
// and the requests that meet one of those pay tens of microseconds. Measured A/B, rr c=1,
// interleaved rounds (GLIBC_TUNABLES with the same values): p99 185 -> 160 us. The price is
// that up to 64 MiB freed after a peak stays mapped to the process.
void tuneMalloc()
{
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
    mallopt(M_TOP_PAD, 16 * 1024 * 1024);
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
}

} // namespace

int main(int argc, char *argv[])
{
    tuneMalloc();
    // The gateway's loop waits on epoll (see EpollDispatcher for the measured reason).
    // AISBF_EVENT_LOOP=qt falls back to Qt's own UNIX dispatcher (never glib's, which is slower).
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    if (qgetenv("AISBF_EVENT_LOOP") != "qt")
        QCoreApplication::setEventDispatcher(new aisbf::loop::EpollDispatcher);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("aisbf-gateway"));
    QCoreApplication::setApplicationVersion(QStringLiteral(AISBF_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("AISBF gateway: one OpenAI-compatible endpoint for every LLM provider."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption configDir(
        QStringLiteral("config-dir"),
        QStringLiteral("Config directory (default $AISBF_CONFIG_DIR, else ~/.aisbf)."),
        QStringLiteral("dir"));
    const QCommandLineOption host(QStringLiteral("host"),
                                  QStringLiteral("Address to listen on (overrides server.host)."),
                                  QStringLiteral("address"));
    const QCommandLineOption port(QStringLiteral("port"),
                                  QStringLiteral("Port to listen on (overrides server.port)."),
                                  QStringLiteral("port"));
    const QCommandLineOption checkConfig(
        QStringLiteral("check-config"),
        QStringLiteral("Validate the config, print every problem and exit (0 valid, 2 invalid)."));
    parser.addOptions({configDir, host, port, checkConfig});
    parser.process(app);

    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QString dir = aisbf::config::resolveConfigDir(parser.value(configDir), env);
    const aisbf::config::LoadResult loaded = aisbf::config::loadConfigDir(dir, env);
    printDiagnostics(loaded.diagnostics);
    // The control plane's database section is checked with the rest of the config.
    aisbf::config::Diagnostics serviceDiagnostics;
    const std::optional<aisbf::store::DatabaseConfig> database =
        loaded.ok() ? aisbf::store::DatabaseConfig::fromServerJson(
                          loaded.config->serverDocument, dir, QDir::homePath(), serviceDiagnostics)
                    : std::nullopt;
    // So is Redis, when "cache" names it (the cluster's heartbeats and shared rate limits).
    std::optional<aisbf::cluster::RedisConfig> redis;
    if (loaded.ok() && loaded.config->server.cacheType == QLatin1String("redis"))
        redis = aisbf::cluster::RedisConfig::fromServerJson(loaded.config->serverDocument, env,
                                                            serviceDiagnostics);
    printDiagnostics(serviceDiagnostics);
    if (!loaded.ok() || !database || aisbf::config::hasErrors(serviceDiagnostics)) {
        std::fprintf(stderr,
                     "aisbf-gateway: the config in %s is invalid; fix the problems above.\n",
                     qUtf8Printable(dir));
        return kExitConfigInvalid;
    }
    if (parser.isSet(checkConfig)) {
        std::printf("config in %s is valid\n", qUtf8Printable(dir));
        return 0;
    }

    const aisbf::config::ServerConfig &server = loaded.config->server;
    const QString listenHost = parser.isSet(host) ? parser.value(host) : server.host;
    bool portOk = true;
    const uint listenPort = parser.isSet(port) ? parser.value(port).toUInt(&portOk) : server.port;
    if (!portOk || listenPort > 65535) {
        std::fprintf(stderr, "aisbf-gateway: --port must be a number from 0 to 65535\n");
        return kExitConfigInvalid;
    }
    const QHostAddress address(
        listenHost == QLatin1String("localhost") ? QStringLiteral("127.0.0.1") : listenHost);
    if (address.isNull()) {
        std::fprintf(stderr, "aisbf-gateway: '%s' is not an IP address to listen on\n",
                     qUtf8Printable(listenHost));
        return kExitConfigInvalid;
    }

    aisbf::Gateway gateway(loaded.config);
    QString error;
    if (!gateway.enableControlPlane(*database, &error)) {
        std::fprintf(stderr, "aisbf-gateway: %s\n", qUtf8Printable(error));
        return kExitNoDatabase;
    }
    if (!gateway.listen(address, quint16(listenPort), &error)) {
        std::fprintf(stderr, "aisbf-gateway: cannot listen on %s:%u: %s\n",
                     qUtf8Printable(listenHost), listenPort, qUtf8Printable(error));
        return kExitCannotListen;
    }
    if (redis)
        gateway.enableCluster(*redis);
    std::fprintf(stderr, "aisbf-gateway %s listening on http://%s:%u (config %s)\n", AISBF_VERSION,
                 qUtf8Printable(address.toString()), gateway.port(), qUtf8Printable(dir));

    aisbf::SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &aisbf::SignalWatcher::terminationRequested, &gateway,
                     [&gateway, &server] { gateway.drain(server.drainTimeoutMs); });
    QObject::connect(&gateway, &aisbf::Gateway::drained, &app, [] { QCoreApplication::exit(0); });
    return app.exec();
}
