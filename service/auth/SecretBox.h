// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "AuthResult.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QStringView>

#include <memory>

namespace aisbf::auth {

/**
 * AES-256-GCM encryption of secrets at rest (users' provider API keys). A sealed value is
 * "v1:" + base64(nonce[12] | ciphertext | tag[16]) with a fresh random nonce per seal.
 * Associated data (e.g. the owning user's id) is authenticated but not stored: opening with
 * other associated data fails, so a sealed value copied to another user's row is useless.
 *
 * Copies share one key buffer, which is wiped when the last copy goes away.
 */
class SecretBox
{
public:
    static constexpr int KeyBytes = 32;
    static constexpr int NonceBytes = 12;
    static constexpr int TagBytes = 16;

    /** A box over @p key, which must be exactly 32 bytes. */
    static Result<SecretBox> fromKey(QByteArrayView key);

    /** A box over the key in @p path, created (mode 0600) if missing; see SecretKeyFile. */
    static Result<SecretBox> fromKeyFile(const QString &path);

    Result<QString> seal(QByteArrayView plaintext, QByteArrayView associatedData = {}) const;

    /**
     * The plaintext of @p sealed. Fails with Code::Format for text that is not a v1 sealed
     * value and Code::Tampered when the key, the associated data or any byte differs.
     */
    Result<QByteArray> open(QStringView sealed, QByteArrayView associatedData = {}) const;

    /** True when @p text looks like a sealed value (so a plaintext key can be told apart). */
    static bool isSealed(QStringView text);

private:
    struct Key;
    explicit SecretBox(std::shared_ptr<const Key> key);

    std::shared_ptr<const Key> m_key;
};

} // namespace aisbf::auth
