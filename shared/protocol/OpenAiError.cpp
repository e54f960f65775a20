// SPDX-License-Identifier: GPL-3.0-or-later
#include "OpenAiError.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace aisbf::protocol {

QByteArray OpenAiError::typeForStatus(int status)
{
    switch (status) {
    case 401:
        return QByteArrayLiteral("authentication_error");
    case 403:
        return QByteArrayLiteral("permission_error");
    case 404:
        return QByteArrayLiteral("not_found_error");
    case 429:
        return QByteArrayLiteral("rate_limit_error");
    default:
        break;
    }
    if (status >= 500)
        return status == 501 ? QByteArrayLiteral("not_implemented_error")
                             : QByteArrayLiteral("server_error");
    return QByteArrayLiteral("invalid_request_error");
}

QByteArray OpenAiError::toJson() const
{
    QJsonObject error{
        {QStringLiteral("message"), message},
        {QStringLiteral("type"),
         QString::fromLatin1(type.isEmpty() ? typeForStatus(status) : type)},
        {QStringLiteral("param"), param.isEmpty() ? QJsonValue() : QJsonValue(param)},
        {QStringLiteral("code"), code.isEmpty() ? QJsonValue() : QString::fromLatin1(code)},
    };
    return QJsonDocument(QJsonObject{{QStringLiteral("error"), error}})
        .toJson(QJsonDocument::Compact);
}

QByteArray OpenAiError::toSseEvent() const
{
    return QByteArrayLiteral("data: ") + toJson() + QByteArrayLiteral("\n\n");
}

} // namespace aisbf::protocol
