// SPDX-License-Identifier: GPL-3.0-or-later
#include "Request.h"

#include <QUrl>
#include <QUrlQuery>

namespace aisbf::http {

QByteArray methodName(Method method)
{
    switch (method) {
    case Method::Get:
        return QByteArrayLiteral("GET");
    case Method::Post:
        return QByteArrayLiteral("POST");
    case Method::Put:
        return QByteArrayLiteral("PUT");
    case Method::Delete:
        return QByteArrayLiteral("DELETE");
    case Method::Patch:
        return QByteArrayLiteral("PATCH");
    case Method::Head:
        return QByteArrayLiteral("HEAD");
    case Method::Options:
        return QByteArrayLiteral("OPTIONS");
    case Method::Other:
        break;
    }
    return QByteArrayLiteral("OTHER");
}

QByteArray Request::encodedPath() const
{
    const qsizetype query = m_target.indexOf('?');
    return query < 0 ? m_target : m_target.first(query);
}

QString Request::path() const
{
    const QByteArray encoded = encodedPath();
    // The common case ("/api/v1/chat/completions") has nothing to decode.
    if (!encoded.contains('%'))
        return QString::fromLatin1(encoded);
    return QString::fromUtf8(QByteArray::fromPercentEncoding(encoded));
}

QUrlQuery Request::query() const
{
    const qsizetype query = m_target.indexOf('?');
    if (query < 0)
        return {};
    return QUrlQuery(QString::fromUtf8(m_target.sliced(query + 1)));
}

QByteArray Request::value(QByteArrayView name) const
{
    for (const auto &header : m_headers) {
        if (header.first.size() == name.size() &&
            QByteArrayView(header.first).compare(name, Qt::CaseInsensitive) == 0)
            return header.second;
    }
    return {};
}

} // namespace aisbf::http
