// SPDX-License-Identifier: GPL-3.0-or-later
#include "ConfigValidation.h"

#include <config/ConfigLoader.h>

#include <QJsonArray>
#include <QRegularExpression>

namespace aisbf::app {

namespace {

void collectVariables(const QJsonValue &value, QStringList &out)
{
    static const QRegularExpression ref(QStringLiteral(R"(^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$)"));
    if (value.isString()) {
        const auto match = ref.match(value.toString());
        if (match.hasMatch())
            out.append(match.captured(1));
    } else if (value.isObject()) {
        const QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            collectVariables(it.value(), out);
    } else if (value.isArray()) {
        const QJsonArray a = value.toArray();
        for (const QJsonValue &v : a)
            collectVariables(v, out);
    }
}

} // namespace

QProcessEnvironment placeholderEnvironment(const QList<QJsonObject> &documents)
{
    QStringList names;
    for (const QJsonObject &doc : documents)
        collectVariables(doc, names);
    QProcessEnvironment env;
    for (const QString &name : names)
        env.insert(name, QStringLiteral("set-on-the-gateway"));
    return env;
}

config::Diagnostics validateDocuments(const QJsonObject &server, const QJsonObject &providers,
                                      const QJsonObject &rotations, const QJsonObject &autoselect)
{
    const QProcessEnvironment env =
        placeholderEnvironment({server, providers, rotations, autoselect});
    return config::parseDocuments(server, providers, rotations, autoselect, env).diagnostics;
}

QString itemContainerPointer(const QString &document)
{
    if (document == QLatin1String("providers"))
        return QStringLiteral("/providers");
    if (document == QLatin1String("rotations"))
        return QStringLiteral("/rotations");
    return {};
}

QJsonObject itemTemplate(const QString &document, const QString &id,
                         const QJsonObject &providersDocument)
{
    if (document == QLatin1String("providers")) {
        return {
            {QStringLiteral("id"), id},
            {QStringLiteral("name"), id},
            {QStringLiteral("type"), QStringLiteral("openai")},
            {QStringLiteral("endpoint"), QStringLiteral("https://api.openai.com/v1")},
            {QStringLiteral("api_key_required"), true},
            {QStringLiteral("api_key"), QStringLiteral("$OPENAI_API_KEY")},
            {QStringLiteral("models"),
             QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("gpt-4.1-mini")}}}}};
    }
    if (document == QLatin1String("rotations")) {
        // Start from the first provider that exists, so the new rotation validates at once.
        const QJsonObject providers =
            providersDocument.value(QLatin1String("providers")).toObject();
        QString provider =
            providers.isEmpty() ? QStringLiteral("provider-id") : providers.begin().key();
        QString model = QStringLiteral("model-name");
        const QJsonArray models =
            providers.value(provider).toObject().value(QLatin1String("models")).toArray();
        if (!models.isEmpty())
            model = models.first().toObject().value(QLatin1String("name")).toString();
        return {{QStringLiteral("model_name"), id},
                {QStringLiteral("providers"),
                 QJsonArray{QJsonObject{{QStringLiteral("provider_id"), provider},
                                        {QStringLiteral("model"), model},
                                        {QStringLiteral("weight"), 1}}}}};
    }
    if (document == QLatin1String("autoselect")) {
        return {{QStringLiteral("model_name"), id},
                {QStringLiteral("description"), QString()},
                {QStringLiteral("fallback"), QString()},
                {QStringLiteral("available_models"), QJsonArray()}};
    }
    return {};
}

QString itemSummary(const QString &document, const QJsonObject &item)
{
    if (document == QLatin1String("providers")) {
        const int models = int(item.value(QLatin1String("models")).toArray().size());
        return item.value(QLatin1String("type")).toString() + QStringLiteral(" · ") +
               item.value(QLatin1String("endpoint")).toString() + QStringLiteral(" · ") +
               (models == 0 ? QStringLiteral("any model")
                            : QStringLiteral("%1 models").arg(models));
    }
    if (document == QLatin1String("rotations")) {
        const QJsonArray entries = item.value(QLatin1String("providers")).toArray();
        QStringList names;
        for (const QJsonValue &e : entries)
            names.append(e.toObject().value(QLatin1String("provider_id")).toString());
        names.removeDuplicates();
        return QStringLiteral("%1 entries · ").arg(entries.size()) +
               names.join(QStringLiteral(", "));
    }
    if (document == QLatin1String("autoselect")) {
        const int n = int(item.value(QLatin1String("available_models")).toArray().size());
        return QStringLiteral("%1 candidates · fallback %2")
            .arg(n)
            .arg(item.value(QLatin1String("fallback")).toString());
    }
    return QStringLiteral("%1 settings").arg(item.size());
}

} // namespace aisbf::app
