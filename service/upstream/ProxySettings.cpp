// SPDX-License-Identifier: GPL-3.0-or-later
#include "ProxySettings.h"

#include <QHostAddress>
#include <QUrl>

namespace aisbf::upstream {

namespace {

QString firstSet(const QProcessEnvironment &env, const char *upper, const char *lower)
{
    const QString value = env.value(QString::fromLatin1(upper));
    return value.isEmpty() ? env.value(QString::fromLatin1(lower)) : value;
}

QNetworkProxy parseProxy(const QString &text)
{
    if (text.isEmpty())
        return QNetworkProxy(QNetworkProxy::NoProxy);
    QUrl url = QUrl::fromUserInput(text);
    if (!url.isValid() || url.host().isEmpty())
        return QNetworkProxy(QNetworkProxy::NoProxy);
    // Both http and https upstreams are tunnelled with CONNECT, which Qt does for HttpProxy.
    QNetworkProxy proxy(QNetworkProxy::HttpProxy, url.host(), quint16(url.port(3128)),
                        url.userName(), url.password());
    return proxy;
}

} // namespace

ProxySettings ProxySettings::fromEnvironment(const QProcessEnvironment &env)
{
    ProxySettings settings;
    settings.m_http = parseProxy(firstSet(env, "HTTP_PROXY", "http_proxy"));
    settings.m_https = parseProxy(firstSet(env, "HTTPS_PROXY", "https_proxy"));
    const QStringList entries =
        firstSet(env, "NO_PROXY", "no_proxy").split(u',', Qt::SkipEmptyParts);
    for (const QString &entry : entries) {
        QString host = entry.trimmed().toLower();
        const qsizetype colon = host.lastIndexOf(u':');
        if (colon > 0 && !host.contains(u']') && host.count(u':') == 1)
            host.truncate(colon);
        if (!host.isEmpty())
            settings.m_noProxy.append(host);
    }
    return settings;
}

bool ProxySettings::bypass(const QString &host) const
{
    const QString lower = host.toLower();
    if (lower == QLatin1String("localhost") || QHostAddress(lower).isLoopback())
        return true;
    for (const QString &entry : m_noProxy) {
        if (entry == QLatin1String("*"))
            return true;
        const QString domain = entry.startsWith(u'.') ? entry.mid(1) : entry;
        if (lower == domain || lower.endsWith(u'.' + domain))
            return true;
    }
    return false;
}

QNetworkProxy ProxySettings::proxyFor(const QByteArray &scheme, const QString &host) const
{
    const QNetworkProxy &proxy = scheme == "https" ? m_https : m_http;
    if (proxy.type() == QNetworkProxy::NoProxy || bypass(host))
        return QNetworkProxy(QNetworkProxy::NoProxy);
    return proxy;
}

} // namespace aisbf::upstream
