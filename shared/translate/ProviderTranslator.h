// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace aisbf::translate {

/**
 * The gateway speaks OpenAI chat completions inside. A provider of another type has a
 * translator that turns an OpenAI request into the provider's native request, and the native
 * answer (whole or streamed) back into an OpenAI chat.completion / chat.completion.chunk.
 * Translators are stateless and shared; a stream decoder holds one stream's state.
 */

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

/** Which native API a provider type speaks. */
enum class ProviderDialect
{
    OpenAi,    ///< type "openai": forwarded as is, no translator involved
    Anthropic, ///< type "anthropic" (Messages API)
    Google,    ///< type "google" (Gemini generateContent)
    Ollama,    ///< type "ollama" (native /api/chat)
};

/** The dialect of a providers.json "type"; nullopt for types this build cannot serve. */
std::optional<ProviderDialect> providerDialect(const QString &providerType);
QString dialectName(ProviderDialect dialect);

/** What a translator needs to know about the target besides the request itself. */
struct OutboundContext
{
    QString model; ///< the upstream's model name (already resolved from the route)
    bool stream = false;
    QString apiKey;                    ///< secret; may be empty
    std::optional<qint64> contextSize; ///< ollama: options.num_ctx
    qint64 defaultMaxTokens = 4096;    ///< anthropic: max_tokens when the request has none
    QByteArray basePath;     ///< path of the provider's endpoint URL, e.g. "/v1", "" or "/v1beta"
    QJsonObject providerRaw; ///< the provider's config entry (e.g. "anthropic_version")
};

/** A native request, ready to send to the provider's origin. */
struct OutboundRequest
{
    QByteArray target;  ///< path and query, e.g. "/v1/messages"
    HeaderList headers; ///< auth and dialect headers; Content-Type/Accept are added by the caller
    QByteArray body;
    /** Non-empty when the request cannot be expressed in this dialect: answered with 400.
     *  Says what is unsupported where, e.g. "messages[2].content[1]: input_audio is not
     *  supported by provider type anthropic". Nothing is sent upstream. */
    QString error;
    QString errorParam; ///< the offending OpenAI request field, e.g. "messages"
};

/** A native non-streamed answer turned into an OpenAI chat.completion. */
struct TranslatedResponse
{
    QJsonObject completion; ///< valid when error is empty
    QString error;          ///< non-empty: the body was not a valid native answer (→ failover)
};

/** Feeds one native stream body, returns OpenAI chat.completion.chunk objects. */
class StreamDecoder
{
public:
    struct Output
    {
        QList<QJsonObject> chunks; ///< in order; the usage chunk (if any) last, "choices": []
        bool finished = false;     ///< the native stream said it is complete
        QString error;             ///< non-empty: malformed stream or an in-band error event
    };

    virtual ~StreamDecoder() = default;
    /** Bytes as read from the network, in any fragmentation (an event, a line or a UTF-8
     *  character may be split across calls). */
    virtual Output feed(const QByteArray &bytes) = 0;
    /** The body ended: flushes a trailing event without its terminator. An error if the native
     *  stream never said it was complete. */
    virtual Output finish() = 0;
};

class ProviderTranslator
{
public:
    virtual ~ProviderTranslator() = default;

    virtual OutboundRequest request(const QJsonObject &openAiRequest,
                                    const OutboundContext &context) const = 0;
    /** Content-Type prefix of a streamed answer ("text/event-stream", "application/x-ndjson"). */
    virtual QByteArray streamContentType() const = 0;
    /** Whole native 2xx body → chat.completion (id, object, created, model, choices, usage). */
    virtual TranslatedResponse response(const QByteArray &body, const QString &model) const = 0;
    virtual std::unique_ptr<StreamDecoder> streamDecoder(const QString &model) const = 0;
    /** The human message of a native error body (non-2xx), empty if none can be found. */
    virtual QString errorMessage(const QByteArray &body) const = 0;

    /** Model discovery: the GET request that lists the provider's models. */
    virtual OutboundRequest modelsRequest(const OutboundContext &context) const = 0;
    /** Model names from that request's 2xx body; empty when the body is not a listing. */
    virtual QStringList parseModels(const QByteArray &body) const = 0;
};

/** The translator of a dialect other than OpenAi (which has none). */
const ProviderTranslator &providerTranslator(ProviderDialect dialect);

} // namespace aisbf::translate
