// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "AuthResult.h"

#include <QString>
#include <QStringView>

namespace aisbf::auth {

/**
 * User API tokens: "aisbf_" + 40 base62 characters (about 238 bits from RAND_bytes). Only the
 * SHA-256 hex of a token is stored; the token itself is shown once, and afterwards as mask().
 */
class ApiToken
{
public:
    static constexpr int RandomChars = 40;
    static constexpr int Length = 6 + RandomChars;

    /** "aisbf_". */
    static QLatin1String prefix();

    /** A new random token; an error only if the OpenSSL random generator fails. */
    static Result<QString> generate();

    /** True for "aisbf_" followed by exactly 40 characters of [0-9A-Za-z]. */
    static bool isWellFormed(QStringView token);

    /** Lower-case hex SHA-256 of the token's UTF-8 bytes: the value to store and look up. */
    static QString storageHash(QStringView token);

    /** The last 4 characters, kept next to the hash for display; empty for short input. */
    static QString last4(QStringView token);

    /** "aisbf_…abcd"; "…" alone for input too short to show 4 characters of safely. */
    static QString mask(QStringView token);

    /** Builds the display form from a stored last4 (the token itself is no longer known). */
    static QString maskFromLast4(QStringView last4);

    /**
     * True when SHA-256(@p token) equals @p storedHexHash (64 hex digits, either case); the
     * digests are compared in constant time.
     */
    static bool matchesHash(QStringView token, QStringView storedHexHash);
};

} // namespace aisbf::auth
