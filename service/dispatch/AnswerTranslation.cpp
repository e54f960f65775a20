// SPDX-License-Identifier: GPL-3.0-or-later
#include "AnswerTranslation.h"

#include <translate/OpenAiStream.h>

#include <QJsonDocument>
#include <QJsonObject>

namespace aisbf::dispatch {

using translate::ClientDialect;
using translate::ProviderDialect;

AnswerTranslation::AnswerTranslation() = default;
AnswerTranslation::~AnswerTranslation() = default;

void AnswerTranslation::reset(ProviderDialect upstream, ClientDialect client, const QString &model)
{
    m_upstream = upstream;
    m_client = client;
    m_model = model;
    m_decoder.reset();
    m_encoder.reset();
}

QByteArray AnswerTranslation::upstreamStreamContentType() const
{
    return m_upstream == ProviderDialect::OpenAi
               ? QByteArrayLiteral("text/event-stream")
               : translate::providerTranslator(m_upstream).streamContentType();
}

QByteArray AnswerTranslation::clientStreamContentType() const
{
    return m_client == ClientDialect::OpenAi ? QByteArrayLiteral("text/event-stream")
                                             : translate::clientCodec(m_client).streamContentType();
}

AnswerTranslation::Step AnswerTranslation::feed(const QByteArray &upstreamBytes)
{
    if (!m_decoder) {
        // Made on the first byte of a stream: a failed-over attempt starts a fresh pair.
        m_decoder = m_upstream == ProviderDialect::OpenAi
                        ? translate::openAiStreamDecoder()
                        : translate::providerTranslator(m_upstream).streamDecoder(m_model);
        m_encoder = m_client == ClientDialect::OpenAi
                        ? translate::openAiStreamEncoder()
                        : translate::clientCodec(m_client).streamEncoder(m_model);
    }
    return encode(m_decoder->feed(upstreamBytes));
}

AnswerTranslation::Step AnswerTranslation::finish()
{
    if (!m_decoder)
        return {{}, QStringLiteral("empty stream")};
    Step step = encode(m_decoder->finish());
    if (step.error.isEmpty())
        step.bytes += m_encoder->finish();
    return step;
}

AnswerTranslation::Step AnswerTranslation::encode(const translate::StreamDecoder::Output &output)
{
    Step step;
    for (const QJsonObject &chunk : output.chunks)
        step.bytes += m_encoder->chunk(chunk);
    step.error = output.error;
    return step;
}

QByteArray AnswerTranslation::streamError(const QString &message)
{
    if (!m_encoder)
        m_encoder = m_client == ClientDialect::OpenAi
                        ? translate::openAiStreamEncoder()
                        : translate::clientCodec(m_client).streamEncoder(m_model);
    return m_encoder->error(message);
}

AnswerTranslation::Whole AnswerTranslation::whole(const QByteArray &upstreamBody) const
{
    QJsonObject completion;
    if (m_upstream == ProviderDialect::OpenAi) {
        completion = translate::parseOpenAiCompletion(upstreamBody);
        if (completion.isEmpty())
            return {{}, QStringLiteral("invalid JSON from upstream")};
    } else {
        translate::TranslatedResponse translated =
            translate::providerTranslator(m_upstream).response(upstreamBody, m_model);
        if (!translated.error.isEmpty())
            return {{}, translated.error};
        completion = translated.completion;
    }
    if (m_client == ClientDialect::OpenAi)
        return {QJsonDocument(completion).toJson(QJsonDocument::Compact), {}};
    return {translate::clientCodec(m_client).response(completion), {}};
}

QString AnswerTranslation::upstreamErrorMessage(const QByteArray &body) const
{
    if (m_upstream != ProviderDialect::OpenAi)
        return translate::providerTranslator(m_upstream).errorMessage(body).left(200);
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    const QJsonValue error = object.value(QLatin1String("error"));
    QString message = error.isObject() ? error.toObject().value(QLatin1String("message")).toString()
                                       : error.toString();
    if (message.isEmpty())
        message = object.value(QLatin1String("message")).toString();
    return message.left(200);
}

QByteArray AnswerTranslation::clientError(const protocol::OpenAiError &error) const
{
    if (m_client == ClientDialect::OpenAi)
        return error.toJson();
    return translate::clientCodec(m_client).errorBody(error);
}

} // namespace aisbf::dispatch
