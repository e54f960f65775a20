// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <Gateway.h>
#include <store/DatabaseConfig.h>

#include <QJsonArray>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QUrl>

#include <memory>

namespace aisbf::test {

/**
 * The four config documents of a test gateway, built in code. Providers are OpenAI-type and
 * point at a MockUpstream's baseUrl() (or at closedPortUrl() to be refused).
 */
struct TestConfig
{
    QJsonObject server;    ///< aisbf.json
    QJsonObject providers; ///< the "providers" map of providers.json
    QJsonObject rotations; ///< the "rotations" map of rotations.json
    QJsonObject autoselect;
    QProcessEnvironment env;
    /** When set, the gateway opens its control plane (users, tokens, usage) on it. */
    std::optional<store::DatabaseConfig> database;
    /**
     * When set, the four documents are written to this directory and the gateway loads them
     * from there as aisbf-gateway does, so the admin API's config writes land in it. Empty:
     * the config lives in memory only (ConfigSet::directory is empty).
     */
    QString directory;

    /** @p models are names; @p extra keys (api_key, default_error_cooldown, ...) are merged. */
    void addProvider(const QString &id, const QUrl &endpoint, const QStringList &models,
                     const QJsonObject &extra = {});
    /** Merges @p extra into the model entry @p model of provider @p id. */
    void setModelKeys(const QString &id, const QString &model, const QJsonObject &extra);
    void addRotation(const QString &id, const QJsonArray &entries, const QJsonObject &extra = {});
    /** Sets aisbf.json's @p section.@p key, e.g. ("limits", "client_timeout", 0.5). */
    void set(const QString &section, const QString &key, const QJsonValue &value);

    QJsonObject providersDocument() const;
    QJsonObject rotationsDocument() const;
};

/** A guide-shaped rotation entry {"provider_id", "model", "weight"} plus @p extra keys. */
QJsonObject rotationEntry(const QString &providerId, const QString &model, double weight = 1,
                          const QJsonObject &extra = {});

/** An http endpoint on a loopback port nothing listens on: connecting is refused. */
QUrl closedPortUrl();

/** Latin-1 literal to QString (the tree builds with QT_NO_CAST_FROM_ASCII). */
inline QString s(const char *text)
{
    return QString::fromLatin1(text);
}

/** A Gateway on 127.0.0.1, port 0, built from a TestConfig. */
class TestGateway
{
public:
    TestGateway();
    ~TestGateway();

    /** Loads @p config and listens; false (with the problems logged) when either fails. */
    bool start(const TestConfig &config, bool accessLog = false);
    Gateway *operator->() const { return m_gateway.get(); }
    Gateway *get() const { return m_gateway.get(); }
    quint16 port() const { return m_gateway ? m_gateway->port() : 0; }

private:
    std::unique_ptr<Gateway> m_gateway;
};

} // namespace aisbf::test
