// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <protocol/OpenAiError.h>

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <memory>

namespace aisbf::translate {

/**
 * The API a client called. OpenAI clients get the upstream's bytes; Anthropic (/v1/messages)
 * and Ollama (/api/chat) clients have their request turned into an OpenAI request on the way
 * in, and the OpenAI answer (whole or streamed) turned into their shape on the way out.
 */
enum class ClientDialect
{
    OpenAi,
    Anthropic,
    Ollama,
};

/** A client request read into the gateway's OpenAI form. */
struct InboundRequest
{
    QJsonObject openAi; ///< a valid OpenAI chat completion request ("model", "messages", ...)
    QString model;
    bool stream = false;
    QString error;      ///< non-empty: answered 400 in the client's error shape
    QString errorParam; ///< the offending client field, e.g. "messages.1.content"
};

/** Turns OpenAI chat.completion.chunk objects into the client's stream format. */
class StreamEncoder
{
public:
    virtual ~StreamEncoder() = default;
    /** Bytes to write for one chunk (may be empty, e.g. while a tool call's arguments are
     *  still being collected for a client that needs them whole). */
    virtual QByteArray chunk(const QJsonObject &openAiChunk) = 0;
    /** The stream ended well: closing events. */
    virtual QByteArray finish() = 0;
    /** The stream broke after it started: an in-band error the client's SDK raises. */
    virtual QByteArray error(const QString &message) = 0;
};

class ClientCodec
{
public:
    virtual ~ClientCodec() = default;

    /** The client's parsed JSON body → OpenAI request. */
    virtual InboundRequest request(const QJsonObject &clientRequest) const = 0;
    /** OpenAI chat.completion → the client's non-streamed body. */
    virtual QByteArray response(const QJsonObject &completion) const = 0;
    /** The client's error body for an error the gateway answers with. */
    virtual QByteArray errorBody(const protocol::OpenAiError &error) const = 0;
    /** Content-Type of a streamed answer. */
    virtual QByteArray streamContentType() const = 0;
    virtual std::unique_ptr<StreamEncoder> streamEncoder(const QString &model) const = 0;
};

/** The codec of Anthropic or Ollama clients (OpenAI clients need none). */
const ClientCodec &clientCodec(ClientDialect dialect);

} // namespace aisbf::translate
