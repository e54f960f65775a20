// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

class QUrlQuery;

namespace aisbf::http {

enum class Method
{
    Get,
    Post,
    Put,
    Delete,
    Patch,
    Head,
    Options,
    Other,
};

/** "GET", "POST", ... ("OTHER" for methods no route takes). */
QByteArray methodName(Method method);

/** One client request as RequestParser read it off the connection. */
class Request
{
public:
    Method method() const { return m_method; }
    /** The request target as sent: path and query, percent-encoded. */
    const QByteArray &target() const { return m_target; }
    /** The path as sent (percent-encoded, no query): what the access log shows. */
    QByteArray encodedPath() const;
    /** The path, percent-decoded: what routes match. */
    QString path() const;
    /** The query string's items. */
    QUrlQuery query() const;
    /** The first header named @p name (ASCII case-insensitive), empty when absent. */
    QByteArray value(QByteArrayView name) const;
    const QByteArray &body() const { return m_body; }

private:
    friend class RequestParser;

    Method m_method = Method::Other;
    QByteArray m_target;
    QList<QPair<QByteArray, QByteArray>> m_headers; ///< names lower-cased
    QByteArray m_body;
};

} // namespace aisbf::http
