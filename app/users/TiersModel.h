// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <common/ApiListModel.h>

#include <api/AdminData.h>

namespace aisbf::app {

/** Rate-limit tiers (GET/POST/DELETE /api/admin/tiers). Unlimited values read as -1. */
class TiersModel : public ApiListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Session")

public:
    enum Role
    {
        TierIdRole = Qt::UserRole + 1,
        NameRole,
        RequestsPerMinuteRole,
        RequestsPerDayRole,
        RequestsPerMonthRole,
        TokensPerMinuteRole,
        MaxRoutesRole,
    };
    Q_ENUM(Role)

    explicit TiersModel(api::AdminClient *client, QObject *parent = nullptr);

    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void refresh() override;
    void applyTiers(const QJsonObject &body);

    /** Values <= 0 are sent as null (unlimited). */
    Q_INVOKABLE void createTier(const QString &name, int requestsPerMinute, int requestsPerDay,
                                int tokensPerMinute);
    Q_INVOKABLE void removeTier(qint64 tierId);
    /** The name of tier @p tierId, "—" for none (-1), "#id" when unknown. */
    Q_INVOKABLE QString nameOf(int tierId) const;
    /** Names for a ComboBox: "No tier" first, then every tier. */
    Q_INVOKABLE QStringList choiceNames() const;
    /** The tier id of choiceNames()[@p choice], -1 for "No tier". */
    Q_INVOKABLE int choiceId(int choice) const;

protected:
    int rows() const override { return int(m_tiers.size()); }

private:
    QList<api::Tier> m_tiers;
};

} // namespace aisbf::app
