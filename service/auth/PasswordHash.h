// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "AuthResult.h"

#include <QByteArray>
#include <QString>

namespace aisbf::auth {

/**
 * Password hashes as self-describing strings:
 * "pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>" (standard base64 with padding,
 * 16-byte random salt, 32-byte PBKDF2-HMAC-SHA256 output). Passwords are hashed as UTF-8,
 * without Unicode normalisation.
 */
class PasswordHash
{
public:
    /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
    static constexpr int DefaultIterations = 310000;
    /** Stored strings above this are refused, so a tampered row cannot stall a login. */
    static constexpr int MaxIterations = 10000000;
    static constexpr int SaltBytes = 16;
    static constexpr int HashBytes = 32;

    /** The fields of a stored hash string. */
    struct Parts
    {
        int iterations = 0;
        QByteArray salt;
        QByteArray hash;
    };

    /** Hashes @p password with a fresh salt; @p iterations is lower only in tests. */
    static Result<QString> hash(const QString &password, int iterations = DefaultIterations);

    /**
     * True when @p password matches @p encoded. False for a wrong password and for a malformed
     * string (use parse() to tell them apart). The final comparison is constant time.
     */
    static bool verify(const QString &password, const QString &encoded);

    /** True when @p encoded uses fewer than @p currentIterations (or cannot be parsed). */
    static bool needsRehash(const QString &encoded, int currentIterations = DefaultIterations);

    /** Splits and decodes a stored string; the error names the field that is wrong. */
    static Result<Parts> parse(const QString &encoded);

    /** Raw PBKDF2-HMAC-SHA256 (PKCS5_PBKDF2_HMAC), exposed for known-answer tests. */
    static Result<QByteArray> pbkdf2Sha256(QByteArrayView password, QByteArrayView salt,
                                           int iterations, int length);
};

/**
 * The operator config's bootstrap admin: `"dashboard": {"password": "<sha256 hex>"}`. True when
 * SHA-256(UTF-8 @p password) equals @p hexDigest (64 hex digits, either case), compared in
 * constant time; false for a digest that is not 64 hex digits.
 */
bool verifyDashboardSha256(const QString &password, const QString &hexDigest);

} // namespace aisbf::auth
