// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace aisbf::config {

/** Timeouts for one upstream exchange; unset fields inherit from the next level up. */
struct UpstreamTimeouts
{
    std::optional<int> connectMs;   ///< TCP (+TLS) connect; keys "connect_timeout" (seconds)
    std::optional<int> firstByteMs; ///< request sent -> response headers; "first_byte_timeout"
    std::optional<int> idleMs;      ///< gap between two body reads; "read_timeout"

    /** Fields set here win over @p fallback. */
    UpstreamTimeouts over(const UpstreamTimeouts &fallback) const;
};

/** A model offered by a provider ("models" array entry). */
struct ModelConfig
{
    QString name;
    std::optional<qint64> contextSize;      ///< "context_size"
    std::optional<qint64> maxRequestTokens; ///< "max_request_tokens"
    std::optional<int> errorCooldownSec;    ///< "error_cooldown"
    QJsonObject raw;                        ///< the entry as written (unknown keys kept)
};

/** A provider from providers.json. */
struct ProviderConfig
{
    QString id;
    QString name;
    QString type;     ///< openai, anthropic, google, ollama, coderai, or an original-AISBF type
    QString endpoint; ///< base URL, e.g. "https://api.openai.com/v1"
    bool apiKeyRequired = false;
    QString apiKey;        ///< resolved secret ("$VAR" substituted); never log or return it
    QString apiKeyWritten; ///< as written in the file ("$RUNPOD_API_KEY" or the literal key)
    std::optional<qint64> defaultContextSize;      ///< "default_context_size"
    std::optional<qint64> defaultMaxRequestTokens; ///< "default_max_request_tokens"
    std::optional<int> defaultErrorCooldownSec;    ///< "default_error_cooldown"
    UpstreamTimeouts timeouts;                     ///< provider-level overrides
    QList<ModelConfig> models;
    QJsonObject raw;

    const ModelConfig *model(const QString &modelName) const;
    /** Whether this build can send requests to a provider of this type. */
    bool isServable() const;
};

/** One weighted provider/model pair of a rotation (both file shapes flatten to this). */
struct RotationEntry
{
    QString providerId;
    QString model;
    double weight = 1.0;
    std::optional<int> errorCooldownSec; ///< entry-level "error_cooldown"
};

/** A rotation from rotations.json. */
struct RotationConfig
{
    QString id;
    QString modelName; ///< "model_name" (defaults to the id)
    QList<RotationEntry> entries;
    std::optional<qint64> defaultMaxRequestTokens; ///< "default_max_request_tokens"
    std::optional<int> defaultErrorCooldownSec;    ///< "default_error_cooldown" / "error_cooldown"
    QStringList capabilities;
    QJsonObject raw;
};

struct AutoselectCandidate
{
    QString modelId; ///< a route reference, e.g. "rotation/coding" or "user-provider/p/m"
    QString description;
    bool privacy = false;
    bool nsfw = false;
};

/** An autoselect policy from autoselect.json (top-level key = id). */
struct AutoselectConfig
{
    QString id;
    QString modelName;
    QString description;
    QString selectionModel;
    QString fallback;
    QStringList capabilities;
    QList<AutoselectCandidate> candidates; ///< "available_models"
    bool privacy = false;                  ///< every request counts as private
    bool nsfw = false;                     ///< kept, not acted on (the original's flag)
    bool classifyPrivacy = false;          ///< look for secrets and personal data
    bool classifyNsfw = false;             ///< look for explicit sexual terms
    bool classifySemantic = false;         ///< match the request against the descriptions (BM25)
    std::optional<int> selectionTimeoutMs; ///< "selection_timeout", seconds in the file
    QString selectionPrompt; ///< replaces the built-in instructions; "{routes}" marks the list
    QJsonObject raw;
};

/** aisbf.json: the parts this build acts on; the rest is kept in raw. */
struct ServerConfig
{
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 17765;
    QString protocol = QStringLiteral("http");

    bool authEnabled = false;
    QStringList authTokens; ///< secrets

    QString databaseType = QStringLiteral("sqlite");
    bool recordUsage = true; ///< "usage.record": a usage_events row per chat request
    QString cacheType = QStringLiteral("memory");

    // "limits" object (our addition; all optional).
    qint64 maxBodyBytes = 16 * 1024 * 1024; ///< "limits.max_body_bytes" -> 413 above
    int clientHeaderTimeoutMs = 30'000;     ///< "limits.client_timeout" (s): partial request stall
    int keepAliveTimeoutMs = 75'000;        ///< "limits.keepalive_timeout" (s): idle connection
    int drainTimeoutMs = 30'000;            ///< "limits.drain_timeout" (s): SIGTERM grace

    // "upstream" object (our addition).
    UpstreamTimeouts upstreamTimeouts; ///< defaults: connect 10 s, first byte 300 s, idle 120 s
    QString upstreamCaFile;            ///< "upstream.ca_file": extra CA bundle (PEM)

    QJsonObject raw;
};

/** Everything loaded from a config directory; immutable once published. */
struct ConfigSet
{
    QString directory;
    ServerConfig server;
    QHash<QString, ProviderConfig> providers;
    QHash<QString, RotationConfig> rotations;
    QHash<QString, AutoselectConfig> autoselects;

    /** The documents as read, so keys this build does not know survive a write-back. */
    QJsonObject serverDocument;
    QJsonObject providersDocument;
    QJsonObject rotationsDocument;
    QJsonObject autoselectDocument;
};

using ConfigSnapshot = std::shared_ptr<const ConfigSet>;

} // namespace aisbf::config
