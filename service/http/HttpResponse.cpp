// SPDX-License-Identifier: GPL-3.0-or-later
#include "HttpResponse.h"

namespace aisbf::http {

QByteArray statusReason(int status)
{
    switch (status) {
    case 200:
        return QByteArrayLiteral("OK");
    case 201:
        return QByteArrayLiteral("Created");
    case 204:
        return QByteArrayLiteral("No Content");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 401:
        return QByteArrayLiteral("Unauthorized");
    case 403:
        return QByteArrayLiteral("Forbidden");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 405:
        return QByteArrayLiteral("Method Not Allowed");
    case 408:
        return QByteArrayLiteral("Request Timeout");
    case 411:
        return QByteArrayLiteral("Length Required");
    case 413:
        return QByteArrayLiteral("Payload Too Large");
    case 422:
        return QByteArrayLiteral("Unprocessable Entity");
    case 429:
        return QByteArrayLiteral("Too Many Requests");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    case 501:
        return QByteArrayLiteral("Not Implemented");
    case 502:
        return QByteArrayLiteral("Bad Gateway");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    case 504:
        return QByteArrayLiteral("Gateway Timeout");
    default:
        return QByteArrayLiteral("Status");
    }
}

namespace {

void appendHead(QByteArray &out, int status, const ResponseHeaders &headers,
                const QByteArray &contentType)
{
    out += "HTTP/1.1 " + QByteArray::number(status) + ' ' + statusReason(status) + "\r\n";
    if (!contentType.isEmpty())
        out += "Content-Type: " + contentType + "\r\n";
    for (const auto &[name, value] : headers)
        out += name + ": " + value + "\r\n";
}

} // namespace

QByteArray buildResponse(int status, const ResponseHeaders &headers, const QByteArray &contentType,
                         const QByteArray &body)
{
    QByteArray out;
    out.reserve(160 + body.size());
    appendHead(out, status, headers, contentType);
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n";
    out += body;
    return out;
}

QByteArray buildChunkedHead(int status, const ResponseHeaders &headers,
                            const QByteArray &contentType)
{
    QByteArray out;
    out.reserve(256);
    appendHead(out, status, headers, contentType);
    out += "Transfer-Encoding: chunked\r\n\r\n";
    return out;
}

QByteArray encodeChunk(const QByteArray &data)
{
    if (data.isEmpty())
        return {};
    QByteArray out;
    out.reserve(data.size() + 12);
    out += QByteArray::number(data.size(), 16) + "\r\n";
    out += data;
    out += "\r\n";
    return out;
}

} // namespace aisbf::http
