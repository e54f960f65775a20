// SPDX-License-Identifier: GPL-3.0-or-later
#include "ApiResponse.h"

#include <QJsonDocument>

namespace aisbf::api {

QString ApiError::toString() const
{
    if (isNetwork())
        return message;
    return QStringLiteral("HTTP %1: %2").arg(status).arg(message);
}

QByteArray ApiResponse::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

ApiError errorFromAnswer(int status, const QByteArray &body)
{
    ApiError error;
    error.status = status;
    const QJsonObject root = QJsonDocument::fromJson(body).object();
    const QJsonValue inner = root.value(QStringLiteral("error"));
    if (inner.isObject()) {
        const QJsonObject e = inner.toObject();
        error.message = e.value(QStringLiteral("message")).toString();
        error.type = e.value(QStringLiteral("type")).toString();
        error.code = e.value(QStringLiteral("code")).toString();
    } else if (inner.isString()) {
        error.message = inner.toString();
    }
    error.diagnostics = root.value(QStringLiteral("diagnostics")).toArray();
    if (error.message.isEmpty()) {
        const QString text = QString::fromUtf8(body.left(200)).trimmed();
        error.message =
            text.isEmpty() ? QStringLiteral("the gateway answered HTTP %1").arg(status) : text;
    }
    return error;
}

} // namespace aisbf::api
