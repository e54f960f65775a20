// SPDX-License-Identifier: GPL-3.0-or-later
#include "Crypto.h"

#include <QCryptographicHash>

#include <openssl/crypto.h>
#include <openssl/rand.h>

namespace aisbf::auth {

Result<QByteArray> randomBytes(int count)
{
    if (count < 0)
        return authError(AuthError::Code::Argument, QStringLiteral("negative random byte count"));
    QByteArray bytes(count, Qt::Uninitialized);
    if (count > 0 && RAND_bytes(reinterpret_cast<unsigned char *>(bytes.data()), count) != 1)
        return authError(AuthError::Code::Crypto,
                         QStringLiteral("the OpenSSL random generator failed (RAND_bytes); check "
                                        "that /dev/urandom is available"));
    return bytes;
}

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    if (a.isEmpty())
        return true;
    return CRYPTO_memcmp(a.data(), b.data(), size_t(a.size())) == 0;
}

QByteArray sha256(QByteArrayView data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256);
}

namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

QByteArray strictFromHex(QByteArrayView hex, int bytes)
{
    if (hex.size() != qsizetype(bytes) * 2)
        return {};
    QByteArray out(bytes, Qt::Uninitialized);
    for (int i = 0; i < bytes; ++i) {
        const int high = hexValue(hex[2 * i]);
        const int low = hexValue(hex[2 * i + 1]);
        if (high < 0 || low < 0)
            return {};
        out[i] = char((high << 4) | low);
    }
    return out;
}

QByteArray strictFromBase64(QByteArrayView base64)
{
    auto decoded = QByteArray::fromBase64Encoding(base64.toByteArray(),
                                                  QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return {};
    return std::move(decoded.decoded);
}

} // namespace aisbf::auth
