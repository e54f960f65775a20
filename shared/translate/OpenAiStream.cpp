// SPDX-License-Identifier: GPL-3.0-or-later
#include "OpenAiStream.h"

#include <protocol/SseParser.h>

#include <QJsonArray>
#include <QJsonDocument>

namespace aisbf::translate {

namespace {

class OpenAiDecoder final : public StreamDecoder
{
public:
    Output feed(const QByteArray &bytes) override
    {
        Output out;
        if (m_finished)
            return out; // nothing counts after [DONE]
        for (const protocol::SseParser::Event &event : m_sse.feed(bytes)) {
            if (event.data == "[DONE]") {
                m_finished = true;
                out.finished = true;
                return out;
            }
            QJsonParseError error{};
            const QJsonDocument document = QJsonDocument::fromJson(event.data, &error);
            if (!document.isObject()) {
                out.error = QStringLiteral("upstream sent a malformed stream event");
                return out;
            }
            const QJsonObject object = document.object();
            if (object.contains(QLatin1String("error"))) {
                const QJsonValue inner = object.value(QLatin1String("error"));
                out.error = inner.isObject()
                                ? inner.toObject().value(QLatin1String("message")).toString()
                                : inner.toString();
                if (out.error.isEmpty())
                    out.error = QStringLiteral("upstream sent an error event");
                return out;
            }
            out.chunks.append(object);
        }
        return out;
    }

    Output finish() override
    {
        Output out;
        if (!m_finished)
            out = feed(QByteArrayLiteral("\n\n")); // a last event without its blank line
        if (!m_finished && out.error.isEmpty())
            out.error = QStringLiteral("upstream stream ended without [DONE]");
        out.finished = out.error.isEmpty();
        return out;
    }

private:
    protocol::SseParser m_sse;
    bool m_finished = false;
};

class OpenAiEncoder final : public StreamEncoder
{
public:
    QByteArray chunk(const QJsonObject &openAiChunk) override
    {
        return "data: " + QJsonDocument(openAiChunk).toJson(QJsonDocument::Compact) + "\n\n";
    }
    QByteArray finish() override { return QByteArrayLiteral("data: [DONE]\n\n"); }
    QByteArray error(const QString &message) override
    {
        return protocol::OpenAiError{
            502, message, {}, QByteArrayLiteral("upstream_stream_error"), {}}
            .toSseEvent();
    }
};

} // namespace

std::unique_ptr<StreamDecoder> openAiStreamDecoder()
{
    return std::make_unique<OpenAiDecoder>();
}

std::unique_ptr<StreamEncoder> openAiStreamEncoder()
{
    return std::make_unique<OpenAiEncoder>();
}

QJsonObject parseOpenAiCompletion(const QByteArray &body)
{
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    if (!object.value(QLatin1String("choices")).isArray())
        return {};
    return object;
}

} // namespace aisbf::translate
