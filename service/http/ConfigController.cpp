// SPDX-License-Identifier: GPL-3.0-or-later
#include "ConfigController.h"

#include "Request.h"

#include "../Gateway.h"
#include "cluster/RedisConfig.h"
#include "control/ConfigSecrets.h"
#include "control/ControlPlane.h"

#include <config/ConfigLoader.h>
#include <store/DatabaseConfig.h>

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

namespace aisbf::http {

namespace {

enum class Document
{
    Server,
    Providers,
    Rotations,
    Autoselect
};

struct DocumentInfo
{
    Document which;
    QString fileName;
};

std::optional<DocumentInfo> documentNamed(const QString &name)
{
    if (name == QLatin1String("server"))
        return DocumentInfo{Document::Server, QStringLiteral("aisbf.json")};
    if (name == QLatin1String("providers"))
        return DocumentInfo{Document::Providers, QStringLiteral("providers.json")};
    if (name == QLatin1String("rotations"))
        return DocumentInfo{Document::Rotations, QStringLiteral("rotations.json")};
    if (name == QLatin1String("autoselect"))
        return DocumentInfo{Document::Autoselect, QStringLiteral("autoselect.json")};
    return std::nullopt;
}

const QJsonObject &documentOf(const config::ConfigSet &set, Document which)
{
    switch (which) {
    case Document::Server:
        return set.serverDocument;
    case Document::Providers:
        return set.providersDocument;
    case Document::Rotations:
        return set.rotationsDocument;
    case Document::Autoselect:
        break;
    }
    return set.autoselectDocument;
}

protocol::OpenAiError unknownDocument(const QString &name)
{
    return {404,
            QStringLiteral("no config document '%1': use server, providers, rotations or "
                           "autoselect")
                .arg(name),
            {},
            QByteArrayLiteral("not_found"),
            {}};
}

QJsonObject diagnosticJson(const config::Diagnostic &d)
{
    return {{QStringLiteral("file"), d.file},
            {QStringLiteral("path"), d.path},
            {QStringLiteral("severity"),
             d.isError() ? QStringLiteral("error") : QStringLiteral("warning")},
            {QStringLiteral("message"), d.message}};
}

// 422 in OpenAI's error shape plus every problem, each with its file and JSON pointer.
void sendInvalid(ClientResponse &response, const QString &fileName,
                 const config::Diagnostics &diagnostics)
{
    QJsonArray list;
    int errors = 0;
    for (const config::Diagnostic &d : diagnostics) {
        list.append(diagnosticJson(d));
        errors += d.isError() ? 1 : 0;
    }
    const QString message = QStringLiteral("%1 was not applied: %2 problem%3 (see diagnostics)")
                                .arg(fileName)
                                .arg(errors)
                                .arg(errors == 1 ? QString() : QStringLiteral("s"));
    const QJsonObject body{
        {QStringLiteral("error"),
         QJsonObject{{QStringLiteral("message"), message},
                     {QStringLiteral("type"), QStringLiteral("invalid_request_error")},
                     {QStringLiteral("code"), QStringLiteral("config_invalid")},
                     {QStringLiteral("param"), QJsonValue::Null}}},
        {QStringLiteral("diagnostics"), list}};
    response.sendJson(422, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

QByteArray etagOf(int version)
{
    return '"' + QByteArray::number(version) + '"';
}

} // namespace

void ConfigController::get(const QString &name, ClientResponse &&response)
{
    const std::optional<DocumentInfo> info = documentNamed(name);
    if (!info) {
        response.sendError(unknownDocument(name));
        return;
    }
    const config::ConfigSnapshot current = m_gateway.config();
    response.addHeader("ETag", etagOf(m_gateway.configVersion()));
    response.sendJson(200,
                      QJsonDocument(control::secrets::masked(documentOf(*current, info->which)))
                          .toJson(QJsonDocument::Indented));
}

void ConfigController::put(const QString &name, const Request &request, ClientResponse &&response)
{
    const std::optional<DocumentInfo> info = documentNamed(name);
    if (!info) {
        response.sendError(unknownDocument(name));
        return;
    }
    QJsonParseError parseError{};
    const QJsonDocument body = QJsonDocument::fromJson(request.body(), &parseError);
    if (!body.isObject()) {
        response.sendError({400,
                            QStringLiteral("the body must be the whole %1 document, a JSON object")
                                .arg(info->fileName),
                            {},
                            QByteArrayLiteral("invalid_request"),
                            {}});
        return;
    }
    const QByteArray ifMatch = request.value("if-match");
    if (!ifMatch.isEmpty() && ifMatch != "*" && ifMatch != etagOf(m_gateway.configVersion())) {
        response.addHeader("ETag", etagOf(m_gateway.configVersion()));
        response.sendError({412,
                            QStringLiteral("the config changed since you read it (now version "
                                           "%1): read it again and re-apply your change")
                                .arg(m_gateway.configVersion()),
                            {},
                            QByteArrayLiteral("config_changed"),
                            {}});
        return;
    }

    const config::ConfigSnapshot current = m_gateway.config();
    QStringList unmatched;
    const QJsonObject incoming =
        control::secrets::unmasked(body.object(), documentOf(*current, info->which), &unmatched);
    config::Diagnostics diagnostics;
    for (const QString &path : std::as_const(unmatched)) {
        diagnostics.append({config::Diagnostic::Severity::Error, info->fileName, path,
                            QStringLiteral("this masked secret matches no current value here; "
                                           "send the secret itself (or a \"$VAR\" reference)")});
    }

    const auto pick = [&](Document which) {
        return which == info->which ? incoming : documentOf(*current, which);
    };
    const config::LoadResult parsed = config::parseDocuments(
        pick(Document::Server), pick(Document::Providers), pick(Document::Rotations),
        pick(Document::Autoselect), QProcessEnvironment::systemEnvironment());
    diagnostics += parsed.diagnostics;
    if (info->which == Document::Server) {
        store::DatabaseConfig::fromServerJson(incoming, current->directory, QDir::homePath(),
                                              diagnostics);
        if (parsed.ok() && parsed.config->server.cacheType == QLatin1String("redis"))
            cluster::RedisConfig::fromServerJson(incoming, QProcessEnvironment::systemEnvironment(),
                                                 diagnostics);
    }
    if (!parsed.ok() || config::hasErrors(diagnostics)) {
        sendInvalid(response, info->fileName, diagnostics);
        return;
    }

    const QUrlQuery query = request.query();
    const QString dryRun = query.queryItemValue(QStringLiteral("dry_run"));
    const bool validateOnly = query.hasQueryItem(QStringLiteral("dry_run")) &&
                              dryRun != QLatin1String("false") && dryRun != QLatin1String("0");
    if (validateOnly) {
        QJsonArray warnings;
        for (const config::Diagnostic &d : std::as_const(diagnostics))
            warnings.append(diagnosticJson(d));
        response.sendJson(200, QJsonDocument(QJsonObject{{QStringLiteral("valid"), true},
                                                         {QStringLiteral("diagnostics"), warnings}})
                                   .toJson(QJsonDocument::Compact));
        return;
    }

    QString error;
    if (!config::saveDocument(current->directory, info->fileName, incoming, &error)) {
        response.sendError({500, error, {}, QByteArrayLiteral("config_write_failed"), {}});
        return;
    }
    auto next = std::make_shared<config::ConfigSet>(*parsed.config);
    next->directory = current->directory;
    const QStringList restartRequired = m_gateway.applyConfig(next, name);
    if (control::ControlPlane *plane = m_gateway.controlPlane())
        plane->record(response.record().principal, QStringLiteral("config.save"), info->fileName,
                      QStringLiteral("version %1").arg(m_gateway.configVersion()));
    response.addHeader("ETag", etagOf(m_gateway.configVersion()));
    response.sendJson(
        200, QJsonDocument(QJsonObject{{QStringLiteral("applied"), true},
                                       {QStringLiteral("document"), name},
                                       {QStringLiteral("version"), m_gateway.configVersion()},
                                       {QStringLiteral("restart_required"),
                                        QJsonArray::fromStringList(restartRequired)}})
                 .toJson(QJsonDocument::Compact));
}

} // namespace aisbf::http
