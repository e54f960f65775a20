// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

namespace aisbf::http {

using ResponseHeaders = QList<QPair<QByteArray, QByteArray>>;

/** "OK", "Not Found", ... for a status code. */
QByteArray statusReason(int status);

/** A complete HTTP/1.1 response with Content-Length, as one buffer (one socket write). */
QByteArray buildResponse(int status, const ResponseHeaders &headers, const QByteArray &contentType,
                         const QByteArray &body);

/** Status line and headers of a chunked response; the body follows as chunks. */
QByteArray buildChunkedHead(int status, const ResponseHeaders &headers,
                            const QByteArray &contentType);

/** One chunk of a chunked body; empty @p data yields nothing (the terminator is separate). */
QByteArray encodeChunk(const QByteArray &data);

inline constexpr char kLastChunk[] = "0\r\n\r\n";

} // namespace aisbf::http
