// SPDX-License-Identifier: GPL-3.0-or-later
#include "TestGateway.h"

#include <config/ConfigLoader.h>

#include <QTcpServer>

namespace aisbf::test {

void TestConfig::addProvider(const QString &id, const QUrl &endpoint, const QStringList &models,
                             const QJsonObject &extra)
{
    QJsonArray list;
    for (const QString &model : models)
        list.append(QJsonObject{{QStringLiteral("name"), model}});
    QJsonObject provider{{QStringLiteral("id"), id},
                         {QStringLiteral("name"), id},
                         {QStringLiteral("type"), QStringLiteral("openai")},
                         {QStringLiteral("endpoint"), endpoint.toString()},
                         {QStringLiteral("models"), list}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        provider.insert(it.key(), it.value());
    providers.insert(id, provider);
}

void TestConfig::setModelKeys(const QString &id, const QString &model, const QJsonObject &extra)
{
    QJsonObject provider = providers.value(id).toObject();
    QJsonArray models = provider.value(QLatin1String("models")).toArray();
    for (qsizetype i = 0; i < models.size(); ++i) {
        QJsonObject entry = models.at(i).toObject();
        if (entry.value(QLatin1String("name")).toString() != model)
            continue;
        for (auto it = extra.begin(); it != extra.end(); ++it)
            entry.insert(it.key(), it.value());
        models.replace(i, entry);
    }
    provider.insert(QStringLiteral("models"), models);
    providers.insert(id, provider);
}

void TestConfig::addRotation(const QString &id, const QJsonArray &entries, const QJsonObject &extra)
{
    QJsonObject rotation{{QStringLiteral("model_name"), id},
                         {QStringLiteral("providers"), entries}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        rotation.insert(it.key(), it.value());
    rotations.insert(id, rotation);
}

void TestConfig::set(const QString &section, const QString &key, const QJsonValue &value)
{
    QJsonObject object = server.value(section).toObject();
    object.insert(key, value);
    server.insert(section, object);
}

QJsonObject TestConfig::providersDocument() const
{
    return {{QStringLiteral("providers"), providers}};
}

QJsonObject TestConfig::rotationsDocument() const
{
    return {{QStringLiteral("rotations"), rotations}};
}

QJsonObject rotationEntry(const QString &providerId, const QString &model, double weight,
                          const QJsonObject &extra)
{
    QJsonObject entry{{QStringLiteral("provider_id"), providerId},
                      {QStringLiteral("model"), model},
                      {QStringLiteral("weight"), weight}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        entry.insert(it.key(), it.value());
    return entry;
}

QUrl closedPortUrl()
{
    // Bind a free port, then release it: nothing listens there for the rest of the test.
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    const quint16 port = server.serverPort();
    server.close();
    return QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(port));
}

TestGateway::TestGateway() = default;
TestGateway::~TestGateway() = default;

bool TestGateway::start(const TestConfig &config, bool accessLog)
{
    config::LoadResult loaded;
    if (config.directory.isEmpty()) {
        loaded = config::parseDocuments(config.server, config.providersDocument(),
                                        config.rotationsDocument(), config.autoselect, config.env);
    } else {
        const QList<QJsonObject> documents{config.server, config.providersDocument(),
                                           config.rotationsDocument(), config.autoselect};
        const QStringList names = config::configFileNames();
        for (qsizetype i = 0; i < names.size(); ++i) {
            QString error;
            if (!config::saveDocument(config.directory, names.at(i), documents.at(i), &error)) {
                qWarning("test config: %s", qUtf8Printable(error));
                return false;
            }
        }
        loaded = config::loadConfigDir(config.directory, config.env, false);
    }
    for (const config::Diagnostic &diagnostic : loaded.diagnostics) {
        if (diagnostic.isError())
            qWarning("test config: %s", qUtf8Printable(diagnostic.toString()));
    }
    if (!loaded.ok())
        return false;
    m_gateway = std::make_unique<Gateway>(loaded.config);
    m_gateway->accessLog()->setEnabled(accessLog);
    QString error;
    if (config.database && !m_gateway->enableControlPlane(*config.database, &error)) {
        qWarning("test gateway has no control plane: %s", qUtf8Printable(error));
        m_gateway.reset();
        return false;
    }
    if (!m_gateway->listen(QHostAddress::LocalHost, 0, &error)) {
        qWarning("test gateway cannot listen: %s", qUtf8Printable(error));
        m_gateway.reset();
        return false;
    }
    return true;
}

} // namespace aisbf::test
