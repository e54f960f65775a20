// SPDX-License-Identifier: GPL-3.0-or-later
#include "UpstreamTypes.h"

namespace aisbf::upstream {

QString Failure::describe() const
{
    QString what;
    switch (kind) {
    case Kind::Connect:
        what = QStringLiteral("connect failed");
        break;
    case Kind::ConnectTimeout:
        what = QStringLiteral("connect timed out");
        break;
    case Kind::FirstByteTimeout:
        what = QStringLiteral("no response in time");
        break;
    case Kind::IdleTimeout:
        what = QStringLiteral("response stalled");
        break;
    case Kind::ResetBeforeHead:
        what = QStringLiteral("connection closed before a response");
        break;
    case Kind::ResetMidBody:
        what = QStringLiteral("connection closed mid-response");
        break;
    case Kind::Protocol:
        what = QStringLiteral("invalid HTTP response");
        break;
    }
    return detail.isEmpty() ? what : what + QStringLiteral(" (") + detail + u')';
}

QByteArray headerValue(const HeaderList &headers, QByteArrayView name)
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

} // namespace aisbf::upstream
