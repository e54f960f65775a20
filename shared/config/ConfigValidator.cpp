// SPDX-License-Identifier: GPL-3.0-or-later
#include "ConfigValidator.h"

#include <QFileInfo>
#include <QSet>
#include <QUrl>

#include <algorithm>
#include <functional>

namespace aisbf::config::detail {

namespace {

QLatin1String k(const char *key)
{
    return QLatin1String(key);
}

template <typename T> QStringList sortedKeys(const QHash<QString, T> &hash)
{
    QStringList keys = hash.keys();
    keys.sort();
    return keys;
}

// Words that follow /api/ in our fixed routes: a provider with such an id would be shadowed by
// (or would shadow) /api/<word>/..., so it is an error rather than a silently dead route.
// "coderai" is deliberately absent: the original AISBF config ships a provider called
// "coderai", and our CoderAI broker endpoints live at /coderai/..., outside /api/, so
// /api/coderai/chat/completions is free for that provider.
bool isRouteWord(const QString &id)
{
    static const QSet<QString> words = {QStringLiteral("v1"),         QStringLiteral("rotations"),
                                        QStringLiteral("autoselect"), QStringLiteral("user"),
                                        QStringLiteral("u"),          QStringLiteral("admin"),
                                        QStringLiteral("models"),     QStringLiteral("tags"),
                                        QStringLiteral("chat"),       QStringLiteral("version")};
    return words.contains(id);
}

// Provider types of the original AISBF and the guide that a later build will serve.
bool isKnownType(const QString &type)
{
    static const QSet<QString> known = {
        QStringLiteral("openai"), QStringLiteral("anthropic"), QStringLiteral("google"),
        QStringLiteral("ollama"), QStringLiteral("coderai"),   QStringLiteral("codex"),
        QStringLiteral("kiro"),   QStringLiteral("claude"),    QStringLiteral("kilo")};
    return known.contains(type);
}

bool isHttpUrl(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    return url.isValid() && (scheme == k("http") || scheme == k("https")) && !url.host().isEmpty();
}

class Validator
{
public:
    Validator(const ConfigSet &set, const SourcePaths &paths, const QProcessEnvironment &env,
              Diagnostics &out)
        : m_set(set), m_paths(paths), m_env(env), m_out(out)
    {}

    void server();
    void providers();
    void rotations();
    void autoselects();

private:
    void report(Diagnostic::Severity s, const QString &file, const QString &path,
                const QString &message)
    {
        m_out.append({s, file, path, message});
    }
    void provider(const QString &key, const ProviderConfig &p);
    void models(const QString &key, const ProviderConfig &p);
    // Empty when @p ref resolves (or belongs to a user); otherwise why it does not.
    QString unresolved(const QString &ref) const;
    // The autoselect id a reference points at, if it points at one.
    std::optional<QString> autoselectTarget(const QString &ref) const;
    void cycles();

    const ConfigSet &m_set;
    const SourcePaths &m_paths;
    const QProcessEnvironment &m_env;
    Diagnostics &m_out;
};

constexpr auto Error = Diagnostic::Severity::Error;
constexpr auto Warning = Diagnostic::Severity::Warning;

void Validator::server()
{
    const ServerConfig &s = m_set.server;
    if (s.authEnabled && s.authTokens.isEmpty())
        report(Error, kServerFile, QStringLiteral("/auth/tokens"),
               QStringLiteral("auth is enabled but \"tokens\" is empty, so no client could call "
                              "the gateway; add a token or set \"enabled\": false"));
    if (!s.upstreamCaFile.isEmpty()) {
        const QFileInfo ca(s.upstreamCaFile);
        if (!ca.isFile() || !ca.isReadable())
            report(Error, kServerFile, QStringLiteral("/upstream/ca_file"),
                   QLatin1String("cannot read the CA file \"") % s.upstreamCaFile %
                       QLatin1String("\"; point \"ca_file\" at a readable PEM bundle or remove "
                                     "it"));
    }
}

void Validator::providers()
{
    for (const QString &key : sortedKeys(m_set.providers))
        provider(key, m_set.providers.value(key));
}

void Validator::provider(const QString &key, const ProviderConfig &p)
{
    const QString path = QLatin1String("/providers/") % pointerToken(key);
    if (p.id != key)
        report(Error, kProvidersFile, path % k("/id"),
               QLatin1String("\"id\" \"") % p.id % QLatin1String("\" differs from its key \"") %
                   key % QLatin1String("\"; make them equal, routes use the key"));
    if (isRouteWord(key))
        report(Error, kProvidersFile, path,
               QLatin1String("provider id \"") % key %
                   QLatin1String("\" collides with the fixed route /api/") % key %
                   QLatin1String("/...; rename the provider"));
    if (p.type.isEmpty())
        report(Error, kProvidersFile, path % k("/type"),
               QStringLiteral("the provider has no \"type\"; use \"openai\" for OpenAI-compatible "
                              "APIs"));
    else if (!p.isServable())
        report(Warning, kProvidersFile, path % k("/type"),
               (isKnownType(p.type)
                    ? QLatin1String("type \"") % p.type %
                          QLatin1String("\" is not supported by this build yet")
                    : QLatin1String("unknown type \"") % p.type % QLatin1String("\"")) %
                   QLatin1String("; requests to it will fail with 501 until support lands"));
    if (!isHttpUrl(p.endpoint))
        report(Error, kProvidersFile, path % k("/endpoint"),
               (p.endpoint.isEmpty() ? QStringLiteral("the provider has no \"endpoint\"")
                                     : QLatin1String("bad URL \"") % p.endpoint %
                                           QLatin1String("\": not an absolute http(s) URL with a "
                                                         "host")) %
                   QLatin1String("; write it like \"https://api.openai.com/v1\""));
    if (const auto var = envReference(p.apiKeyWritten); var && m_env.value(*var).isEmpty())
        report(Error, kProvidersFile, path % k("/api_key"),
               QLatin1String("\"api_key\" refers to $") % *var % QLatin1String(" but ") % *var %
                   QLatin1String(" is not set; set ") % *var %
                   QLatin1String(" in the gateway's environment or write the key"));
    if (p.apiKeyRequired && p.apiKeyWritten.isEmpty())
        report(Error, kProvidersFile, path % k("/api_key_required"),
               QStringLiteral("\"api_key_required\" is true but there is no \"api_key\"; add "
                              "\"api_key\": \"$ENV_VAR\" (or the key itself)"));
    if (p.defaultContextSize && p.defaultMaxRequestTokens &&
        *p.defaultMaxRequestTokens > *p.defaultContextSize)
        report(Warning, kProvidersFile, path % k("/default_max_request_tokens"),
               QStringLiteral("\"default_max_request_tokens\" is larger than "
                              "\"default_context_size\"; requests that big cannot fit"));
    models(key, p);
}

void Validator::models(const QString &key, const ProviderConfig &p)
{
    const QStringList paths = m_paths.models.value(key);
    QHash<QString, QString> seen; // name -> path of its first entry
    for (qsizetype i = 0; i < p.models.size() && i < paths.size(); ++i) {
        const ModelConfig &m = p.models.at(i);
        const QString namePath = m.raw.isEmpty() ? paths.at(i) : paths.at(i) % k("/name");
        if (seen.contains(m.name))
            report(Error, kProvidersFile, namePath,
                   QLatin1String("duplicate model name \"") % m.name %
                       QLatin1String("\" (first at ") % seen.value(m.name) %
                       QLatin1String("); remove or rename one"));
        else
            seen.insert(m.name, paths.at(i));
        const auto context = m.contextSize ? m.contextSize : p.defaultContextSize;
        const auto max = m.maxRequestTokens ? m.maxRequestTokens : p.defaultMaxRequestTokens;
        if ((m.contextSize || m.maxRequestTokens) && context && max && *max > *context)
            report(Warning, kProvidersFile, paths.at(i) % k("/max_request_tokens"),
                   QLatin1String("max_request_tokens (") % QString::number(*max) %
                       QLatin1String(") is larger than context_size (") %
                       QString::number(*context) %
                       QLatin1String("); requests that big cannot fit"));
    }
}

void Validator::rotations()
{
    QStringList known = sortedKeys(m_set.providers);
    const QString knownText =
        known.isEmpty() ? QStringLiteral("providers.json defines none")
                        : QLatin1String("known providers: ") % known.join(QLatin1String(", "));
    for (const QString &id : sortedKeys(m_set.rotations)) {
        const RotationConfig &r = m_set.rotations.value(id);
        const QList<EntrySource> sources = m_paths.rotationEntries.value(id);
        for (qsizetype i = 0; i < r.entries.size() && i < sources.size(); ++i) {
            const RotationEntry &e = r.entries.at(i);
            const auto provider = m_set.providers.constFind(e.providerId);
            if (provider == m_set.providers.cend()) {
                // Flattened original-shape entries share one provider_id: report it once.
                if (i == 0 || sources.at(i - 1).entry != sources.at(i).entry)
                    report(Error, kRotationsFile, sources.at(i).entry % k("/provider_id"),
                           QLatin1String("unknown provider \"") % e.providerId %
                               QLatin1String("\"; ") % knownText);
                continue;
            }
            if (!provider->models.isEmpty() && !provider->model(e.model))
                report(Warning, kRotationsFile, sources.at(i).model,
                       QLatin1String("model \"") % e.model %
                           QLatin1String("\" is not in the models list of provider \"") %
                           e.providerId % QLatin1String("\"; check the spelling or add it there"));
        }
    }
}

QString Validator::unresolved(const QString &ref) const
{
    // User routes live in the database and belong to their users; they are checked per request.
    for (const char *prefix : {"user-provider/", "user-rotation/", "user-autoselect/"}) {
        if (ref.startsWith(QLatin1String(prefix)))
            return {};
    }
    if (ref.startsWith(k("rotation/"))) {
        const QString name = ref.mid(9);
        return m_set.rotations.contains(name)
                   ? QString()
                   : QLatin1String("rotations.json has no rotation \"") % name % QLatin1Char('"');
    }
    if (ref.startsWith(k("autoselect/"))) {
        const QString name = ref.mid(11);
        return m_set.autoselects.contains(name)
                   ? QString()
                   : QLatin1String("autoselect.json has no autoselect \"") % name %
                         QLatin1Char('"');
    }
    const qsizetype slash = ref.indexOf(QLatin1Char('/'));
    if (slash < 0) {
        return m_set.rotations.contains(ref) || m_set.autoselects.contains(ref)
                   ? QString()
                   : QLatin1String("no rotation or autoselect is called \"") % ref %
                         QLatin1Char('"');
    }
    const QString providerId = ref.left(slash);
    const QString model = ref.mid(slash + 1);
    const auto provider = m_set.providers.constFind(providerId);
    if (provider == m_set.providers.cend())
        return QLatin1String("providers.json has no provider \"") % providerId % QLatin1Char('"');
    if (!provider->models.isEmpty() && !provider->model(model))
        return QLatin1String("provider \"") % providerId % QLatin1String("\" lists no model \"") %
               model % QLatin1Char('"');
    return {};
}

std::optional<QString> Validator::autoselectTarget(const QString &ref) const
{
    if (ref.startsWith(k("autoselect/")))
        return ref.mid(11);
    // A bare name means a rotation first, as in the original AISBF.
    if (!ref.contains(QLatin1Char('/')) && !m_set.rotations.contains(ref) &&
        m_set.autoselects.contains(ref))
        return ref;
    return std::nullopt;
}

void Validator::autoselects()
{
    for (const QString &id : sortedKeys(m_set.autoselects)) {
        const AutoselectConfig &a = m_set.autoselects.value(id);
        const QString base = QLatin1Char('/') % pointerToken(id);
        QList<std::pair<QString, QString>> refs; // (reference, JSON pointer)
        if (!a.fallback.isEmpty())
            refs.append({a.fallback, base % k("/fallback")});
        const QStringList paths = m_paths.candidates.value(id);
        for (qsizetype i = 0; i < a.candidates.size() && i < paths.size(); ++i)
            refs.append({a.candidates.at(i).modelId, paths.at(i) % k("/model_id")});
        for (const auto &[ref, path] : refs) {
            const QString why = unresolved(ref);
            if (!why.isEmpty())
                report(Warning, kAutoselectFile, path,
                       QLatin1String("\"") % ref % QLatin1String("\" does not resolve: ") % why %
                           QLatin1String("; requests routed there will fail"));
        }
        if (!a.selectionModel.isEmpty()) {
            const QString why = unresolved(a.selectionModel);
            if (!why.isEmpty())
                report(Warning, kAutoselectFile, base % k("/selection_model"),
                       QLatin1String("\"") % a.selectionModel %
                           QLatin1String("\" does not resolve: ") % why %
                           QLatin1String("; when no route is clearly chosen, the fallback serves. "
                                         "Name a rotation or provider/model to ask"));
        }
    }
    cycles();
}

// Depth-first search over autoselect -> autoselect references; each cycle reported once.
void Validator::cycles()
{
    struct Edge
    {
        QString target;
        QString path;
    };
    QHash<QString, QList<Edge>> graph;
    for (const QString &id : sortedKeys(m_set.autoselects)) {
        const AutoselectConfig &a = m_set.autoselects.value(id);
        const QStringList paths = m_paths.candidates.value(id);
        QList<Edge> edges;
        if (const auto t = autoselectTarget(a.fallback); t && m_set.autoselects.contains(*t))
            edges.append({*t, QLatin1Char('/') % pointerToken(id) % k("/fallback")});
        for (qsizetype i = 0; i < a.candidates.size() && i < paths.size(); ++i) {
            const auto t = autoselectTarget(a.candidates.at(i).modelId);
            if (t && m_set.autoselects.contains(*t))
                edges.append({*t, paths.at(i) % k("/model_id")});
        }
        graph.insert(id, edges);
    }

    QHash<QString, int> state;                // 0 unvisited, 1 on the stack, 2 done
    QList<std::pair<QString, QString>> stack; // (id, pointer of the edge taken from it)
    QSet<QString> reported;
    std::function<void(const QString &)> visit = [&](const QString &id) {
        state[id] = 1;
        for (const Edge &e : graph.value(id)) {
            stack.append({id, e.path});
            if (state.value(e.target) == 1) {
                qsizetype start = 0;
                while (stack.at(start).first != e.target)
                    ++start;
                auto cycle = stack.mid(start);
                // Start the cycle at its smallest id so each one is reported once.
                const auto first = std::min_element(cycle.begin(), cycle.end());
                std::rotate(cycle.begin(), first, cycle.end());
                QStringList names;
                for (const auto &step : cycle)
                    names.append(QLatin1String("autoselect/") % step.first);
                names.append(names.first());
                const QString text = names.join(QLatin1String(" -> "));
                if (!reported.contains(text)) {
                    reported.insert(text);
                    report(Error, kAutoselectFile, cycle.first().second,
                           QLatin1String("autoselect cycle ") % text %
                               QLatin1String("; a request would loop, point one of them at a "
                                             "rotation or provider instead"));
                }
            } else if (state.value(e.target) == 0) {
                visit(e.target);
            }
            stack.removeLast();
        }
        state[id] = 2;
    };
    for (const QString &id : sortedKeys(m_set.autoselects)) {
        if (state.value(id) == 0)
            visit(id);
    }
}

} // namespace

void validate(const ConfigSet &set, const SourcePaths &paths, const QProcessEnvironment &env,
              Diagnostics &out)
{
    Validator v(set, paths, env, out);
    v.server();
    v.providers();
    v.rotations();
    v.autoselects();
}

} // namespace aisbf::config::detail
