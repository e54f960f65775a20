// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <translate/ClientCodec.h>
#include <translate/ProviderTranslator.h>

#include <QByteArray>
#include <QString>

#include <memory>

namespace aisbf::dispatch {

/**
 * How one attempt's answer reaches the client when the upstream's or the client's API is not
 * OpenAI: upstream native → OpenAI (the gateway's inner form) → client shape. OpenAI to OpenAI
 * is a pass-through and never gets here (its bytes are forwarded untouched).
 */
class AnswerTranslation
{
public:
    AnswerTranslation();
    ~AnswerTranslation();

    /** Set up for one attempt (a failover starts afresh). */
    void reset(translate::ProviderDialect upstream, translate::ClientDialect client,
               const QString &model);
    /** OpenAI to OpenAI: the caller forwards bytes itself and uses only the error helpers. */
    bool isPassThrough() const
    {
        return m_upstream == translate::ProviderDialect::OpenAi &&
               m_client == translate::ClientDialect::OpenAi;
    }

    /** Content-Type prefix of the upstream's streamed answer. */
    QByteArray upstreamStreamContentType() const;
    QByteArray clientStreamContentType() const;

    struct Step
    {
        QByteArray bytes; ///< for the client; empty while nothing is complete
        QString error;    ///< the stream is broken (bytes before it are still good)
    };
    Step feed(const QByteArray &upstreamBytes);
    /** The upstream body ended: flushes and closes the client's stream (or an error). */
    Step finish();
    /** The client's in-band stream error. */
    QByteArray streamError(const QString &message);

    struct Whole
    {
        QByteArray body; ///< the client's body
        QString error;   ///< the upstream's body is not a valid answer
    };
    Whole whole(const QByteArray &upstreamBody) const;
    /** The human message of an upstream error body, whatever its dialect. */
    QString upstreamErrorMessage(const QByteArray &body) const;
    /** An error the gateway answers with, in the client's shape. */
    QByteArray clientError(const protocol::OpenAiError &error) const;

private:
    Step encode(const translate::StreamDecoder::Output &output);

    translate::ProviderDialect m_upstream = translate::ProviderDialect::OpenAi;
    translate::ClientDialect m_client = translate::ClientDialect::OpenAi;
    QString m_model;
    std::unique_ptr<translate::StreamDecoder> m_decoder;
    std::unique_ptr<translate::StreamEncoder> m_encoder;
};

} // namespace aisbf::dispatch
