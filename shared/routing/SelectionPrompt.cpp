// SPDX-License-Identifier: GPL-3.0-or-later
#include "SelectionPrompt.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace aisbf::routing {

namespace {

constexpr int kSelectionMaxTokens = 64;

QString fallbackPrompt()
{
    return QStringLiteral("Choose the one route below that fits the user's request best.\n\n"
                          "Routes:\n{routes}\n\nAnswer with the route id only.");
}

} // namespace

QString defaultSelectionPrompt()
{
    static const QString prompt = [] {
        QFile file(QStringLiteral(":/aisbf/prompts/autoselect-selection.txt"));
        if (!file.open(QIODevice::ReadOnly))
            return fallbackPrompt(); // the resource is linked in; this is only a safety net
        return QString::fromUtf8(file.readAll()).trimmed();
    }();
    return prompt;
}

QByteArray selectionRequest(const QString &selectorModel, const QString &promptTemplate,
                            const QList<SelectionOption> &options, const QString &requestText)
{
    QStringList lines;
    for (const SelectionOption &option : options) {
        QString description = option.description.simplified();
        if (description.isEmpty())
            description = QStringLiteral("(no description)");
        lines.append(QStringLiteral("- ") + option.id + QStringLiteral(": ") + description);
    }
    QString system = promptTemplate;
    if (system.contains(QLatin1String("{routes}")))
        system.replace(QLatin1String("{routes}"), lines.join(u'\n'));
    else
        system += QStringLiteral("\n\nRoutes:\n") + lines.join(u'\n');
    const QJsonObject body{
        {QStringLiteral("model"), selectorModel},
        {QStringLiteral("messages"),
         QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("system")},
                                {QStringLiteral("content"), system}},
                    QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                {QStringLiteral("content"), requestText}}}},
        {QStringLiteral("max_tokens"), kSelectionMaxTokens},
        {QStringLiteral("temperature"), 0},
        {QStringLiteral("stream"), false}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

std::optional<qsizetype> parseSelection(const QString &reply, const QStringList &ids)
{
    // A reasoning model may think aloud first and name other routes there: read what follows.
    static const QRegularExpression thinking(QStringLiteral(R"(<think>.*?</think>)"),
                                             QRegularExpression::DotMatchesEverythingOption);
    QString answer = reply;
    answer.remove(thinking);
    QString whole = answer.trimmed();
    static const QRegularExpression wrapping(QStringLiteral(R"(^[`"'*\s]+|[`"'*.\s]+$)"));
    whole.remove(wrapping);
    if (const qsizetype exact = ids.indexOf(whole); exact >= 0)
        return exact;
    qsizetype best = -1;
    qsizetype bestAt = -1;
    for (qsizetype i = 0; i < ids.size(); ++i) {
        if (ids.at(i).isEmpty())
            continue;
        const qsizetype at = answer.indexOf(ids.at(i));
        if (at < 0)
            continue;
        if (best < 0 || at < bestAt || (at == bestAt && ids.at(i).size() > ids.at(best).size())) {
            best = i;
            bestAt = at;
        }
    }
    if (best >= 0)
        return best;
    static const QRegularExpression number(QStringLiteral(R"(^\s*(\d{1,3})\b)"));
    const QRegularExpressionMatch match = number.match(answer);
    if (match.hasMatch()) {
        const qsizetype index = match.captured(1).toInt() - 1;
        if (index >= 0 && index < ids.size())
            return index;
    }
    return std::nullopt;
}

std::optional<QString> completionText(const QByteArray &body)
{
    const QJsonValue content = QJsonDocument::fromJson(body)
                                   .object()
                                   .value(QLatin1String("choices"))
                                   .toArray()
                                   .at(0)
                                   .toObject()
                                   .value(QLatin1String("message"))
                                   .toObject()
                                   .value(QLatin1String("content"));
    if (!content.isString())
        return std::nullopt;
    return content.toString();
}

} // namespace aisbf::routing
