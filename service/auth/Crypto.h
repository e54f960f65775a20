// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "AuthResult.h"

#include <QByteArray>
#include <QByteArrayView>

namespace aisbf::auth {

/** @p count bytes from OpenSSL's CSPRNG (RAND_bytes); an error if it is not seeded. */
Result<QByteArray> randomBytes(int count);

/**
 * True when @p a and @p b hold the same bytes. Sizes are compared first (they are public for
 * digests); equal-size contents are compared with CRYPTO_memcmp, which takes the same time
 * wherever the first difference is.
 */
bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

/** The raw 32-byte SHA-256 digest of @p data. */
QByteArray sha256(QByteArrayView data);

/**
 * Decodes exactly @p bytes bytes of hex (either case) from @p hex; an empty array when the text
 * has another length or a non-hex character. QByteArray::fromHex skips bad characters silently,
 * which a credential check must not do.
 */
QByteArray strictFromHex(QByteArrayView hex, int bytes);

/** Strict standard base64 (padding required); empty on any invalid character. */
QByteArray strictFromBase64(QByteArrayView base64);

} // namespace aisbf::auth
