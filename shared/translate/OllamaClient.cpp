// SPDX-License-Identifier: GPL-3.0-or-later
// PLACEHOLDER: replaced by the ollama client codec.
#include "Dialects.h"

namespace aisbf::translate {
namespace {
class Placeholder final : public ClientCodec
{
public:
    InboundRequest request(const QJsonObject &) const override
    {
        InboundRequest r;
        r.error = QStringLiteral("the ollama API is not built yet");
        return r;
    }
    QByteArray response(const QJsonObject &) const override { return {}; }
    QByteArray errorBody(const protocol::OpenAiError &e) const override { return e.toJson(); }
    QByteArray streamContentType() const override { return "text/event-stream"; }
    std::unique_ptr<StreamEncoder> streamEncoder(const QString &) const override { return {}; }
};
} // namespace
const ClientCodec &ollamaClientCodec()
{
    static const Placeholder instance;
    return instance;
}
} // namespace aisbf::translate
