// SPDX-License-Identifier: GPL-3.0-or-later
#include "ContentClassifier.h"

#include <QJsonObject>
#include <QRegularExpression>
#include <QStringList>

namespace aisbf::routing {

namespace {

struct Pattern
{
    const char *what; ///< said in the reason; never the match itself
    QRegularExpression expression;
};

QRegularExpression caseless(const char *pattern)
{
    return QRegularExpression(QString::fromLatin1(pattern),
                              QRegularExpression::CaseInsensitiveOption |
                                  QRegularExpression::UseUnicodePropertiesOption);
}

QRegularExpression exact(const char *pattern)
{
    return QRegularExpression(QString::fromLatin1(pattern));
}

const QList<Pattern> &secretPatterns()
{
    static const QList<Pattern> patterns{
        {"a private key block", exact(R"(-----BEGIN [A-Z ]*PRIVATE KEY-----)")},
        {"an AWS access key id", exact(R"(\b(?:AKIA|ASIA)[0-9A-Z]{16}\b)")},
        {"an API key (sk-…)", exact(R"(\bsk-[A-Za-z0-9_\-]{20,})")},
        {"a GitHub token", exact(R"(\bgh[pousr]_[A-Za-z0-9]{30,})")},
        {"a Slack token", exact(R"(\bxox[abposr]-[A-Za-z0-9\-]{10,})")},
        {"a Google API key", exact(R"(\bAIza[0-9A-Za-z_\-]{35}\b)")},
        {"a JSON web token", exact(R"(\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.)")},
        {"a bearer token", caseless(R"(\bbearer\s+[A-Za-z0-9_\-\.=]{20,})")},
        {"a password or key assignment",
         // No leading \b: DB_PASSWORD=... and MY_API_KEY: ... count too.
         caseless(R"((?:password|passwd|secret|api[_\-]?key|access[_\-]?token|)"
                  R"(client[_\-]?secret)["']?\s*[:=]\s*["']?[^\s"',;]{4,})")},
        {"credentials in a URL", caseless(R"(\b[a-z][a-z0-9+.\-]*://[^\s/:@]+:[^\s/@]+@)")},
        {"an e-mail address", caseless(R"(\b[A-Z0-9._%+\-]+@[A-Z0-9.\-]+\.[A-Z]{2,}\b)")},
        {"a US social security number", exact(R"(\b\d{3}-\d{2}-\d{4}\b)")},
        {"an IBAN", exact(R"(\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,4})?\b)")},
    };
    return patterns;
}

// Words that say the text is private; matched as whole words, any case.
const QRegularExpression &privateWords()
{
    static const QRegularExpression words =
        caseless(R"(\b(private|confidential|secret|secrets|proprietary|internal[ \-]only|nda|)"
                 R"(do not share|don't share|customer data|personal data|pii|gdpr|hipaa|)"
                 R"(medical records?|patient data|credentials|password)\b)");
    return words;
}

const QRegularExpression &nsfwWords()
{
    static const QRegularExpression words =
        caseless(R"(\b(nsfw|porn|porno|pornographic|pornography|xxx|explicit sex|sex scene|sexual|)"
                 R"(erotic|erotica|nude|nudes|naked|hentai|fetish|orgasm|genitals?|blowjob)\b)");
    return words;
}

// A run of 13-19 digits (spaces or dashes between groups) that passes the Luhn check.
bool containsCardNumber(const QString &text)
{
    static const QRegularExpression run = exact(R"(\b\d(?:[ \-]?\d){12,18}\b)");
    for (auto it = run.globalMatch(text); it.hasNext();) {
        const QString digits = it.next().captured(0).remove(u' ').remove(u'-');
        int sum = 0;
        bool doubled = false;
        for (qsizetype i = digits.size() - 1; i >= 0; --i) {
            int digit = digits.at(i).digitValue();
            if (doubled) {
                digit *= 2;
                if (digit > 9)
                    digit -= 9;
            }
            sum += digit;
            doubled = !doubled;
        }
        if (sum % 10 == 0)
            return true;
    }
    return false;
}

QString partsText(const QJsonValue &content)
{
    if (content.isString())
        return content.toString();
    QStringList texts;
    const QJsonArray parts = content.toArray();
    for (const QJsonValue &part : parts) {
        const QJsonObject object = part.toObject();
        if (object.value(QLatin1String("text")).isString())
            texts.append(object.value(QLatin1String("text")).toString());
    }
    return texts.join(u'\n');
}

} // namespace

QString messagesText(const QJsonArray &messages, bool userOnly, int lastMessages, int maxChars)
{
    QStringList texts;
    for (qsizetype i = messages.size() - 1; i >= 0; --i) {
        const QJsonObject message = messages.at(i).toObject();
        if (userOnly && message.value(QLatin1String("role")).toString() != QLatin1String("user"))
            continue;
        texts.prepend(partsText(message.value(QLatin1String("content"))));
        if (lastMessages > 0 && texts.size() >= lastMessages)
            break;
    }
    QString text = texts.join(u'\n');
    if (maxChars > 0 && text.size() > maxChars)
        text = text.right(maxChars);
    return text;
}

bool hasImageParts(const QJsonArray &messages)
{
    for (const QJsonValue &message : messages) {
        const QJsonArray parts = message.toObject().value(QLatin1String("content")).toArray();
        for (const QJsonValue &part : parts) {
            const QString type = part.toObject().value(QLatin1String("type")).toString();
            if (type == QLatin1String("image_url") || type == QLatin1String("input_image") ||
                type == QLatin1String("image"))
                return true;
        }
    }
    return false;
}

std::optional<QString> privateContentReason(const QString &text)
{
    for (const Pattern &pattern : secretPatterns()) {
        if (pattern.expression.match(text).hasMatch())
            return QStringLiteral("the request contains ") + QLatin1String(pattern.what);
    }
    if (containsCardNumber(text))
        return QStringLiteral("the request contains a payment card number");
    const QRegularExpressionMatch word = privateWords().match(text);
    if (word.hasMatch())
        return QStringLiteral("the request says \"") + word.captured(1).toLower() + u'"';
    return std::nullopt;
}

std::optional<QString> nsfwContentReason(const QString &text)
{
    if (nsfwWords().match(text).hasMatch())
        return QStringLiteral("the request has explicit sexual terms");
    return std::nullopt;
}

} // namespace aisbf::routing
