// SPDX-License-Identifier: GPL-3.0-or-later
#include "ConfigParser.h"

namespace aisbf::config::detail {

namespace {

QLatin1String k(const char *key)
{
    return QLatin1String(key);
}

QString child(const QString &path, const QString &key)
{
    return path % QLatin1Char('/') % pointerToken(key);
}

QString child(const QString &path, qsizetype index)
{
    return path % QLatin1Char('/') % QString::number(index);
}

// The top-level map of a document ("providers", "rotations"): absent means empty.
QJsonObject idMap(JsonReader &r, const QJsonObject &doc, const QString &key, const char *example)
{
    const QJsonValue v = doc.value(key);
    if (!isSet(v))
        return {};
    if (!v.isObject()) {
        r.error(QLatin1Char('/') % key,
                quoted(key) % QLatin1String(" must be an object keyed by id, like ") %
                    QLatin1String(example) % QLatin1String(", not ") % describe(v));
        return {};
    }
    return v.toObject();
}

void parseServerSection(JsonReader &r, const QJsonObject &doc, ServerConfig &s)
{
    if (const auto server = r.object(doc, k("server"), QStringLiteral("/server"))) {
        s.host = r.string(*server, k("host"), QStringLiteral("/server/host")).value_or(s.host);
        s.port = r.port(*server, k("port"), QStringLiteral("/server/port")).value_or(s.port);
        s.protocol = r.string(*server, k("protocol"), QStringLiteral("/server/protocol"))
                         .value_or(s.protocol);
    }
    if (const auto auth = r.object(doc, k("auth"), QStringLiteral("/auth"))) {
        s.authEnabled =
            r.boolean(*auth, k("enabled"), QStringLiteral("/auth/enabled")).value_or(false);
        s.authTokens = r.stringList(*auth, k("tokens"), QStringLiteral("/auth/tokens"));
    }
    if (const auto db = r.object(doc, k("database"), QStringLiteral("/database"))) {
        const QString path = QStringLiteral("/database/type");
        s.databaseType = r.string(*db, k("type"), path).value_or(s.databaseType);
        if (s.databaseType != k("sqlite") && s.databaseType != k("mysql"))
            r.error(path, QLatin1String("\"type\" must be \"sqlite\" or \"mysql\", not ") %
                              quoted(s.databaseType));
    }
    if (const auto cache = r.object(doc, k("cache"), QStringLiteral("/cache"))) {
        const QString path = QStringLiteral("/cache/type");
        s.cacheType = r.string(*cache, k("type"), path).value_or(s.cacheType);
        static const QStringList known = {QStringLiteral("memory"), QStringLiteral("sqlite"),
                                          QStringLiteral("redis"), QStringLiteral("mysql")};
        if (!known.contains(s.cacheType))
            r.error(path, QLatin1String("unknown cache \"type\" ") % quoted(s.cacheType) %
                              QLatin1String("; use one of memory, sqlite, redis, mysql"));
    }
}

void parseLimitsSection(JsonReader &r, const QJsonObject &doc, const QProcessEnvironment &env,
                        ServerConfig &s)
{
    // "usage" (our addition): whether each chat request becomes a usage_events row.
    if (const auto usage = r.object(doc, k("usage"), QStringLiteral("/usage")))
        s.recordUsage =
            r.boolean(*usage, k("record"), QStringLiteral("/usage/record")).value_or(true);
    if (const auto limits = r.object(doc, k("limits"), QStringLiteral("/limits"))) {
        const QString p = QStringLiteral("/limits/");
        s.maxBodyBytes = r.positiveInt(*limits, k("max_body_bytes"), p % k("max_body_bytes"))
                             .value_or(s.maxBodyBytes);
        s.clientHeaderTimeoutMs = r.timeoutMs(*limits, k("client_timeout"), p % k("client_timeout"))
                                      .value_or(s.clientHeaderTimeoutMs);
        s.keepAliveTimeoutMs =
            r.timeoutMs(*limits, k("keepalive_timeout"), p % k("keepalive_timeout"))
                .value_or(s.keepAliveTimeoutMs);
        s.drainTimeoutMs = r.timeoutMs(*limits, k("drain_timeout"), p % k("drain_timeout"))
                               .value_or(s.drainTimeoutMs);
    }
    UpstreamTimeouts upstream;
    if (const auto up = r.object(doc, k("upstream"), QStringLiteral("/upstream"))) {
        const QString p = QStringLiteral("/upstream/");
        upstream.connectMs = r.timeoutMs(*up, k("connect_timeout"), p % k("connect_timeout"));
        upstream.firstByteMs =
            r.timeoutMs(*up, k("first_byte_timeout"), p % k("first_byte_timeout"));
        upstream.idleMs = r.timeoutMs(*up, k("read_timeout"), p % k("read_timeout"));
        s.upstreamCaFile =
            expandHome(r.string(*up, k("ca_file"), p % k("ca_file")).value_or(QString()), env);
    }
    // Filled in here so every consumer sees a complete set and no default lives elsewhere.
    UpstreamTimeouts defaults;
    defaults.connectMs = 10'000;
    defaults.firstByteMs = 300'000;
    defaults.idleMs = 120'000;
    s.upstreamTimeouts = upstream.over(defaults);
}

UpstreamTimeouts parseTimeouts(JsonReader &r, const QJsonObject &o, const QString &path)
{
    UpstreamTimeouts t;
    t.connectMs = r.timeoutMs(o, k("connect_timeout"), child(path, k("connect_timeout")));
    t.firstByteMs = r.timeoutMs(o, k("first_byte_timeout"), child(path, k("first_byte_timeout")));
    t.idleMs = r.timeoutMs(o, k("read_timeout"), child(path, k("read_timeout")));
    return t;
}

std::optional<ModelConfig> parseModel(JsonReader &r, const QJsonValue &v, const QString &path)
{
    ModelConfig m;
    // A bare string is accepted as a model with only a name.
    if (v.isString()) {
        m.name = v.toString();
        return m;
    }
    if (!v.isObject()) {
        r.error(path, QLatin1String("a model must be an object like {\"name\": \"gpt-4.1-mini\"}, "
                                    "not ") %
                          describe(v));
        return std::nullopt;
    }
    const QJsonObject o = v.toObject();
    m.raw = o;
    m.name = r.string(o, k("name"), child(path, k("name"))).value_or(QString());
    if (m.name.isEmpty()) {
        r.error(path, QStringLiteral("the model has no \"name\"; add the upstream model name"));
        return std::nullopt;
    }
    m.contextSize = r.positiveInt(o, k("context_size"), child(path, k("context_size")));
    m.maxRequestTokens =
        r.positiveInt(o, k("max_request_tokens"), child(path, k("max_request_tokens")));
    m.errorCooldownSec = r.cooldownSec(o, k("error_cooldown"), child(path, k("error_cooldown")));
    return m;
}

ProviderConfig parseProvider(JsonReader &r, const QString &key, const QJsonObject &o,
                             const QString &path, const QProcessEnvironment &env,
                             QStringList &modelPaths)
{
    ProviderConfig p;
    p.raw = o;
    p.id = r.string(o, k("id"), child(path, k("id"))).value_or(key);
    p.name = r.string(o, k("name"), child(path, k("name"))).value_or(p.id);
    p.type = r.string(o, k("type"), child(path, k("type"))).value_or(QString());
    p.endpoint = r.string(o, k("endpoint"), child(path, k("endpoint"))).value_or(QString());
    p.apiKeyRequired =
        r.boolean(o, k("api_key_required"), child(path, k("api_key_required"))).value_or(false);
    p.apiKeyWritten = r.string(o, k("api_key"), child(path, k("api_key"))).value_or(QString());
    const auto var = envReference(p.apiKeyWritten);
    p.apiKey = var ? env.value(*var) : p.apiKeyWritten;
    p.defaultContextSize =
        r.positiveInt(o, k("default_context_size"), child(path, k("default_context_size")));
    p.defaultMaxRequestTokens = r.positiveInt(o, k("default_max_request_tokens"),
                                              child(path, k("default_max_request_tokens")));
    p.defaultErrorCooldownSec =
        r.cooldownSec(o, k("default_error_cooldown"), child(path, k("default_error_cooldown")));
    p.timeouts = parseTimeouts(r, o, path);
    const QString modelsPath = child(path, k("models"));
    const auto models =
        r.array(o, k("models"), modelsPath, QStringLiteral("[{\"name\": \"gpt-4.1-mini\"}]"));
    for (qsizetype i = 0; models && i < models->size(); ++i) {
        const QString mp = child(modelsPath, i);
        if (auto m = parseModel(r, models->at(i), mp)) {
            p.models.append(*m);
            modelPaths.append(mp);
        }
    }
    return p;
}

// One element of a rotation's "providers": the guide's {"provider_id","model",...} or the
// original's {"provider_id","weight","models":[{"name","weight"},...]} (flattened here).
void parseRotationEntry(JsonReader &r, const QJsonValue &v, const QString &path,
                        RotationConfig &rot, QList<EntrySource> &sources)
{
    if (!v.isObject()) {
        r.error(path, QLatin1String("a rotation entry must be an object like {\"provider_id\": "
                                    "\"openai-prod\", \"model\": \"gpt-4.1-mini\"}, not ") %
                          describe(v));
        return;
    }
    const QJsonObject o = v.toObject();
    const QString weightHint = QStringLiteral("weights bias traffic, use 1 for an equal share");
    RotationEntry base;
    base.providerId =
        r.string(o, k("provider_id"), child(path, k("provider_id"))).value_or(QString());
    const auto weight = r.positiveNumber(o, k("weight"), child(path, k("weight")), weightHint);
    base.weight = weight.value_or(1.0);
    base.errorCooldownSec = r.cooldownSec(o, k("error_cooldown"), child(path, k("error_cooldown")));
    const QJsonValue providerValue = o.value(k("provider_id"));
    if (base.providerId.isEmpty() && (!isSet(providerValue) || providerValue.isString()))
        r.error(path, QStringLiteral("the rotation entry has no \"provider_id\"; name the provider "
                                     "from providers.json it sends to"));

    const QString modelsPath = child(path, k("models"));
    const auto models = r.array(o, k("models"), modelsPath,
                                QStringLiteral("[{\"name\": \"gpt-4.1-mini\", \"weight\": 1}]"));
    QList<RotationEntry> entries;
    QList<EntrySource> entrySources;
    if (models) {
        for (qsizetype j = 0; j < models->size(); ++j) {
            const QString mp = child(modelsPath, j);
            const QJsonValue mv = models->at(j);
            const auto m = parseModel(r, mv, mp);
            if (!m)
                continue;
            const auto mw =
                r.positiveNumber(mv.toObject(), k("weight"), child(mp, k("weight")), weightHint);
            RotationEntry e = base;
            e.model = m->name;
            e.weight = base.weight * mw.value_or(1.0);
            if (m->errorCooldownSec)
                e.errorCooldownSec = m->errorCooldownSec;
            entries.append(e);
            entrySources.append({path, mv.isString() ? mp : child(mp, k("name"))});
        }
        if (models->isEmpty())
            r.error(modelsPath, QStringLiteral("the rotation entry lists no models; add at least "
                                               "one model name of that provider"));
    } else if (!isSet(o.value(k("models")))) {
        const auto model = r.string(o, k("model"), child(path, k("model")));
        if (model && !model->isEmpty()) {
            RotationEntry e = base;
            e.model = *model;
            entries.append(e);
            entrySources.append({path, child(path, k("model"))});
        } else if (model || !isSet(o.value(k("model")))) {
            r.error(path, QStringLiteral("the rotation entry has no model; add \"model\": "
                                         "\"<name>\" with a model of that provider"));
        }
    }
    // An entry without a provider is already an error; keeping it would only add noise.
    if (base.providerId.isEmpty())
        return;
    rot.entries.append(entries);
    sources.append(entrySources);
}

} // namespace

ServerConfig parseServer(const QJsonObject &doc, const QProcessEnvironment &env, Diagnostics &out)
{
    JsonReader r(kServerFile, out);
    ServerConfig s;
    s.raw = doc;
    parseServerSection(r, doc, s);
    parseLimitsSection(r, doc, env, s);
    return s;
}

QHash<QString, ProviderConfig> parseProviders(const QJsonObject &doc,
                                              const QProcessEnvironment &env, SourcePaths &paths,
                                              Diagnostics &out)
{
    JsonReader r(kProvidersFile, out);
    QHash<QString, ProviderConfig> providers;
    const QJsonObject map = idMap(r, doc, k("providers"), "{\"openai-prod\": {...}}");
    for (auto it = map.begin(); it != map.end(); ++it) {
        const QString path = child(QStringLiteral("/providers"), it.key());
        if (!it.value().isObject()) {
            r.error(path, QLatin1String("a provider must be an object {\"type\", \"endpoint\", "
                                        "...}, not ") %
                              describe(it.value()));
            continue;
        }
        QStringList modelPaths;
        providers.insert(it.key(),
                         parseProvider(r, it.key(), it.value().toObject(), path, env, modelPaths));
        paths.models.insert(it.key(), modelPaths);
    }
    return providers;
}

QHash<QString, RotationConfig> parseRotations(const QJsonObject &doc, SourcePaths &paths,
                                              Diagnostics &out)
{
    JsonReader r(kRotationsFile, out);
    QHash<QString, RotationConfig> rotations;
    const QJsonObject map = idMap(r, doc, k("rotations"), "{\"coding\": {\"providers\": [...]}}");
    for (auto it = map.begin(); it != map.end(); ++it) {
        const QString path = child(QStringLiteral("/rotations"), it.key());
        if (!it.value().isObject()) {
            r.error(path, QLatin1String("a rotation must be an object {\"providers\": [...]}, "
                                        "not ") %
                              describe(it.value()));
            continue;
        }
        const QJsonObject o = it.value().toObject();
        RotationConfig rot;
        rot.id = it.key();
        rot.raw = o;
        rot.modelName = r.string(o, k("model_name"), child(path, k("model_name"))).value_or(rot.id);
        rot.defaultMaxRequestTokens = r.positiveInt(o, k("default_max_request_tokens"),
                                                    child(path, k("default_max_request_tokens")));
        // The original writes "error_cooldown" at rotation level; the guide's name wins.
        rot.defaultErrorCooldownSec =
            r.cooldownSec(o, k("default_error_cooldown"), child(path, k("default_error_cooldown")));
        const auto legacy = r.cooldownSec(o, k("error_cooldown"), child(path, k("error_cooldown")));
        if (!rot.defaultErrorCooldownSec)
            rot.defaultErrorCooldownSec = legacy;
        rot.capabilities = r.stringList(o, k("capabilities"), child(path, k("capabilities")));

        const QString listPath = child(path, k("providers"));
        const auto list = r.array(o, k("providers"), listPath,
                                  QStringLiteral("[{\"provider_id\": \"openai-prod\", "
                                                 "\"model\": \"gpt-4.1-mini\", \"weight\": 1}]"));
        if (!o.contains(k("providers")) || (list && list->isEmpty()))
            r.error(listPath, QStringLiteral("the rotation has no providers; add at least one "
                                             "{\"provider_id\", \"model\"} entry or remove the "
                                             "rotation"));
        QList<EntrySource> sources;
        for (qsizetype i = 0; list && i < list->size(); ++i)
            parseRotationEntry(r, list->at(i), child(listPath, i), rot, sources);
        rotations.insert(rot.id, rot);
        paths.rotationEntries.insert(rot.id, sources);
    }
    return rotations;
}

QHash<QString, AutoselectConfig> parseAutoselects(const QJsonObject &doc, SourcePaths &paths,
                                                  Diagnostics &out)
{
    JsonReader r(kAutoselectFile, out);
    QHash<QString, AutoselectConfig> autoselects;
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        const QString path = child(QString(), it.key());
        if (!it.value().isObject()) {
            r.error(path, QLatin1String("an autoselect must be an object {\"fallback\", "
                                        "\"available_models\", ...}, not ") %
                              describe(it.value()));
            continue;
        }
        const QJsonObject o = it.value().toObject();
        AutoselectConfig a;
        a.id = it.key();
        a.raw = o;
        a.modelName = r.string(o, k("model_name"), child(path, k("model_name"))).value_or(a.id);
        a.description =
            r.string(o, k("description"), child(path, k("description"))).value_or(QString());
        a.selectionModel = r.string(o, k("selection_model"), child(path, k("selection_model")))
                               .value_or(QString());
        a.fallback = r.string(o, k("fallback"), child(path, k("fallback"))).value_or(QString());
        a.capabilities = r.stringList(o, k("capabilities"), child(path, k("capabilities")));
        const auto flag = [&](const char *key) {
            return r.boolean(o, k(key), child(path, k(key))).value_or(false);
        };
        a.privacy = flag("privacy");
        a.nsfw = flag("nsfw");
        a.classifyPrivacy = flag("classify_privacy");
        a.classifyNsfw = flag("classify_nsfw");
        a.classifySemantic = flag("classify_semantic");
        a.selectionTimeoutMs =
            r.timeoutMs(o, k("selection_timeout"), child(path, k("selection_timeout")));
        a.selectionPrompt = r.string(o, k("selection_prompt"), child(path, k("selection_prompt")))
                                .value_or(QString());
        const QString listPath = child(path, k("available_models"));
        const auto list = r.array(o, k("available_models"), listPath,
                                  QStringLiteral("[{\"model_id\": \"rotation/coding\", "
                                                 "\"description\": \"...\"}]"));
        QStringList sources;
        for (qsizetype i = 0; list && i < list->size(); ++i) {
            const QString cp = child(listPath, i);
            const QJsonObject co = list->at(i).toObject();
            AutoselectCandidate c;
            const QJsonValue idValue = co.value(k("model_id"));
            c.modelId = r.string(co, k("model_id"), child(cp, k("model_id"))).value_or(QString());
            if (c.modelId.isEmpty()) {
                // A wrong-typed model_id was reported by the reader already.
                if (!list->at(i).isObject() || !isSet(idValue) || idValue.isString())
                    r.error(cp, QStringLiteral("the candidate needs an object with a "
                                               "\"model_id\" route such as \"rotation/coding\""));
                continue;
            }
            c.description =
                r.string(co, k("description"), child(cp, k("description"))).value_or(QString());
            c.privacy = r.boolean(co, k("privacy"), child(cp, k("privacy"))).value_or(false);
            c.nsfw = r.boolean(co, k("nsfw"), child(cp, k("nsfw"))).value_or(false);
            a.candidates.append(c);
            sources.append(cp);
        }
        autoselects.insert(a.id, a);
        paths.candidates.insert(a.id, sources);
    }
    return autoselects;
}

} // namespace aisbf::config::detail
