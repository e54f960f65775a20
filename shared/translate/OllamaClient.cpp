// SPDX-License-Identifier: GPL-3.0-or-later
#include "Dialects.h"
#include "Ollama.h"

namespace aisbf::translate {

namespace {

// Clients of Ollama's native API (POST /api/chat): the ollama npm and Python packages,
// Open WebUI and the like.
class OllamaClientCodec final : public ClientCodec
{
public:
    InboundRequest request(const QJsonObject &clientRequest) const override
    {
        return ollama::readClientRequest(clientRequest);
    }

    QByteArray response(const QJsonObject &completion) const override
    {
        return ollama::clientResponse(completion);
    }

    // The ollama clients raise the "error" string of a non-2xx JSON body.
    QByteArray errorBody(const protocol::OpenAiError &error) const override
    {
        QByteArray body = ollama::errorLine(error.message);
        body.chop(1); // a whole body, not an NDJSON line
        return body;
    }

    QByteArray streamContentType() const override { return "application/x-ndjson"; }

    std::unique_ptr<StreamEncoder> streamEncoder(const QString &model) const override
    {
        return ollama::newStreamEncoder(model);
    }
};

} // namespace

const ClientCodec &ollamaClientCodec()
{
    static const OllamaClientCodec instance;
    return instance;
}

} // namespace aisbf::translate
