// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QNetworkProxy>
#include <QProcessEnvironment>
#include <QStringList>

namespace aisbf::upstream {

/**
 * HTTP_PROXY / HTTPS_PROXY / NO_PROXY (either case), read once at start. NO_PROXY entries match
 * a host exactly or as a domain suffix (".example.com" or "example.com"); "*" disables proxies.
 * Loopback hosts never go through a proxy, as curl does.
 */
class ProxySettings
{
public:
    static ProxySettings fromEnvironment(const QProcessEnvironment &env);

    QNetworkProxy proxyFor(const QByteArray &scheme, const QString &host) const;

private:
    bool bypass(const QString &host) const;

    QNetworkProxy m_http{QNetworkProxy::NoProxy};
    QNetworkProxy m_https{QNetworkProxy::NoProxy};
    QStringList m_noProxy;
};

} // namespace aisbf::upstream
