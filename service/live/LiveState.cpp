// SPDX-License-Identifier: GPL-3.0-or-later
#include "LiveState.h"

#include "EventHub.h"
#include "http/ClientResponse.h"

#include <QJsonArray>
#include <QTimerEvent>

#include <algorithm>
#include <limits>

namespace aisbf::live {

namespace {

constexpr int kRateWindowSec = 10; ///< requests_per_s averages over this many seconds
/// requests_per_s_history: the rate as it was each second, oldest first. A 10 s average needs
/// 10 of the counter's 60 one-second slots, so 50 points are the most it can rebuild.
constexpr int kHistoryPoints = 50;
constexpr std::size_t kRecentErrors = 50;
constexpr std::size_t kLatencySamples = 4096;
constexpr qsizetype kMaxTrackedKeys = 10'000; ///< bounds memory against made-up route names

QString isoUtc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

double rounded(double value)
{
    return std::round(value * 100) / 100;
}

/** Microseconds as milliseconds with three decimals (a proxied loopback request is ~0.1 ms). */
double millisecondsOf(qint64 microseconds)
{
    return double(microseconds) / 1000.0;
}

} // namespace

LiveState::LiveState(EventHub *events, QObject *parent) : QObject(parent), m_events(events)
{
    m_recent.resize(kRecentErrors);
    m_latency.resize(kLatencySamples);
    m_tick.start(1000, this);
}

qint64 LiveState::nowSec()
{
    using namespace std::chrono;
    return duration_cast<seconds>(Clock::now().time_since_epoch()).count();
}

RateCounter &LiveState::counter(QHash<QString, RateCounter> &table, const QString &key)
{
    static RateCounter overflow; // past the cap, counts go nowhere visible
    auto it = table.find(key);
    if (it != table.end())
        return *it;
    if (table.size() >= kMaxTrackedKeys)
        return overflow;
    return table[key];
}

void LiveState::requestFinished(const http::AccessRecord &record)
{
    using namespace std::chrono;
    const qint64 now = nowSec();
    m_requests.add(now);
    if (!record.route.isEmpty())
        counter(m_byRoute, record.route).add(now);
    if (!record.via.isEmpty()) // an autoselect's request is traffic of the route it chose too
        counter(m_byRoute, record.via).add(now);
    if (!record.provider.isEmpty()) {
        counter(m_byProvider, record.provider).add(now);
        counter(m_byModel, record.provider + u'/' + record.model).add(now);
    }
    const auto latencyUs =
        std::clamp<qint64>(duration_cast<microseconds>(Clock::now() - record.start).count(), 0,
                           std::numeric_limits<quint32>::max());
    m_latency[m_latencyNext] = {now, quint32(latencyUs)};
    m_latencyNext = (m_latencyNext + 1) % m_latency.size();
    const bool failed = record.status >= 400;
    if (failed) {
        m_errors.add(now);
        addRecent({QDateTime::currentMSecsSinceEpoch(), record.route, record.provider, record.model,
                   record.status, QStringLiteral("answered %1").arg(record.status)});
    }
    if (!m_events || !m_events->hasSubscribers())
        return;
    QJsonValue ttft = QJsonValue::Null;
    if (record.firstByte != Clock::time_point{})
        ttft = millisecondsOf(duration_cast<microseconds>(record.firstByte - record.start).count());
    m_events->publish("request",
                      {{QStringLiteral("ts"), isoUtc(QDateTime::currentMSecsSinceEpoch())},
                       {QStringLiteral("route"), record.route},
                       {QStringLiteral("provider"), record.provider},
                       {QStringLiteral("model"), record.model},
                       {QStringLiteral("status"), record.status},
                       {QStringLiteral("latency_ms"), millisecondsOf(latencyUs)},
                       {QStringLiteral("ttft_ms"), ttft},
                       {QStringLiteral("user"), record.principal.username}});
}

void LiveState::attemptFailed(const QString &key, Clock::time_point until, const QString &reason)
{
    counter(m_failuresByModel, key).add(nowSec());
    const qsizetype slash = key.indexOf(u'/');
    const QString provider = key.left(slash);
    const QString model = key.mid(slash + 1);
    addRecent({QDateTime::currentMSecsSinceEpoch(), QString(), provider, model, 0, reason});
    if (until == Clock::time_point{})
        return;
    const bool already = m_cooling.contains(key);
    m_cooling.insert(key, until);
    if (already || !m_events)
        return;
    const qint64 untilMs =
        QDateTime::currentMSecsSinceEpoch() +
        std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
    m_events->publish("cooldown", {{QStringLiteral("provider"), provider},
                                   {QStringLiteral("model"), model},
                                   {QStringLiteral("state"), QStringLiteral("started")},
                                   {QStringLiteral("until"), isoUtc(untilMs)},
                                   {QStringLiteral("reason"), reason}});
}

void LiveState::addRecent(Recent recent)
{
    m_recent[m_recentNext] = std::move(recent);
    m_recentNext = (m_recentNext + 1) % m_recent.size();
}

qint64 LiveState::cooldownLeftSec(const QString &key) const
{
    const auto it = m_cooling.constFind(key);
    if (it == m_cooling.cend())
        return 0;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*it - Clock::now());
    return left.count() <= 0 ? 0 : (left.count() + 999) / 1000;
}

QString LiveState::stateOf(const QString &modelKey, qint64 now) const
{
    if (cooldownLeftSec(modelKey) > 0)
        return QStringLiteral("cooling");
    const auto it = m_failuresByModel.constFind(modelKey);
    if (it != m_failuresByModel.cend() && it->sum(now, 60) > 0)
        return QStringLiteral("failing");
    return QStringLiteral("ok");
}

void LiveState::announceEndedCooldowns()
{
    const Clock::time_point now = Clock::now();
    for (auto it = m_cooling.begin(); it != m_cooling.end();) {
        if (*it > now) {
            ++it;
            continue;
        }
        const QString key = it.key();
        it = m_cooling.erase(it);
        if (!m_events)
            continue;
        const qsizetype slash = key.indexOf(u'/');
        m_events->publish("cooldown", {{QStringLiteral("provider"), key.left(slash)},
                                       {QStringLiteral("model"), key.mid(slash + 1)},
                                       {QStringLiteral("state"), QStringLiteral("ended")},
                                       {QStringLiteral("until"), QJsonValue::Null},
                                       {QStringLiteral("reason"), QString()}});
    }
}

QJsonObject LiveState::nodeJson() const
{
    const Load current = load();
    const qint64 now = nowSec();
    std::vector<quint32> window;
    window.reserve(m_latency.size());
    for (const LatencySample &sample : m_latency) {
        if (sample.second > 0 && sample.second > now - 60)
            window.push_back(sample.latencyUs);
    }
    const auto percentile = [&window](double p) -> QJsonValue {
        if (window.empty())
            return QJsonValue::Null;
        const std::size_t at = std::min(window.size() - 1, std::size_t(p * double(window.size())));
        std::nth_element(window.begin(), window.begin() + qsizetype(at), window.end());
        return millisecondsOf(window[at]);
    };
    const quint64 requests = m_requests.sum(now, 60);
    const quint64 errors = m_errors.sum(now, 60);
    // What the `stats` events said each second: a client that connects now can draw the last
    // minute instead of starting from an empty chart.
    QJsonArray history;
    for (qint64 second = now - kHistoryPoints + 1; second <= now; ++second)
        history.append(rounded(m_requests.perSecond(second, kRateWindowSec)));
    const qint64 startedMs = m_node.startedAt.toMSecsSinceEpoch();
    return {
        {QStringLiteral("id"), m_node.id},
        {QStringLiteral("host"), m_node.host},
        {QStringLiteral("port"), m_node.port},
        {QStringLiteral("version"), m_node.version},
        {QStringLiteral("started_at"), isoUtc(startedMs)},
        {QStringLiteral("uptime_s"),
         double((QDateTime::currentMSecsSinceEpoch() - startedMs) / 1000)},
        {QStringLiteral("active_requests"), current.requests},
        {QStringLiteral("active_streams"), current.streams},
        {QStringLiteral("requests_per_s"), rounded(m_requests.perSecond(now, kRateWindowSec))},
        {QStringLiteral("requests_per_s_history"), history},
        {QStringLiteral("error_rate"), requests ? rounded(double(errors) / double(requests)) : 0.0},
        {QStringLiteral("latency_p50_ms"), percentile(0.50)},
        {QStringLiteral("latency_p99_ms"), percentile(0.99)},
        {QStringLiteral("last_heartbeat"), isoUtc(QDateTime::currentMSecsSinceEpoch())}};
}

QJsonObject LiveState::stateJson(const config::ConfigSet &config) const
{
    const qint64 now = nowSec();
    const auto rate = [now](const QHash<QString, RateCounter> &table, const QString &key) {
        const auto it = table.constFind(key);
        return it == table.cend() ? 0.0 : rounded(it->perSecond(now, kRateWindowSec));
    };
    const auto rank = [](const QString &state) {
        return state == QLatin1String("cooling") ? 2 : state == QLatin1String("failing") ? 1 : 0;
    };

    QJsonArray providers;
    QStringList providerIds = config.providers.keys();
    providerIds.sort();
    for (const QString &id : std::as_const(providerIds)) {
        const config::ProviderConfig &provider = config.providers[id];
        QJsonArray models;
        QString worst = QStringLiteral("ok");
        for (const config::ModelConfig &model : provider.models) {
            const QString key = id + u'/' + model.name;
            const QString state = stateOf(key, now);
            if (rank(state) > rank(worst))
                worst = state;
            const qint64 left = cooldownLeftSec(key);
            const auto failures = m_failuresByModel.constFind(key);
            models.append(QJsonObject{
                {QStringLiteral("name"), model.name},
                {QStringLiteral("state"), state},
                {QStringLiteral("cooldown_remaining_s"),
                 left > 0 ? QJsonValue(double(left)) : QJsonValue(QJsonValue::Null)},
                {QStringLiteral("requests_per_s"), rate(m_byModel, key)},
                {QStringLiteral("errors_last_min"),
                 failures == m_failuresByModel.cend() ? 0.0 : double(failures->sum(now, 60))}});
        }
        providers.append(QJsonObject{{QStringLiteral("id"), id},
                                     {QStringLiteral("type"), provider.type},
                                     {QStringLiteral("state"), worst},
                                     {QStringLiteral("requests_per_s"), rate(m_byProvider, id)},
                                     {QStringLiteral("models"), models}});
    }

    QJsonArray rotations;
    QStringList rotationIds = config.rotations.keys();
    rotationIds.sort();
    for (const QString &id : std::as_const(rotationIds)) {
        QJsonArray entries;
        for (const config::RotationEntry &entry : config.rotations[id].entries) {
            const QString key = entry.providerId + u'/' + entry.model;
            entries.append(QJsonObject{{QStringLiteral("provider"), entry.providerId},
                                       {QStringLiteral("model"), entry.model},
                                       {QStringLiteral("weight"), entry.weight},
                                       {QStringLiteral("state"), stateOf(key, now)},
                                       {QStringLiteral("requests_per_s"), rate(m_byModel, key)}});
        }
        rotations.append(QJsonObject{
            {QStringLiteral("id"), id},
            {QStringLiteral("requests_per_s"), rate(m_byRoute, QStringLiteral("rotation/") + id)},
            {QStringLiteral("entries"), entries}});
    }

    QJsonArray autoselects;
    QStringList autoselectIds = config.autoselects.keys();
    autoselectIds.sort();
    for (const QString &id : std::as_const(autoselectIds)) {
        autoselects.append(QJsonObject{{QStringLiteral("id"), id},
                                       {QStringLiteral("requests_per_s"),
                                        rate(m_byRoute, QStringLiteral("autoselect/") + id)}});
    }

    QJsonArray recent;
    for (std::size_t i = 1; i <= m_recent.size(); ++i) {
        const Recent &r = m_recent[(m_recentNext + m_recent.size() - i) % m_recent.size()];
        if (r.tsMs == 0)
            break;
        recent.append(QJsonObject{{QStringLiteral("ts"), isoUtc(r.tsMs)},
                                  {QStringLiteral("route"), r.route},
                                  {QStringLiteral("provider"), r.provider},
                                  {QStringLiteral("model"), r.model},
                                  {QStringLiteral("status"), r.status},
                                  {QStringLiteral("reason"), r.reason}});
    }

    QList<QPair<double, QString>> busiest;
    for (auto it = m_byRoute.cbegin(); it != m_byRoute.cend(); ++it) {
        const double perSecond = it->perSecond(now, kRateWindowSec);
        if (perSecond > 0)
            busiest.append({perSecond, it.key()});
    }
    std::sort(busiest.begin(), busiest.end(), [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    QJsonArray top;
    for (qsizetype i = 0; i < busiest.size() && i < 10; ++i) {
        top.append(QJsonObject{{QStringLiteral("route"), busiest[i].second},
                               {QStringLiteral("requests_per_s"), rounded(busiest[i].first)}});
    }

    return {{QStringLiteral("node"), nodeJson()},      {QStringLiteral("providers"), providers},
            {QStringLiteral("rotations"), rotations},  {QStringLiteral("autoselects"), autoselects},
            {QStringLiteral("recent_errors"), recent}, {QStringLiteral("top_routes"), top}};
}

QJsonObject LiveState::statsJson() const
{
    const Load current = load();
    const qint64 now = nowSec();
    QJsonObject routes;
    for (auto it = m_byRoute.cbegin(); it != m_byRoute.cend(); ++it) {
        const double perSecond = it->perSecond(now, kRateWindowSec);
        if (perSecond > 0)
            routes.insert(it.key(), rounded(perSecond));
    }
    for (auto it = m_byModel.cbegin(); it != m_byModel.cend(); ++it) {
        const double perSecond = it->perSecond(now, kRateWindowSec);
        if (perSecond > 0)
            routes.insert(it.key(), rounded(perSecond));
    }
    return {{QStringLiteral("requests_per_s"), rounded(m_requests.perSecond(now, kRateWindowSec))},
            {QStringLiteral("active_requests"), current.requests},
            {QStringLiteral("active_streams"), current.streams},
            {QStringLiteral("routes"), routes}};
}

void LiveState::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_tick.timerId())
        return QObject::timerEvent(event);
    announceEndedCooldowns();
    if (m_events && m_events->hasSubscribers())
        m_events->publish("stats", statsJson());
}

} // namespace aisbf::live
