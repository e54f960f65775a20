// SPDX-License-Identifier: GPL-3.0-or-later
#include "SecretBox.h"

#include "Crypto.h"
#include "SecretKeyFile.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>

namespace aisbf::auth {

struct SecretBox::Key
{
    std::array<unsigned char, KeyBytes> bytes{};
    ~Key() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

namespace {

const QLatin1String kVersionPrefix("v1:");
// Prepended to the caller's associated data: a v1 box's tags can never be valid for another
// format that happens to reuse the key.
constexpr char kDomain[] = "aisbf.secretbox.v1";

struct CipherContextDeleter
{
    void operator()(EVP_CIPHER_CTX *context) const { EVP_CIPHER_CTX_free(context); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextDeleter>;

const unsigned char *bytes(QByteArrayView view)
{
    return reinterpret_cast<const unsigned char *>(view.data());
}

AuthError cryptoError(const char *step)
{
    return authError(AuthError::Code::Crypto,
                     QStringLiteral("OpenSSL AES-256-GCM failed at %1").arg(QLatin1String(step)));
}

// Feeds the domain string and the caller's associated data into the tag.
bool addAssociatedData(EVP_CIPHER_CTX *context, QByteArrayView associatedData, bool encrypt)
{
    auto update = encrypt ? EVP_EncryptUpdate : EVP_DecryptUpdate;
    int length = 0;
    if (update(context, nullptr, &length, reinterpret_cast<const unsigned char *>(kDomain),
               int(sizeof(kDomain))) != 1)
        return false;
    return associatedData.isEmpty() || update(context, nullptr, &length, bytes(associatedData),
                                              int(associatedData.size())) == 1;
}

} // namespace

SecretBox::SecretBox(std::shared_ptr<const Key> key) : m_key(std::move(key)) {}

Result<SecretBox> SecretBox::fromKey(QByteArrayView key)
{
    if (key.size() != KeyBytes)
        return authError(AuthError::Code::Argument,
                         QStringLiteral("a secret box key must be %1 bytes, got %2")
                             .arg(KeyBytes)
                             .arg(key.size()));
    auto owned = std::make_shared<Key>();
    std::copy_n(bytes(key), KeyBytes, owned->bytes.begin());
    return SecretBox(std::move(owned));
}

Result<SecretBox> SecretBox::fromKeyFile(const QString &path)
{
    Result<QByteArray> key = SecretKeyFile::loadOrCreate(path);
    if (!key.ok())
        return key.error();
    QByteArray raw = std::move(key).value();
    Result<SecretBox> box = fromKey(raw);
    OPENSSL_cleanse(raw.data(), size_t(raw.size()));
    return box;
}

Result<QString> SecretBox::seal(QByteArrayView plaintext, QByteArrayView associatedData) const
{
    Result<QByteArray> nonce = randomBytes(NonceBytes);
    if (!nonce.ok())
        return nonce.error();
    QByteArray out(NonceBytes + plaintext.size() + TagBytes, Qt::Uninitialized);
    std::copy_n(nonce.value().constData(), NonceBytes, out.data());
    auto *cipher = reinterpret_cast<unsigned char *>(out.data()) + NonceBytes;

    const CipherContext context(EVP_CIPHER_CTX_new());
    int length = 0;
    if (!context || EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr,
                                       m_key->bytes.data(), bytes(nonce.value())) != 1)
        return cryptoError("init");
    if (!addAssociatedData(context.get(), associatedData, true))
        return cryptoError("associated data");
    if (!plaintext.isEmpty() && EVP_EncryptUpdate(context.get(), cipher, &length, bytes(plaintext),
                                                  int(plaintext.size())) != 1)
        return cryptoError("encrypt");
    int finalLength = 0;
    if (EVP_EncryptFinal_ex(context.get(), cipher + length, &finalLength) != 1)
        return cryptoError("final");
    if (EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, TagBytes,
                            cipher + plaintext.size()) != 1)
        return cryptoError("tag");
    return QString(kVersionPrefix + QString::fromLatin1(out.toBase64()));
}

Result<QByteArray> SecretBox::open(QStringView sealed, QByteArrayView associatedData) const
{
    const auto formatError = [] {
        return authError(AuthError::Code::Format,
                         QStringLiteral("sealed secret is not \"v1:<base64>\" of at least %1 "
                                        "bytes; store the secret again")
                             .arg(NonceBytes + TagBytes));
    };
    if (!sealed.startsWith(kVersionPrefix))
        return formatError();
    const QByteArray raw = strictFromBase64(sealed.mid(kVersionPrefix.size()).toLatin1());
    if (raw.size() < NonceBytes + TagBytes)
        return formatError();
    const qsizetype cipherSize = raw.size() - NonceBytes - TagBytes;
    const auto *nonce = bytes(raw);
    const auto *cipher = nonce + NonceBytes;
    QByteArray tag = raw.sliced(NonceBytes + cipherSize);
    QByteArray plain(cipherSize, Qt::Uninitialized);
    auto *out = reinterpret_cast<unsigned char *>(plain.data());

    const CipherContext context(EVP_CIPHER_CTX_new());
    int length = 0;
    if (!context || EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr,
                                       m_key->bytes.data(), nonce) != 1)
        return cryptoError("init");
    if (!addAssociatedData(context.get(), associatedData, false))
        return cryptoError("associated data");
    if (cipherSize > 0 &&
        EVP_DecryptUpdate(context.get(), out, &length, cipher, int(cipherSize)) != 1)
        return cryptoError("decrypt");
    if (EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, TagBytes, tag.data()) != 1)
        return cryptoError("tag");
    int finalLength = 0;
    if (EVP_DecryptFinal_ex(context.get(), out + length, &finalLength) != 1) {
        OPENSSL_cleanse(plain.data(), size_t(plain.size()));
        return authError(AuthError::Code::Tampered,
                         QStringLiteral("sealed secret failed authentication: it was changed, "
                                        "belongs to another owner, or was sealed with another "
                                        "secret.key"));
    }
    return plain;
}

bool SecretBox::isSealed(QStringView text)
{
    return text.startsWith(kVersionPrefix);
}

} // namespace aisbf::auth
