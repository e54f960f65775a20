// SPDX-License-Identifier: GPL-3.0-or-later
// PLACEHOLDER: replaced by the anthropic translator.
#include "Dialects.h"

namespace aisbf::translate {
namespace {
class Placeholder final : public ProviderTranslator
{
public:
    OutboundRequest request(const QJsonObject &, const OutboundContext &) const override
    {
        OutboundRequest r;
        r.error = QStringLiteral("provider type anthropic is not built yet");
        return r;
    }
    QByteArray streamContentType() const override { return "text/event-stream"; }
    TranslatedResponse response(const QByteArray &, const QString &) const override
    {
        return {{}, QStringLiteral("not built")};
    }
    std::unique_ptr<StreamDecoder> streamDecoder(const QString &) const override { return {}; }
    QString errorMessage(const QByteArray &) const override { return {}; }
    OutboundRequest modelsRequest(const OutboundContext &c) const override
    {
        return request({}, c);
    }
    QStringList parseModels(const QByteArray &) const override { return {}; }
};
} // namespace
const ProviderTranslator &anthropicProviderTranslator()
{
    static const Placeholder instance;
    return instance;
}
} // namespace aisbf::translate
