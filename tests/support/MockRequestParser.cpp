// SPDX-License-Identifier: GPL-3.0-or-later
#include "MockRequestParser.h"

#include <QJsonDocument>

namespace aisbf::test {

namespace {

constexpr qsizetype kMaxHeaderBytes = 64 * 1024;
constexpr qsizetype kMaxBodyBytes = 64 * 1024 * 1024;

ParseOutcome bad(int status)
{
    ParseOutcome o;
    o.kind = ParseOutcome::Bad;
    o.status = status;
    return o;
}

// Decodes a chunked body starting at @p pos; returns the end offset, 0 when incomplete, -1 bad.
qsizetype decodeChunked(const QByteArray &buf, qsizetype pos, QByteArray &body)
{
    body.clear();
    for (;;) {
        const qsizetype eol = buf.indexOf("\r\n", pos);
        if (eol < 0)
            return 0;
        QByteArray sizeField = buf.mid(pos, eol - pos);
        if (const qsizetype semi = sizeField.indexOf(';'); semi >= 0)
            sizeField.truncate(semi);
        bool ok = false;
        const qlonglong size = sizeField.trimmed().toLongLong(&ok, 16);
        if (!ok || size < 0 || body.size() + size > kMaxBodyBytes)
            return -1;
        pos = eol + 2;
        if (size == 0) {
            // Trailers, if any, end with an empty line.
            if (buf.size() >= pos + 2 && buf.at(pos) == '\r' && buf.at(pos + 1) == '\n')
                return pos + 2;
            const qsizetype end = buf.indexOf("\r\n\r\n", pos);
            return end < 0 ? 0 : end + 4;
        }
        if (buf.size() < pos + size + 2)
            return 0;
        body.append(buf.constData() + pos, size);
        pos += size + 2;
    }
}

} // namespace

ParseOutcome parseRequest(const QByteArray &buffer, RecordedRequest &out)
{
    const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        return buffer.size() > kMaxHeaderBytes ? bad(431) : ParseOutcome{};

    const QByteArray head = buffer.left(headerEnd);
    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine.at(2).startsWith("HTTP/1."))
        return bad(400);
    out = RecordedRequest{};
    out.method = requestLine.at(0);
    out.path = requestLine.at(1);
    out.version = requestLine.at(2);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines.at(i);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return bad(400);
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        auto it = out.headers.find(name);
        if (it == out.headers.end())
            out.headers.insert(name, value);
        else
            *it += ", " + value;
    }

    ParseOutcome o;
    const qsizetype bodyStart = headerEnd + 4;
    if (out.header("transfer-encoding").toLower().contains("chunked")) {
        const qsizetype end = decodeChunked(buffer, bodyStart, out.body);
        if (end < 0)
            return bad(400);
        if (end == 0) {
            o.expectContinue = out.header("expect").toLower() == "100-continue";
            return o;
        }
        o.kind = ParseOutcome::Complete;
        o.consumed = end;
        return o;
    }
    qlonglong length = 0;
    if (out.headers.contains("content-length")) {
        bool ok = false;
        length = out.header("content-length").toLongLong(&ok);
        if (!ok || length < 0)
            return bad(400);
        if (length > kMaxBodyBytes)
            return bad(413);
    }
    if (buffer.size() < bodyStart + length) {
        o.expectContinue = out.header("expect").toLower() == "100-continue";
        return o;
    }
    out.body = buffer.mid(bodyStart, length);
    o.kind = ParseOutcome::Complete;
    o.consumed = bodyStart + length;
    return o;
}

bool wantsKeepAlive(const RecordedRequest &request)
{
    const QByteArray connection = request.header("connection").toLower();
    if (request.version == "HTTP/1.0")
        return connection.contains("keep-alive");
    return !connection.contains("close");
}

QJsonObject RecordedRequest::json() const
{
    return QJsonDocument::fromJson(body).object();
}

} // namespace aisbf::test
