// SPDX-License-Identifier: GPL-3.0-or-later
#include "ModelDiscovery.h"

#include "upstream/UpstreamCall.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <memory>

namespace aisbf::dispatch {

namespace {

constexpr int kDefaultTtlSec = 600;
constexpr qsizetype kMaxListingBytes = 8 * 1024 * 1024;

std::chrono::seconds ttlOf(const Candidate &provider)
{
    const QJsonValue ttl = provider.provider->raw.value(QLatin1String("models_cache_ttl"));
    return std::chrono::seconds(ttl.isDouble() && ttl.toDouble() >= 0 ? qint64(ttl.toDouble())
                                                                      : kDefaultTtlSec);
}

QStringList openAiModelNames(const QByteArray &body)
{
    QStringList names;
    for (const QJsonValue &entry :
         QJsonDocument::fromJson(body).object().value(QLatin1String("data")).toArray()) {
        const QString id = entry.toObject().value(QLatin1String("id")).toString();
        if (!id.isEmpty())
            names.append(id);
    }
    return names;
}

} // namespace

/** One listing request; reports to the discovery and deletes itself. */
class ModelDiscovery::Fetch final : public QObject, private upstream::Listener
{
public:
    Fetch(ModelDiscovery *owner, const Candidate &provider)
        : QObject(owner), m_owner(owner), m_providerId(provider.provider->id),
          m_dialect(provider.dialect)
    {
        upstream::Request request;
        request.method = "GET";
        request.origin = provider.origin;
        request.timeouts = provider.timeouts;
        request.headers = {{QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json")}};
        if (m_dialect == translate::ProviderDialect::OpenAi) {
            request.target = provider.outbound.basePath + "/models";
            if (!provider.authorization.isEmpty())
                request.headers.append(
                    {QByteArrayLiteral("Authorization"), provider.authorization});
        } else {
            const translate::OutboundRequest native =
                translate::providerTranslator(m_dialect).modelsRequest(provider.outbound);
            request.target = native.target;
            request.headers.append(native.headers);
        }
        m_call = std::make_unique<upstream::UpstreamCall>(owner->m_client, request,
                                                          static_cast<upstream::Listener *>(this));
    }

    void begin() { m_call->begin(); }

private:
    void upstreamHead(int status, const upstream::HeaderList &) override { m_status = status; }
    void upstreamData(const QByteArray &bytes) override
    {
        if (m_body.size() < kMaxListingBytes)
            m_body.append(bytes);
    }
    void upstreamFinished() override
    {
        if (m_status < 200 || m_status >= 300) {
            report({}, QStringLiteral("the upstream answered HTTP ") + QString::number(m_status));
            return;
        }
        const QStringList models =
            m_dialect == translate::ProviderDialect::OpenAi
                ? openAiModelNames(m_body)
                : translate::providerTranslator(m_dialect).parseModels(m_body);
        if (models.isEmpty())
            report({}, QStringLiteral("the upstream's model listing was empty or unreadable"));
        else
            report(models, {});
    }
    void upstreamFailed(const upstream::Failure &failure) override
    {
        report({}, failure.describe());
    }

    void report(const QStringList &models, const QString &error)
    {
        // The call may be reporting from inside itself: free both once this event returns.
        m_call.release()->deleteLater();
        m_owner->fetched(m_providerId, models, error);
        deleteLater();
    }

    ModelDiscovery *m_owner;
    QString m_providerId;
    translate::ProviderDialect m_dialect;
    std::unique_ptr<upstream::UpstreamCall> m_call;
    int m_status = 0;
    QByteArray m_body;
};

ModelDiscovery::ModelDiscovery(upstream::UpstreamClient *client, QObject *parent)
    : QObject(parent), m_client(client)
{}

ModelDiscovery::~ModelDiscovery() = default;

void ModelDiscovery::models(const Candidate &provider, Callback done)
{
    Entry &entry = m_entries[provider.provider->id];
    if (entry.fetched && Clock::now() - entry.fetchedAt < ttlOf(provider)) {
        done(entry.models, {});
        return;
    }
    entry.waiting.append(std::move(done));
    if (entry.inFlight)
        return;
    entry.inFlight = new Fetch(this, provider);
    entry.inFlight->begin();
}

QStringList ModelDiscovery::cached(const QString &providerId) const
{
    return m_entries.value(providerId).models;
}

void ModelDiscovery::fetched(const QString &providerId, const QStringList &models,
                             const QString &error)
{
    Entry &entry = m_entries[providerId];
    entry.inFlight = nullptr;
    if (error.isEmpty()) {
        entry.models = models;
        entry.fetched = true;
        entry.fetchedAt = Clock::now();
    }
    const QList<Callback> waiting = std::exchange(entry.waiting, {});
    for (const Callback &callback : waiting)
        callback(error.isEmpty() ? models : entry.models, error);
}

} // namespace aisbf::dispatch
