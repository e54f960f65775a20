// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <config/Config.h>
#include <config/Diagnostic.h>
#include <protocol/OpenAiError.h>
#include <store/UserRouteStore.h>

#include <QHash>
#include <QJsonObject>

#include <chrono>
#include <memory>
#include <optional>

namespace aisbf::auth {
class SecretBox;
}

namespace aisbf::dispatch {
class RouteTable;
}

namespace aisbf::control {

/**
 * Each user's own providers, rotations and autoselects (model ids "user-provider/p/m",
 * "user-rotation/x", "user-autoselect/x"). Documents have the shape of the config files
 * (providers.json, rotations.json, autoselect.json) and go through the same validation. API
 * keys are sealed with the server key (AES-256-GCM, bound to the user) before they are stored
 * and never leave in clear: reads mask them to their last 4 characters. A user's routing table
 * is cached for one second, so a change made on another node is served within a second.
 */
class UserRoutes
{
public:
    enum class Kind
    {
        Providers,
        Rotations,
        Autoselects
    };
    /** "providers", "rotations", "autoselects" (the admin API's path word). */
    static std::optional<Kind> kindNamed(const QString &name);

    /** @p keyFile: the server key (created 0600 on first use). */
    UserRoutes(store::UserRouteStore store, QString keyFile);
    ~UserRoutes();

    /** The user's document of @p kind with API keys masked; an error as an API error. */
    std::variant<QJsonObject, protocol::OpenAiError> document(qint64 userId, Kind kind);

    struct Outcome
    {
        std::optional<protocol::OpenAiError> error; ///< 4xx/5xx; diagnostics may explain it
        config::Diagnostics diagnostics;            ///< when invalid (file "user <name> …")
        int routes = 0;                             ///< routes of this kind now stored
    };
    /**
     * Validates @p document (masked keys sent back keep their value; "$VAR" keys are refused:
     * users may not read the server's environment), checks @p maxRoutes (the tier's limit over
     * all kinds), seals the keys and replaces the user's routes of @p kind.
     */
    Outcome replace(qint64 userId, const QString &username, Kind kind, const QJsonObject &document,
                    const config::ConfigSet &global, std::optional<qint64> maxRoutes);

    /** The user's routing table (cooldown keys "user:<id>:p/m"); null + @p error on failure. */
    std::shared_ptr<const dispatch::RouteTable>
    table(qint64 userId, const config::ConfigSet &global, protocol::OpenAiError *error);
    /** Forgets cached tables (a config change: they embed the global server settings). */
    void invalidate() { m_cache.clear(); }

private:
    struct Documents
    {
        QJsonObject providers; ///< {"providers": {...}} with keys in clear
        QJsonObject rotations; ///< {"rotations": {...}}
        QJsonObject autoselect;
    };
    /** @p skipUnreadableKeys: a key the server key cannot open (the key file was replaced) is
     *  left out instead of failing, so the user can save their routes and set it again. */
    std::variant<Documents, protocol::OpenAiError> load(qint64 userId,
                                                        bool skipUnreadableKeys = false);
    const auth::SecretBox *box(protocol::OpenAiError *error);

    struct Cached
    {
        std::shared_ptr<const dispatch::RouteTable> table;
        std::chrono::steady_clock::time_point until;
    };

    store::UserRouteStore m_store;
    QString m_keyFile;
    std::unique_ptr<auth::SecretBox> m_box;
    QHash<qint64, Cached> m_cache;
};

} // namespace aisbf::control
