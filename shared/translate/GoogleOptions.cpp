// SPDX-License-Identifier: GPL-3.0-or-later
#include "Google.h"

#include <QJsonArray>

namespace aisbf::translate::google {

namespace {

// Keys of a JSON schema that Gemini's OpenAPI-subset schema answers with a 400.
bool isRejectedKey(QStringView key)
{
    return key == QLatin1String("$schema") || key == QLatin1String("additionalProperties") ||
           key == QLatin1String("strict");
}

// Keys whose value maps names to schemas: the names are data, never schema keywords.
bool isSchemaMap(QStringView key)
{
    return key == QLatin1String("properties") || key == QLatin1String("$defs") ||
           key == QLatin1String("definitions") || key == QLatin1String("patternProperties");
}

QJsonValue stripValue(const QJsonValue &value)
{
    if (value.isObject())
        return stripSchema(value.toObject());
    if (!value.isArray())
        return value;
    QJsonArray array;
    for (const QJsonValue &item : value.toArray())
        array.append(stripValue(item));
    return array;
}

QString unsupported(const QString &what)
{
    return what + QStringLiteral(" is not supported by provider type google");
}

// tools → one Tool with all function declarations.
QString addTools(const QJsonArray &tools, QJsonObject *body)
{
    QJsonArray declarations;
    for (qsizetype i = 0; i < tools.size(); ++i) {
        const QJsonObject tool = tools.at(i).toObject();
        const QString type = tool.value(QLatin1String("type")).toString();
        if (type != QLatin1String("function"))
            return unsupported(QStringLiteral("tools[%1]: type \"%2\"").arg(i).arg(type));
        const QJsonObject function = tool.value(QLatin1String("function")).toObject();
        QJsonObject declaration{{QStringLiteral("name"), function.value(QLatin1String("name"))}};
        if (function.contains(QLatin1String("description")))
            declaration.insert(QStringLiteral("description"),
                               function.value(QLatin1String("description")));
        const QJsonObject parameters =
            stripSchema(function.value(QLatin1String("parameters")).toObject());
        // Gemini rejects an OBJECT schema with no properties ("should be non-empty for OBJECT
        // type"); a function without arguments is declared without parameters instead.
        const bool emptyObject =
            parameters.value(QLatin1String("type")).toString() == QLatin1String("object") &&
            parameters.value(QLatin1String("properties")).toObject().isEmpty();
        if (!parameters.isEmpty() && !emptyObject)
            declaration.insert(QStringLiteral("parameters"), parameters);
        declarations.append(declaration);
    }
    if (!declarations.isEmpty())
        body->insert(
            QStringLiteral("tools"),
            QJsonArray{QJsonObject{{QStringLiteral("functionDeclarations"), declarations}}});
    return {};
}

QString addToolChoice(const QJsonValue &choice, QJsonObject *body)
{
    QJsonObject config;
    if (choice.isString()) {
        const QString mode = choice.toString();
        if (mode == QLatin1String("auto"))
            config.insert(QStringLiteral("mode"), QStringLiteral("AUTO"));
        else if (mode == QLatin1String("required"))
            config.insert(QStringLiteral("mode"), QStringLiteral("ANY"));
        else if (mode == QLatin1String("none"))
            config.insert(QStringLiteral("mode"), QStringLiteral("NONE"));
        else
            return unsupported(QStringLiteral("tool_choice \"%1\"").arg(mode));
    } else if (choice.isObject()) {
        const QString name = choice.toObject()
                                 .value(QLatin1String("function"))
                                 .toObject()
                                 .value(QLatin1String("name"))
                                 .toString();
        if (name.isEmpty())
            return QStringLiteral("tool_choice.function.name: must be a non-empty string");
        config.insert(QStringLiteral("mode"), QStringLiteral("ANY"));
        config.insert(QStringLiteral("allowedFunctionNames"), QJsonArray{name});
    } else {
        return {};
    }
    body->insert(QStringLiteral("toolConfig"),
                 QJsonObject{{QStringLiteral("functionCallingConfig"), config}});
    return {};
}

QJsonObject generationConfig(const QJsonObject &openAi)
{
    QJsonObject config;
    const auto copyNumber = [&](const char *from, const QString &to) {
        const QJsonValue value = openAi.value(QLatin1String(from));
        if (value.isDouble())
            config.insert(to, value);
    };
    copyNumber("temperature", QStringLiteral("temperature"));
    copyNumber("top_p", QStringLiteral("topP"));
    copyNumber("max_tokens", QStringLiteral("maxOutputTokens"));
    copyNumber("max_completion_tokens", QStringLiteral("maxOutputTokens")); // wins over max_tokens
    copyNumber("n", QStringLiteral("candidateCount"));
    copyNumber("seed", QStringLiteral("seed"));
    const QJsonValue stop = openAi.value(QLatin1String("stop"));
    if (stop.isString())
        config.insert(QStringLiteral("stopSequences"), QJsonArray{stop});
    else if (stop.isArray() && !stop.toArray().isEmpty())
        config.insert(QStringLiteral("stopSequences"), stop);
    const QJsonObject format = openAi.value(QLatin1String("response_format")).toObject();
    const QString formatType = format.value(QLatin1String("type")).toString();
    if (formatType == QLatin1String("json_object") || formatType == QLatin1String("json_schema"))
        config.insert(QStringLiteral("responseMimeType"), QStringLiteral("application/json"));
    const QJsonObject schema = format.value(QLatin1String("json_schema"))
                                   .toObject()
                                   .value(QLatin1String("schema"))
                                   .toObject();
    if (formatType == QLatin1String("json_schema") && !schema.isEmpty())
        config.insert(QStringLiteral("responseSchema"), stripSchema(schema));
    return config;
}

} // namespace

QJsonObject stripSchema(const QJsonObject &schema)
{
    QJsonObject stripped;
    for (auto it = schema.constBegin(); it != schema.constEnd(); ++it) {
        if (isRejectedKey(it.key()))
            continue;
        if (isSchemaMap(it.key()) && it.value().isObject()) {
            QJsonObject map;
            const QJsonObject named = it.value().toObject();
            for (auto entry = named.constBegin(); entry != named.constEnd(); ++entry)
                map.insert(entry.key(), stripValue(entry.value()));
            stripped.insert(it.key(), map);
        } else {
            stripped.insert(it.key(), stripValue(it.value()));
        }
    }
    return stripped;
}

QString addOptions(const QJsonObject &openAi, QJsonObject *body, QString *errorParam)
{
    QString error = addTools(openAi.value(QLatin1String("tools")).toArray(), body);
    if (!error.isEmpty()) {
        *errorParam = QStringLiteral("tools");
        return error;
    }
    error = addToolChoice(openAi.value(QLatin1String("tool_choice")), body);
    if (!error.isEmpty()) {
        *errorParam = QStringLiteral("tool_choice");
        return error;
    }
    const QJsonObject config = generationConfig(openAi);
    if (!config.isEmpty())
        body->insert(QStringLiteral("generationConfig"), config);
    return {};
}

} // namespace aisbf::translate::google
