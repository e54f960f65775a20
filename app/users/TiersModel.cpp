// SPDX-License-Identifier: GPL-3.0-or-later
#include "TiersModel.h"

#include <api/AdminClient.h>

#include <QJsonArray>

namespace aisbf::app {

namespace {

QVariant limit(const std::optional<qint64> &value)
{
    return value ? *value : qint64(-1);
}

QJsonValue limitJson(int value)
{
    return value > 0 ? QJsonValue(value) : QJsonValue();
}

} // namespace

TiersModel::TiersModel(api::AdminClient *client, QObject *parent) : ApiListModel(client, parent) {}

QVariant TiersModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const api::Tier &t = m_tiers.at(index.row());
    switch (role) {
    case TierIdRole:
        return t.id;
    case NameRole:
        return t.name;
    case RequestsPerMinuteRole:
        return limit(t.requestsPerMinute);
    case RequestsPerDayRole:
        return limit(t.requestsPerDay);
    case RequestsPerMonthRole:
        return limit(t.requestsPerMonth);
    case TokensPerMinuteRole:
        return limit(t.tokensPerMinute);
    case MaxRoutesRole:
        return limit(t.maxRoutes);
    default:
        return {};
    }
}

QHash<int, QByteArray> TiersModel::roleNames() const
{
    return {{TierIdRole, "tierId"},
            {NameRole, "name"},
            {RequestsPerMinuteRole, "requestsPerMinute"},
            {RequestsPerDayRole, "requestsPerDay"},
            {RequestsPerMonthRole, "requestsPerMonth"},
            {TokensPerMinuteRole, "tokensPerMinute"},
            {MaxRoutesRole, "maxRoutes"}};
}

void TiersModel::refresh()
{
    if (!client())
        return;
    setLoading(true);
    client()->call("GET", QStringLiteral("/api/admin/tiers"), {}, this,
                   [this](const api::ApiResponse &r) {
                       if (r.ok())
                           applyTiers(r.object());
                       takeResponse(r);
                   });
}

void TiersModel::applyTiers(const QJsonObject &body)
{
    QList<api::Tier> tiers;
    const QJsonArray array = body.value(QLatin1String("data")).toArray();
    for (const QJsonValue &v : array)
        tiers.append(api::Tier::fromJson(v.toObject()));
    resetRows([&] { m_tiers = tiers; });
}

void TiersModel::createTier(const QString &name, int requestsPerMinute, int requestsPerDay,
                            int tokensPerMinute)
{
    if (!client())
        return;
    const QJsonObject body{{QStringLiteral("name"), name},
                           {QStringLiteral("requests_per_minute"), limitJson(requestsPerMinute)},
                           {QStringLiteral("requests_per_day"), limitJson(requestsPerDay)},
                           {QStringLiteral("tokens_per_minute"), limitJson(tokensPerMinute)}};
    client()->call("POST", QStringLiteral("/api/admin/tiers"), body, this,
                   [this, name](const api::ApiResponse &r) {
                       Q_EMIT actionFinished(r.ok(),
                                             r.ok() ? QStringLiteral("Tier %1 created").arg(name)
                                                    : r.error.message);
                       if (r.ok())
                           refresh();
                   });
}

void TiersModel::removeTier(qint64 tierId)
{
    if (!client())
        return;
    client()->call("DELETE", QStringLiteral("/api/admin/tiers/%1").arg(tierId), {}, this,
                   [this](const api::ApiResponse &r) {
                       Q_EMIT actionFinished(r.ok(), r.ok() ? QStringLiteral("Tier deleted")
                                                            : r.error.message);
                       if (r.ok())
                           refresh();
                   });
}

QString TiersModel::nameOf(int tierId) const
{
    if (tierId < 0)
        return QStringLiteral("—");
    for (const auto &t : m_tiers) {
        if (t.id == tierId)
            return t.name;
    }
    return QStringLiteral("#%1").arg(tierId);
}

QStringList TiersModel::choiceNames() const
{
    QStringList names{QStringLiteral("No tier")};
    for (const auto &t : m_tiers)
        names.append(t.name);
    return names;
}

int TiersModel::choiceId(int choice) const
{
    return choice >= 1 && choice <= m_tiers.size() ? int(m_tiers.at(choice - 1).id) : -1;
}

} // namespace aisbf::app
