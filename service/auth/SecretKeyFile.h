// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "AuthResult.h"

#include <QByteArray>
#include <QString>

namespace aisbf::auth {

/**
 * The server's 32-byte secret key, kept in a file of the config directory. The file holds the
 * key as base64 text (what `openssl rand -base64 32` prints) or as 32 raw bytes
 * (`openssl rand 32`). It must not be accessible by group or others.
 */
class SecretKeyFile
{
public:
    static constexpr int KeyBytes = 32;

    /** "secret.key". */
    static QString defaultFileName();

    /** @p configDir + "/secret.key". */
    static QString defaultPath(const QString &configDir);

    /**
     * Reads the key from @p path. When the file does not exist it is created with mode 0600
     * and a fresh random key (published atomically, so two processes starting together end up
     * with the same key). Refuses a file with any group/other permission bit, naming the file
     * and the chmod that fixes it, and a file that does not hold exactly 32 bytes of key.
     */
    static Result<QByteArray> loadOrCreate(const QString &path);

    /** Like loadOrCreate() but a missing file is an error. */
    static Result<QByteArray> load(const QString &path);
};

} // namespace aisbf::auth
