// SPDX-License-Identifier: GPL-3.0-or-later
#include "PasswordHash.h"

#include "Crypto.h"

#include <QStringList>

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace aisbf::auth {

namespace {

const QLatin1String kScheme("pbkdf2-sha256");

AuthError formatError(const QString &what)
{
    return authError(AuthError::Code::Format,
                     QStringLiteral("password hash is not \"pbkdf2-sha256$<iterations>$<salt "
                                    "base64>$<hash base64>\": ") +
                         what + QStringLiteral("; reset the password to store a new hash"));
}

// Holds the UTF-8 copy of a password and wipes it on the way out.
class Utf8Secret
{
public:
    explicit Utf8Secret(const QString &text) : m_bytes(text.toUtf8()) {}
    ~Utf8Secret() { OPENSSL_cleanse(m_bytes.data(), size_t(m_bytes.size())); }
    Utf8Secret(const Utf8Secret &) = delete;
    Utf8Secret &operator=(const Utf8Secret &) = delete;
    QByteArrayView view() const { return m_bytes; }

private:
    QByteArray m_bytes;
};

} // namespace

Result<QByteArray> PasswordHash::pbkdf2Sha256(QByteArrayView password, QByteArrayView salt,
                                              int iterations, int length)
{
    if (iterations < 1 || iterations > MaxIterations || length < 1 || length > 1024)
        return authError(AuthError::Code::Argument,
                         QStringLiteral("PBKDF2 iterations must be 1..%1 and the output length "
                                        "1..1024 bytes")
                             .arg(MaxIterations));
    QByteArray out(length, Qt::Uninitialized);
    // OpenSSL reads the password and salt by pointer; an empty view may have a null data().
    static const char empty = 0;
    const int ok = PKCS5_PBKDF2_HMAC(
        password.isEmpty() ? &empty : password.data(), int(password.size()),
        reinterpret_cast<const unsigned char *>(salt.isEmpty() ? &empty : salt.data()),
        int(salt.size()), iterations, EVP_sha256(), length,
        reinterpret_cast<unsigned char *>(out.data()));
    if (ok != 1)
        return authError(AuthError::Code::Crypto,
                         QStringLiteral("OpenSSL PKCS5_PBKDF2_HMAC failed"));
    return out;
}

Result<QString> PasswordHash::hash(const QString &password, int iterations)
{
    if (iterations < 1 || iterations > MaxIterations)
        return authError(AuthError::Code::Argument,
                         QStringLiteral("password hash iterations must be 1..%1, got %2")
                             .arg(MaxIterations)
                             .arg(iterations));
    Result<QByteArray> salt = randomBytes(SaltBytes);
    if (!salt.ok())
        return salt.error();
    const Utf8Secret secret(password);
    Result<QByteArray> derived = pbkdf2Sha256(secret.view(), salt.value(), iterations, HashBytes);
    if (!derived.ok())
        return derived.error();
    return QString(kScheme + QLatin1Char('$') + QString::number(iterations) + QLatin1Char('$') +
                   QString::fromLatin1(salt.value().toBase64()) + QLatin1Char('$') +
                   QString::fromLatin1(derived.value().toBase64()));
}

Result<PasswordHash::Parts> PasswordHash::parse(const QString &encoded)
{
    const QStringList fields = encoded.split(QLatin1Char('$'));
    if (fields.size() != 4)
        return formatError(
            QStringLiteral("expected 4 fields separated by '$', found %1").arg(fields.size()));
    if (fields[0] != kScheme)
        return formatError(QStringLiteral("unknown scheme (only pbkdf2-sha256 is supported)"));
    Parts parts;
    bool numeric = false;
    parts.iterations = fields[1].toInt(&numeric);
    if (!numeric || parts.iterations < 1 || parts.iterations > MaxIterations)
        return formatError(
            QStringLiteral("iterations must be a number from 1 to %1").arg(MaxIterations));
    parts.salt = strictFromBase64(fields[2].toLatin1());
    if (parts.salt.size() < 8 || parts.salt.size() > 64)
        return formatError(QStringLiteral("the salt must be base64 of 8 to 64 bytes"));
    parts.hash = strictFromBase64(fields[3].toLatin1());
    if (parts.hash.size() != HashBytes)
        return formatError(QStringLiteral("the hash must be base64 of %1 bytes").arg(HashBytes));
    return parts;
}

bool PasswordHash::verify(const QString &password, const QString &encoded)
{
    const Result<Parts> parts = parse(encoded);
    if (!parts.ok())
        return false;
    const Utf8Secret secret(password);
    const Result<QByteArray> derived =
        pbkdf2Sha256(secret.view(), parts.value().salt, parts.value().iterations, HashBytes);
    return derived.ok() && constantTimeEquals(derived.value(), parts.value().hash);
}

bool PasswordHash::needsRehash(const QString &encoded, int currentIterations)
{
    const Result<Parts> parts = parse(encoded);
    return !parts.ok() || parts.value().iterations < currentIterations;
}

bool verifyDashboardSha256(const QString &password, const QString &hexDigest)
{
    const QByteArray expected = strictFromHex(hexDigest.trimmed().toLatin1(), 32);
    const Utf8Secret secret(password);
    const QByteArray actual = sha256(secret.view());
    // Compare even when the stored digest is malformed, so both paths cost the same.
    const bool same =
        constantTimeEquals(actual, expected.isEmpty() ? QByteArray(32, '\0') : expected);
    return same && !expected.isEmpty();
}

} // namespace aisbf::auth
