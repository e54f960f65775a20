// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>

namespace aisbf::test {

/** One request as MockUpstream received it. */
struct RecordedRequest
{
    QByteArray method;
    QByteArray path;                       //!< request target as sent, query included
    QByteArray version;                    //!< "HTTP/1.1"
    QHash<QByteArray, QByteArray> headers; //!< lower-cased names; repeated headers joined by ", "
    QByteArray body;                       //!< decoded (chunked request bodies are de-chunked)
    qint64 atMs = 0;                       //!< MockUpstream::nowMs() when the request was complete

    QByteArray header(const QByteArray &lowerName) const { return headers.value(lowerName); }
    /** The body as a JSON object; empty when it is not one. */
    QJsonObject json() const;
};

} // namespace aisbf::test
