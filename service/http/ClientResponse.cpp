// SPDX-License-Identifier: GPL-3.0-or-later
#include "ClientResponse.h"

#include "AccessLog.h"
#include "GatewaySocket.h"

#include <protocol/OpenAiError.h>

namespace aisbf::http {

ClientResponse::ClientResponse(GatewaySocket *socket, AccessLog *log, AccessRecord record,
                               bool closeAfter)
    : m_socket(socket), m_log(log), m_record(std::move(record)), m_closeAfter(closeAfter)
{
    m_headers.append({QByteArrayLiteral("X-Request-Id"), m_record.requestId});
    if (m_closeAfter)
        m_headers.append({QByteArrayLiteral("Connection"), QByteArrayLiteral("close")});
}

ClientResponse::ClientResponse(Capture capture, AccessLog *log, AccessRecord record)
    : m_log(log), m_record(std::move(record)), m_closeAfter(false), m_capture(std::move(capture))
{}

ClientResponse::ClientResponse(ClientResponse &&other) noexcept
    : m_socket(std::move(other.m_socket)), m_log(other.m_log), m_record(std::move(other.m_record)),
      m_headers(std::move(other.m_headers)), m_closeAfter(other.m_closeAfter),
      m_dialect(other.m_dialect), m_streaming(other.m_streaming), m_finished(other.m_finished),
      m_capture(std::move(other.m_capture))
{
    other.m_finished = true; // the moved-from shell answers nothing
    other.m_log = nullptr;
}

ClientResponse::~ClientResponse()
{
    // A response dropped without an answer (a bug, or shutdown) still frees its connection.
    if (!m_finished && m_log)
        abandon(m_streaming ? m_record.status : 500);
}

void ClientResponse::addHeader(const QByteArray &name, const QByteArray &value)
{
    m_headers.append({name, value});
}

void ClientResponse::write(const QByteArray &bytes)
{
    if (!m_socket)
        return;
    m_socket->write(bytes);
    // Qt would otherwise send on the next event-loop pass; sending now saves that pass.
    m_socket->flush();
}

void ClientResponse::markFirstByte()
{
    if (m_record.firstByte == std::chrono::steady_clock::time_point{})
        m_record.firstByte = std::chrono::steady_clock::now();
}

void ClientResponse::send(int status, const QByteArray &contentType, const QByteArray &body)
{
    if (m_finished || m_streaming)
        return;
    m_record.status = status;
    markFirstByte();
    if (m_capture) {
        // finish() first: the capture may start the next step, which must find this one done.
        const Capture capture = std::move(m_capture);
        m_capture = nullptr;
        finish();
        capture(status, body);
        return;
    }
    write(buildResponse(status, m_headers, contentType, body));
    finish();
}

void ClientResponse::sendError(const protocol::OpenAiError &error)
{
    sendJson(error.status, m_dialect == translate::ClientDialect::OpenAi
                               ? error.toJson()
                               : translate::clientCodec(m_dialect).errorBody(error));
}

void ClientResponse::beginStream(int status, const QByteArray &contentType)
{
    if (m_finished || m_streaming)
        return;
    m_streaming = true;
    m_record.status = status;
    if (m_log && m_record.isChat)
        m_log->streamStarted();
    m_headers.append({QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-cache")});
    // Tells nginx in front of us not to buffer the stream.
    m_headers.append({QByteArrayLiteral("X-Accel-Buffering"), QByteArrayLiteral("no")});
    write(buildChunkedHead(status, m_headers, contentType));
}

void ClientResponse::streamChunk(const QByteArray &data)
{
    if (m_finished || data.isEmpty())
        return;
    markFirstByte();
    write(encodeChunk(data));
}

void ClientResponse::endStream()
{
    if (m_finished)
        return;
    write(QByteArray::fromRawData(kLastChunk, sizeof(kLastChunk) - 1));
    finish();
}

void ClientResponse::abandon(int status)
{
    if (m_finished)
        return;
    m_record.status = status;
    if (m_socket && m_streaming)
        m_socket->abort(); // a half-sent body cannot be completed honestly
    finish();
}

void ClientResponse::finish()
{
    m_finished = true;
    if (m_log && m_streaming && m_record.isChat)
        m_log->streamFinished();
    if (m_log)
        m_log->write(m_record);
    if (m_socket)
        m_socket->responseFinished(m_closeAfter);
}

} // namespace aisbf::http
