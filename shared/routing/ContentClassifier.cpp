// SPDX-License-Identifier: GPL-3.0-or-later
#include "ContentClassifier.h"

#include <QJsonObject>
#include <QRegularExpression>
#include <QStringList>

#include <algorithm>
#include <array>

namespace aisbf::routing {

namespace {

// Secrets and personal data by their shape, one expression each: PCRE2's JIT finds a pattern
// that starts with a literal or a narrow class at about 0.7 ns a character, while the same
// patterns joined into one alternation took 50 times longer (tests/bench/autoselect-bench.cpp
// and README, "Autoselect").
struct Shape
{
    const char *what; ///< said in the reason; never the match itself
    const char *pattern;
    bool caseless = false;
};

constexpr Shape kShapes[] = {
    {"a private key block", R"(-----BEGIN [A-Z ]*PRIVATE KEY-----)"},
    {"an AWS access key id", R"(\b(?:AKIA|ASIA)[0-9A-Z]{16}\b)"},
    {"an API key (sk-…)", R"(\bsk-[A-Za-z0-9_\-]{20,})"},
    {"a GitHub token", R"(\bgh[pousr]_[A-Za-z0-9]{30,})"},
    {"a Slack token", R"(\bxox[abposr]-[A-Za-z0-9\-]{10,})"},
    {"a Google API key", R"(\bAIza[0-9A-Za-z_\-]{35}\b)"},
    {"a JSON web token", R"(\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.)"},
    {"a bearer token", R"(\bbearer\s+[A-Za-z0-9_\-\.=]{20,})", true},
    // No leading \b: DB_PASSWORD=... and MY_API_KEY: ... count too.
    {"a password or key assignment",
     R"((?:password|passwd|secret|api[_\-]?key|access[_\-]?token|client[_\-]?secret))"
     R"(["']?\s*[:=]\s*["']?[^\s"',;]{4,})",
     true},
    {"credentials in a URL", R"(\b[a-z][a-z0-9+.\-]*://[^\s/:@]+:[^\s/@]+@)", true},
    {"a US social security number", R"(\b\d{3}-\d{2}-\d{4}\b)"},
    {"an IBAN", R"(\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,4})?\b)"},
};
constexpr std::size_t kShapeCount = sizeof(kShapes) / sizeof(kShapes[0]);

QRegularExpression compiled(const char *pattern, bool caseless)
{
    QRegularExpression expression(QString::fromUtf8(pattern),
                                  caseless ? QRegularExpression::CaseInsensitiveOption
                                           : QRegularExpression::NoPatternOption);
    expression.optimize();
    return expression;
}

// One set per thread: plans of long requests run on pool threads.
const std::array<QRegularExpression, kShapeCount> &shapeExpressions()
{
    thread_local const std::array<QRegularExpression, kShapeCount> expressions = [] {
        std::array<QRegularExpression, kShapeCount> out;
        for (std::size_t i = 0; i < kShapeCount; ++i)
            out[i] = compiled(kShapes[i].pattern, kShapes[i].caseless);
        return out;
    }();
    return expressions;
}

// The e-mail shape may start at any letter, so it is slow: it runs only when there is an '@'.
const QRegularExpression &emailShape()
{
    thread_local const QRegularExpression expression =
        compiled(R"(\b[A-Z0-9._%+\-]+@[A-Z0-9.\-]+\.[A-Z]{2,}\b)", true);
    return expression;
}

// Words of up to this many characters are compared; no term has a longer word.
constexpr qsizetype kMaxTermWord = 24;

/** A word list to look for: each term one to three lower-case words. */
struct TermList
{
    struct Term
    {
        const char *text;  ///< as written, for the reason
        QStringList words; ///< lower case
    };
    QList<Term> terms;

    /** Indexes into terms by the length of their last word: a word is compared only with
     *  the terms it could end. */
    std::array<QList<qsizetype>, kMaxTermWord + 1> byLastLength;

    explicit TermList(std::initializer_list<const char *> texts)
    {
        for (const char *text : texts) {
            terms.append({text, QString::fromLatin1(text).split(u' ')});
            byLastLength[terms.last().words.last().size()].append(terms.size() - 1);
        }
    }
};

const TermList &privateTerms()
{
    static const TermList list{
        "private",       "confidential",  "secret",         "secrets",        "proprietary",
        "nda",           "pii",           "gdpr",           "hipaa",          "credentials",
        "password",      "internal only", "do not share",   "don't share",    "customer data",
        "personal data", "patient data",  "medical record", "medical records"};
    return list;
}

const TermList &nsfwTerms()
{
    static const TermList list{"nsfw",    "porn",     "porno",   "pornographic", "pornography",
                               "xxx",     "sexual",   "erotic",  "erotica",      "nude",
                               "nudes",   "naked",    "hentai",  "fetish",       "orgasm",
                               "genital", "genitals", "blowjob", "explicit sex", "sex scene"};
    return list;
}

bool isWordChar(QChar c)
{
    return c.unicode() < 0x80 ? (c.isLetterOrNumber()) : c.isLetter();
}

QChar lower(QChar c)
{
    if (c.unicode() < 0x80)
        return (c.unicode() >= u'A' && c.unicode() <= u'Z') ? QChar(c.unicode() | 0x20) : c;
    return c.toLower();
}

/**
 * The first term of @p list in @p text, as whole words (letters and digits; an apostrophe
 * between letters stays in the word), any case; the words of a phrase may be separated by
 * spaces or hyphens. One pass, no allocation per word: the last three words are kept lower-cased
 * in fixed buffers and compared with each term.
 */
const char *findTerm(const QString &text, const TermList &list)
{
    std::array<std::array<QChar, kMaxTermWord>, 3> buffers{};
    std::array<qsizetype, 3> lengths{};
    int newest = 0;
    int held = 0; // words in the window, newest last
    const qsizetype n = text.size();
    auto word = [&](int back) { // 0 = newest
        const int slot = (newest - back + 3) % 3;
        return QStringView(buffers[slot].data(), lengths[slot]);
    };
    for (qsizetype i = 0; i < n;) {
        if (!isWordChar(text.at(i))) {
            ++i;
            continue;
        }
        const qsizetype start = i;
        while (i < n && (isWordChar(text.at(i)) ||
                         (text.at(i) == u'\'' && i + 1 < n && text.at(i + 1).isLetter())))
            ++i;
        const qsizetype length = i - start;
        if (length > kMaxTermWord) {
            held = 0; // no term has such a word; it breaks any phrase
            continue;
        }
        newest = (newest + 1) % 3;
        for (qsizetype k = 0; k < length; ++k)
            buffers[newest][k] = lower(text.at(start + k));
        lengths[newest] = length;
        held = std::min(held + 1, 3);
        for (const qsizetype index : list.byLastLength[length]) {
            const TermList::Term &term = list.terms.at(index);
            const qsizetype count = term.words.size();
            if (count > held)
                continue;
            bool match = true;
            for (qsizetype w = 0; w < count && match; ++w)
                match = word(int(count - 1 - w)) == term.words.at(w);
            if (match)
                return term.text;
        }
        // Spaces and hyphens join the words of a phrase; anything else breaks it.
        if (i < n && text.at(i) != u' ' && text.at(i) != u'-')
            held = 0;
    }
    return nullptr;
}

bool luhnValid(const std::array<int, 19> &digits, int count)
{
    int sum = 0;
    bool doubled = false;
    for (int i = count - 1; i >= 0; --i) {
        int digit = digits[i];
        if (doubled) {
            digit *= 2;
            if (digit > 9)
                digit -= 9;
        }
        sum += digit;
        doubled = !doubled;
    }
    return sum % 10 == 0;
}

bool isDigit(QChar c)
{
    return c.unicode() >= u'0' && c.unicode() <= u'9';
}

// A run of 13-19 digits (single spaces or dashes between them) that passes the Luhn check.
bool containsCardNumber(const QString &text)
{
    std::array<int, 19> digits{};
    int count = 0;
    bool skipping = false; // inside a word that did not start with the run
    const qsizetype n = text.size();
    for (qsizetype i = 0; i <= n; ++i) {
        const QChar c = i < n ? text.at(i) : QChar();
        if (isDigit(c)) {
            if (count == 0 && i > 0 && isWordChar(text.at(i - 1)))
                skipping = true; // part of an identifier such as "x2024"
            if (skipping)
                continue;
            if (count == 19) {
                skipping = true; // too long for a card number
                count = 0;
                continue;
            }
            digits[count++] = c.unicode() - u'0';
            continue;
        }
        if (count > 0 && (c == u' ' || c == u'-') && i + 1 < n && isDigit(text.at(i + 1)))
            continue;
        if (!isWordChar(c) && count >= 13 && luhnValid(digits, count))
            return true;
        count = 0;
        skipping = isWordChar(c) && skipping;
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
    const auto &expressions = shapeExpressions();
    for (std::size_t i = 0; i < kShapeCount; ++i) {
        if (expressions[i].match(text).hasMatch())
            return QStringLiteral("the request contains ") + QString::fromUtf8(kShapes[i].what);
    }
    if (text.contains(u'@') && emailShape().match(text).hasMatch())
        return QStringLiteral("the request contains an e-mail address");
    if (containsCardNumber(text))
        return QStringLiteral("the request contains a payment card number");
    if (const char *term = findTerm(text, privateTerms()))
        return QStringLiteral("the request says \"") + QLatin1String(term) + u'"';
    return std::nullopt;
}

std::optional<QString> nsfwContentReason(const QString &text)
{
    if (findTerm(text, nsfwTerms()))
        return QStringLiteral("the request has explicit sexual terms");
    return std::nullopt;
}

} // namespace aisbf::routing
