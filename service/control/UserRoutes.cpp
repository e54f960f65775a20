// SPDX-License-Identifier: GPL-3.0-or-later
#include "UserRoutes.h"

#include "ConfigSecrets.h"
#include "dispatch/RouteTable.h"

#include <auth/SecretBox.h>
#include <config/ConfigLoader.h>

#include <QProcessEnvironment>

namespace aisbf::control {

namespace {

constexpr auto kCacheFor = std::chrono::seconds(1);

protocol::OpenAiError apiError(int status, const QString &message, const char *code)
{
    return {status, message, {}, QByteArray(code), {}};
}

QString storeKind(UserRoutes::Kind kind)
{
    switch (kind) {
    case UserRoutes::Kind::Providers:
        return QStringLiteral("provider");
    case UserRoutes::Kind::Rotations:
        return QStringLiteral("rotation");
    case UserRoutes::Kind::Autoselects:
        break;
    }
    return QStringLiteral("autoselect");
}

// The key that wraps the routes in the file shape ({"providers": {...}}); none for autoselect.
QLatin1String wrapperKey(UserRoutes::Kind kind)
{
    switch (kind) {
    case UserRoutes::Kind::Providers:
        return QLatin1String("providers");
    case UserRoutes::Kind::Rotations:
        return QLatin1String("rotations");
    case UserRoutes::Kind::Autoselects:
        break;
    }
    return QLatin1String();
}

QJsonObject routesOf(const QJsonObject &document, UserRoutes::Kind kind)
{
    const QLatin1String wrapper = wrapperKey(kind);
    return wrapper.isEmpty() ? document : document.value(wrapper).toObject();
}

QJsonObject wrap(const QJsonObject &routes, UserRoutes::Kind kind)
{
    const QLatin1String wrapper = wrapperKey(kind);
    return wrapper.isEmpty() ? routes : QJsonObject{{wrapper, routes}};
}

QByteArray associatedData(qint64 userId)
{
    return "user:" + QByteArray::number(userId);
}

} // namespace

std::optional<UserRoutes::Kind> UserRoutes::kindNamed(const QString &name)
{
    if (name == QLatin1String("providers"))
        return Kind::Providers;
    if (name == QLatin1String("rotations"))
        return Kind::Rotations;
    if (name == QLatin1String("autoselects"))
        return Kind::Autoselects;
    return std::nullopt;
}

UserRoutes::UserRoutes(store::UserRouteStore store, QString keyFile)
    : m_store(store), m_keyFile(std::move(keyFile))
{}

UserRoutes::~UserRoutes() = default;

const auth::SecretBox *UserRoutes::box(protocol::OpenAiError *error)
{
    if (m_box)
        return m_box.get();
    if (m_keyFile.isEmpty()) {
        *error = apiError(500,
                          QStringLiteral("user provider keys need the server key, kept in the "
                                         "config directory, and this gateway runs without one"),
                          "server_key_unavailable");
        return nullptr;
    }
    auto opened = auth::SecretBox::fromKeyFile(m_keyFile);
    if (!opened.ok()) {
        *error = apiError(500,
                          QStringLiteral("user provider keys need the server key: ") +
                              opened.error().message,
                          "server_key_unavailable");
        return nullptr;
    }
    m_box = std::make_unique<auth::SecretBox>(opened.value());
    return m_box.get();
}

std::variant<UserRoutes::Documents, protocol::OpenAiError> UserRoutes::load(qint64 userId,
                                                                            bool skipUnreadableKeys)
{
    auto rows = m_store.list(userId);
    if (!rows)
        return apiError(500, rows.error().toString(), "store_error");
    QJsonObject providers, rotations, autoselect;
    for (const store::UserRoute &route : rows.value()) {
        QJsonObject document = route.document;
        if (route.kind == QLatin1String("provider")) {
            const QString sealed = document.value(QLatin1String("api_key")).toString();
            if (auth::SecretBox::isSealed(sealed)) {
                protocol::OpenAiError error;
                const auth::SecretBox *secrets = box(&error);
                if (!secrets)
                    return error;
                auto plain = secrets->open(sealed, associatedData(userId));
                if (!plain.ok() && skipUnreadableKeys) {
                    // Unusable anyway; a masked value sent back for it matches nothing, so the
                    // save asks for the key itself.
                    document.remove(QStringLiteral("api_key"));
                    providers.insert(route.routeId, document);
                    continue;
                }
                if (!plain.ok())
                    return apiError(500,
                                    QStringLiteral("the API key of user provider '%1' cannot be "
                                                   "opened with the server key (%2); set it again")
                                        .arg(route.routeId, plain.error().message),
                                    "server_key_mismatch");
                document.insert(QStringLiteral("api_key"), QString::fromUtf8(plain.value()));
            }
            providers.insert(route.routeId, document);
        } else if (route.kind == QLatin1String("rotation")) {
            rotations.insert(route.routeId, document);
        } else {
            autoselect.insert(route.routeId, document);
        }
    }
    return Documents{wrap(providers, Kind::Providers), wrap(rotations, Kind::Rotations),
                     autoselect};
}

std::variant<QJsonObject, protocol::OpenAiError> UserRoutes::document(qint64 userId, Kind kind)
{
    auto loaded = load(userId);
    if (auto *error = std::get_if<protocol::OpenAiError>(&loaded))
        return *error;
    const Documents &documents = std::get<Documents>(loaded);
    const QJsonObject &document = kind == Kind::Providers   ? documents.providers
                                  : kind == Kind::Rotations ? documents.rotations
                                                            : documents.autoselect;
    return secrets::masked(document);
}

UserRoutes::Outcome UserRoutes::replace(qint64 userId, const QString &username, Kind kind,
                                        const QJsonObject &document,
                                        const config::ConfigSet &global,
                                        std::optional<qint64> maxRoutes)
{
    Outcome outcome;
    auto loaded = load(userId, true);
    if (auto *error = std::get_if<protocol::OpenAiError>(&loaded)) {
        outcome.error = *error;
        return outcome;
    }
    Documents documents = std::get<Documents>(loaded);
    QJsonObject &target = kind == Kind::Providers   ? documents.providers
                          : kind == Kind::Rotations ? documents.rotations
                                                    : documents.autoselect;
    const QString file =
        QStringLiteral("user %1 %2")
            .arg(username, QLatin1String(kind == Kind::Providers   ? "providers"
                                         : kind == Kind::Rotations ? "rotations"
                                                                   : "autoselects"));
    QStringList unmatched;
    target = secrets::unmasked(document, target, &unmatched);
    for (const QString &path : std::as_const(unmatched)) {
        outcome.diagnostics.append({config::Diagnostic::Severity::Error, file, path,
                                    QStringLiteral("this masked key matches no current key here; "
                                                   "send the key itself")});
    }
    const QJsonObject routes = routesOf(target, kind);
    const QLatin1String wrapper = wrapperKey(kind);
    for (auto it = routes.begin(); it != routes.end(); ++it) {
        // The user_routes.route_id column holds 255 characters (VARCHAR(255) on MariaDB).
        if (it.key().size() > 255)
            outcome.diagnostics.append(
                {config::Diagnostic::Severity::Error, file,
                 (wrapper.isEmpty() ? QString() : QString(u'/' + wrapper)) + u'/' + it.key(),
                 QStringLiteral("a route id may have at most 255 characters; this one has %1, "
                                "use a shorter one")
                     .arg(it.key().size())});
    }
    if (kind == Kind::Providers) {
        for (auto it = routes.begin(); it != routes.end(); ++it) {
            if (it.value().toObject().value(QLatin1String("api_key")).toString().startsWith(u'$'))
                outcome.diagnostics.append(
                    {config::Diagnostic::Severity::Error, file,
                     QStringLiteral("/providers/%1/api_key").arg(it.key()),
                     QStringLiteral("user providers cannot read the server's environment "
                                    "(\"$VAR\"); put the key itself (it is stored encrypted)")});
        }
    }

    const config::LoadResult parsed =
        config::parseDocuments(global.serverDocument, documents.providers, documents.rotations,
                               documents.autoselect, QProcessEnvironment());
    for (config::Diagnostic d : parsed.diagnostics) {
        d.file = file; // the user's documents, not the server's files
        outcome.diagnostics.append(d);
    }
    if (!parsed.ok() || config::hasErrors(outcome.diagnostics)) {
        outcome.error = apiError(
            422, QStringLiteral("%1 were not saved: see diagnostics").arg(file), "config_invalid");
        return outcome;
    }

    if (maxRoutes) {
        auto others = m_store.countOtherKinds(userId, storeKind(kind));
        if (!others) {
            outcome.error = apiError(500, others.error().toString(), "store_error");
            return outcome;
        }
        if (others.value() + routes.size() > *maxRoutes) {
            outcome.error = apiError(
                422,
                QStringLiteral("the user's tier allows %1 routes in all; this would make %2. "
                               "Remove routes or raise the tier's max_routes")
                    .arg(*maxRoutes)
                    .arg(others.value() + routes.size()),
                "route_limit");
            return outcome;
        }
    }

    QList<store::UserRoute> rows;
    for (auto it = routes.begin(); it != routes.end(); ++it) {
        QJsonObject route = it.value().toObject();
        const QString key = route.value(QLatin1String("api_key")).toString();
        if (kind == Kind::Providers && !key.isEmpty()) {
            protocol::OpenAiError error;
            const auth::SecretBox *secrets = box(&error);
            if (!secrets) {
                outcome.error = error;
                return outcome;
            }
            auto sealed = secrets->seal(key.toUtf8(), associatedData(userId));
            if (!sealed.ok()) {
                outcome.error = apiError(500, sealed.error().message, "seal_failed");
                return outcome;
            }
            route.insert(QStringLiteral("api_key"), sealed.value());
        }
        rows.append({storeKind(kind), it.key(), route, 0});
    }
    const store::Status stored = m_store.replace(userId, storeKind(kind), rows);
    if (!stored) {
        outcome.error = apiError(500, stored.error().toString(), "store_error");
        return outcome;
    }
    m_cache.remove(userId);
    outcome.routes = int(rows.size());
    return outcome;
}

std::shared_ptr<const dispatch::RouteTable>
UserRoutes::table(qint64 userId, const config::ConfigSet &global, protocol::OpenAiError *error)
{
    const auto now = std::chrono::steady_clock::now();
    const auto cached = m_cache.constFind(userId);
    if (cached != m_cache.cend() && cached->until > now)
        return cached->table;
    auto loaded = load(userId);
    if (auto *failure = std::get_if<protocol::OpenAiError>(&loaded)) {
        *error = *failure;
        return nullptr;
    }
    const Documents &documents = std::get<Documents>(loaded);
    const config::LoadResult parsed =
        config::parseDocuments(global.serverDocument, documents.providers, documents.rotations,
                               documents.autoselect, QProcessEnvironment());
    if (!parsed.ok()) {
        *error = apiError(500,
                          QStringLiteral("this user's stored routes no longer validate (%1); "
                                         "an admin should save them again")
                              .arg(parsed.diagnostics.value(0).toString()),
                          "user_routes_invalid");
        return nullptr;
    }
    auto table = std::make_shared<const dispatch::RouteTable>(
        parsed.config, QStringLiteral("user:%1:").arg(userId));
    m_cache.insert(userId, {table, now + kCacheFor});
    return table;
}

} // namespace aisbf::control
