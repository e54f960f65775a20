// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ProxySettings.h"
#include "UpstreamTypes.h"

#include <QBasicTimer>
#include <QHash>
#include <QObject>
#include <QSslConfiguration>

#include <chrono>
#include <optional>

namespace aisbf::upstream {

class UpstreamConnection;

/**
 * The gateway's HTTP/1.1 client: runs on the calling thread's event loop (no I/O thread, no
 * per-host connection cap), keeps idle keep-alive connections per origin and reuses them.
 */
class UpstreamClient : public QObject
{
    Q_OBJECT

public:
    struct Settings
    {
        ProxySettings proxies;
        QString extraCaFile;     ///< PEM bundle added to the system CAs
        int idleKeepMs = 60'000; ///< an idle pooled connection is closed after this
        int maxIdlePerOrigin = 256;
    };

    explicit UpstreamClient(Settings settings, QObject *parent = nullptr);
    ~UpstreamClient() override;

    /** An idle open connection to @p origin, or a new one being opened. */
    UpstreamConnection *acquire(const Origin &origin, bool *reused);
    /** Returns a connection after a complete response: pooled if it can carry another. */
    void release(UpstreamConnection *connection);
    int idleConnections() const;

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    struct Idle
    {
        UpstreamConnection *connection;
        std::chrono::steady_clock::time_point since;
    };

    void dropIdle(UpstreamConnection *connection);
    const QSslConfiguration &tlsConfiguration();

    Settings m_settings;
    std::optional<QSslConfiguration> m_tls; ///< built on first TLS use (loading CAs is slow)
    QHash<Origin, QList<Idle>> m_idle;
    QBasicTimer m_sweep;
};

} // namespace aisbf::upstream
