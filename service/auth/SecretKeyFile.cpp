// SPDX-License-Identifier: GPL-3.0-or-later
#include "SecretKeyFile.h"

#include "Crypto.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>

#include <openssl/crypto.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcAuth, "aisbf.auth")

namespace aisbf::auth {

namespace {

// Reads at most this much: a key file is 32 raw bytes or ~45 bytes of base64 text.
constexpr qint64 kMaxFileBytes = 4096;

QString systemError(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

AuthError ioError(const QString &what, const QString &path, int error)
{
    return authError(
        AuthError::Code::Io,
        QStringLiteral("cannot %1 secret key file %2: %3").arg(what, path, systemError(error)));
}

// A key file holds 32 raw bytes or their base64 (surrounding whitespace allowed).
QByteArray decodeKey(const QByteArray &content)
{
    if (content.size() == SecretKeyFile::KeyBytes)
        return content;
    QByteArray decoded = strictFromBase64(content.trimmed());
    return decoded.size() == SecretKeyFile::KeyBytes ? decoded : QByteArray();
}

// Closes a file descriptor on every return path.
class FdGuard
{
public:
    explicit FdGuard(int fd) : m_fd(fd) {}
    ~FdGuard()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    FdGuard(const FdGuard &) = delete;
    FdGuard &operator=(const FdGuard &) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

QString octalMode(mode_t mode)
{
    return QString::number(mode & 0777, 8).rightJustified(4, QLatin1Char('0'));
}

Result<QByteArray> readKey(const QString &path)
{
    // Symlinks are followed on purpose: Kubernetes mounts secrets as links into "..data/".
    const FdGuard fd(::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0)
        return ioError(QStringLiteral("open"), path, errno);
    struct stat info = {};
    if (::fstat(fd.get(), &info) != 0)
        return ioError(QStringLiteral("inspect"), path, errno);
    if (!S_ISREG(info.st_mode))
        return authError(AuthError::Code::Io,
                         QStringLiteral("secret key file %1 is not a regular file").arg(path));
    if ((info.st_mode & 077) != 0)
        return authError(AuthError::Code::Permissions,
                         QStringLiteral("secret key file %1 has mode %2, which lets group or "
                                        "others access it; run: chmod 600 %1")
                             .arg(path, octalMode(info.st_mode)));
    QByteArray content(kMaxFileBytes, Qt::Uninitialized);
    qint64 total = 0;
    while (total < kMaxFileBytes) {
        const ssize_t n = ::read(fd.get(), content.data() + total, size_t(kMaxFileBytes - total));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int error = errno;
            OPENSSL_cleanse(content.data(), size_t(content.size()));
            return ioError(QStringLiteral("read"), path, error);
        }
        if (n == 0)
            break;
        total += n;
    }
    content.truncate(total);
    QByteArray key = decodeKey(content);
    OPENSSL_cleanse(content.data(), size_t(content.size()));
    if (key.isEmpty())
        return authError(AuthError::Code::Format,
                         QStringLiteral("secret key file %1 must hold a %2-byte key, as %2 raw "
                                        "bytes or as base64 text (%3 bytes found); move it "
                                        "away to create a new key, but values sealed with the "
                                        "old key can then no longer be opened")
                             .arg(path)
                             .arg(SecretKeyFile::KeyBytes)
                             .arg(total));
    return key;
}

bool writeAll(int fd, const QByteArray &data)
{
    qsizetype written = 0;
    while (written < data.size()) {
        const ssize_t n = ::write(fd, data.constData() + written, size_t(data.size() - written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        written += n;
    }
    return true;
}

// Writes a new key to a private temporary file, then link()s it into place: link() fails if
// the target exists, so a concurrent creator's key is never overwritten and never half-read.
Result<bool> createKey(const QString &path)
{
    Result<QByteArray> key = randomBytes(SecretKeyFile::KeyBytes);
    if (!key.ok())
        return key.error();
    Result<QByteArray> suffix = randomBytes(6);
    if (!suffix.ok())
        return suffix.error();
    const QString tempPath =
        path + QStringLiteral(".tmp-") + QString::fromLatin1(suffix.value().toHex());
    const QByteArray nativeTemp = QFile::encodeName(tempPath);
    const int fd = ::open(nativeTemp.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return ioError(QStringLiteral("create"), tempPath, errno);
    QByteArray raw = std::move(key).value();
    QByteArray text = raw.toBase64() + '\n';
    // fchmod: the umask may have taken bits from 0600 that reading the key back needs.
    const bool written = ::fchmod(fd, 0600) == 0 && writeAll(fd, text) && ::fsync(fd) == 0;
    const int writeErrno = errno;
    OPENSSL_cleanse(raw.data(), size_t(raw.size()));
    OPENSSL_cleanse(text.data(), size_t(text.size()));
    ::close(fd);
    if (!written) {
        ::unlink(nativeTemp.constData());
        return ioError(QStringLiteral("write"), tempPath, writeErrno);
    }
    const int linked = ::link(nativeTemp.constData(), QFile::encodeName(path).constData());
    const int linkErrno = errno;
    ::unlink(nativeTemp.constData());
    if (linked != 0 && linkErrno != EEXIST)
        return authError(AuthError::Code::Io,
                         QStringLiteral("cannot create secret key file %1: %2; create it by "
                                        "hand with: openssl rand -base64 32 > %1 && chmod 600 %1")
                             .arg(path, systemError(linkErrno)));
    if (linked != 0)
        return false; // another process created it first; its key is the one to use
    // Make the new directory entry durable: losing it in a crash would mean a new key on the
    // next start, and every value sealed with this one unreadable.
    const FdGuard dir(::open(QFile::encodeName(QFileInfo(path).absolutePath()).constData(),
                             O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() >= 0)
        ::fsync(dir.get());
    qCInfo(lcAuth, "created secret key file %s (mode 0600); back it up with the config",
           qPrintable(path));
    return true;
}

} // namespace

QString SecretKeyFile::defaultFileName()
{
    return QStringLiteral("secret.key");
}

QString SecretKeyFile::defaultPath(const QString &configDir)
{
    return QDir(configDir).filePath(defaultFileName());
}

Result<QByteArray> SecretKeyFile::load(const QString &path)
{
    return readKey(path);
}

Result<QByteArray> SecretKeyFile::loadOrCreate(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists() && !info.isSymLink()) {
        if (!info.absoluteDir().exists())
            return authError(AuthError::Code::Io,
                             QStringLiteral("cannot create secret key file %1: directory %2 "
                                            "does not exist")
                                 .arg(path, info.absolutePath()));
        Result<bool> created = createKey(path);
        if (!created.ok())
            return created.error();
    }
    return readKey(path);
}

} // namespace aisbf::auth
