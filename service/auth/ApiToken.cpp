// SPDX-License-Identifier: GPL-3.0-or-later
#include "ApiToken.h"

#include "Crypto.h"

namespace aisbf::auth {

namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr int kAlphabetSize = 62;
// Bytes at or above 248 (= 4 * 62) are dropped, so `byte % 62` has no modulo bias.
constexpr int kUnbiasedLimit = 248;
// A token needs 40 accepted bytes; 3% are rejected, so 48 nearly always suffice in one call.
constexpr int kBatch = 48;
constexpr QChar kEllipsis(0x2026);

bool isBase62(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'0' && u <= u'9') || (u >= u'A' && u <= u'Z') || (u >= u'a' && u <= u'z');
}

} // namespace

QLatin1String ApiToken::prefix()
{
    return QLatin1String("aisbf_");
}

Result<QString> ApiToken::generate()
{
    QString token = prefix();
    token.reserve(Length);
    while (token.size() < Length) {
        Result<QByteArray> bytes = randomBytes(kBatch);
        if (!bytes.ok())
            return bytes.error();
        for (const char byte : bytes.value()) {
            const auto value = static_cast<unsigned char>(byte);
            if (value >= kUnbiasedLimit)
                continue;
            token.append(QLatin1Char(kAlphabet[value % kAlphabetSize]));
            if (token.size() == Length)
                break;
        }
    }
    return token;
}

bool ApiToken::isWellFormed(QStringView token)
{
    if (token.size() != Length || !token.startsWith(prefix()))
        return false;
    for (const QChar c : token.mid(prefix().size()))
        if (!isBase62(c))
            return false;
    return true;
}

QString ApiToken::storageHash(QStringView token)
{
    return QString::fromLatin1(sha256(token.toUtf8()).toHex());
}

QString ApiToken::last4(QStringView token)
{
    // Showing 4 characters of something short would reveal most of it.
    if (token.size() < 12)
        return {};
    return token.right(4).toString();
}

QString ApiToken::mask(QStringView token)
{
    const QString tail = last4(token);
    if (tail.isEmpty())
        return QString(kEllipsis);
    const QString head = token.startsWith(prefix()) ? QString(prefix()) : QString();
    return head + kEllipsis + tail;
}

QString ApiToken::maskFromLast4(QStringView last4)
{
    if (last4.isEmpty())
        return QString(kEllipsis);
    return prefix() + kEllipsis + last4.toString();
}

bool ApiToken::matchesHash(QStringView token, QStringView storedHexHash)
{
    const QByteArray expected = strictFromHex(storedHexHash.toLatin1(), 32);
    if (expected.isEmpty())
        return false;
    return constantTimeEquals(sha256(token.toUtf8()), expected);
}

} // namespace aisbf::auth
