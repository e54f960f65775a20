// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "RouteTable.h"

#include <QHash>
#include <QObject>
#include <QStringList>

#include <chrono>
#include <functional>

namespace aisbf::upstream {
class UpstreamClient;
}

namespace aisbf::dispatch {

/**
 * Model names of providers whose "models" list is empty, asked of the upstream itself
 * (OpenAI and Anthropic GET /v1/models, Gemini GET /v1beta/models, Ollama GET /api/tags) and
 * cached per provider for "models_cache_ttl" seconds (default 600). One listing request is in
 * flight per provider at a time; callers that ask meanwhile wait for it.
 */
class ModelDiscovery : public QObject
{
    Q_OBJECT

public:
    using Clock = std::chrono::steady_clock;
    using Callback = std::function<void(const QStringList &models, const QString &error)>;

    explicit ModelDiscovery(upstream::UpstreamClient *client, QObject *parent = nullptr);
    ~ModelDiscovery() override;

    /** The provider's models: from the cache when fresh, else fetched. @p done runs once. */
    void models(const Candidate &provider, Callback done);
    /** Whatever was last fetched (fresh or not); empty if never. Never blocks. */
    QStringList cached(const QString &providerId) const;

private:
    class Fetch;
    struct Entry
    {
        QStringList models;
        Clock::time_point fetchedAt{};
        bool fetched = false;
        Fetch *inFlight = nullptr;
        QList<Callback> waiting;
    };

    void fetched(const QString &providerId, const QStringList &models, const QString &error);

    upstream::UpstreamClient *m_client;
    QHash<QString, Entry> m_entries;
};

} // namespace aisbf::dispatch
