// SPDX-License-Identifier: GPL-3.0-or-later
#include <auth/SecretBox.h>
#include <auth/SecretKeyFile.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using aisbf::auth::AuthError;
using aisbf::auth::SecretBox;
using aisbf::auth::SecretKeyFile;

namespace {

const QByteArray kSecret = QByteArrayLiteral("sk-ant-api03-very-secret-provider-key");

SecretBox boxWithKey(char fill)
{
    return SecretBox::fromKey(QByteArray(SecretBox::KeyBytes, fill)).value();
}

int fileMode(const QString &path)
{
    struct stat info = {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return -1;
    return int(info.st_mode & 07777);
}

bool writeFile(const QString &path, const QByteArray &content, int mode)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        return false;
    file.close();
    return ::chmod(QFile::encodeName(path).constData(), mode_t(mode)) == 0;
}

} // namespace

class TestSecretBox : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void noncesDiffer();
    void tamper_data();
    void tamper();
    void wrongAssociatedData();
    void wrongKey();
    void malformed_data();
    void malformed();
    void keyLength();
    void keyFileCreated0600();
    void keyFilePersists();
    void keyFileRefusesGroupOrOthers_data();
    void keyFileRefusesGroupOrOthers();
    void keyFileFormats_data();
    void keyFileFormats();
    void keyFileMissingDirectory();
};

void TestSecretBox::roundTrip_data()
{
    QTest::addColumn<QByteArray>("plaintext");
    QTest::addColumn<QByteArray>("associatedData");
    QTest::addRow("api key, user id") << kSecret << QByteArray("user:42");
    QTest::addRow("no associated data") << kSecret << QByteArray();
    QTest::addRow("empty plaintext") << QByteArray() << QByteArray("user:1");
    QTest::addRow("binary") << QByteArray("\0\1\2\xff", 4) << QByteArray("\0", 1);
    QTest::addRow("large") << QByteArray(100000, 'x') << QByteArray("user:7");
}

void TestSecretBox::roundTrip()
{
    QFETCH(QByteArray, plaintext);
    QFETCH(QByteArray, associatedData);
    const SecretBox box = boxWithKey('k');
    const auto sealed = box.seal(plaintext, associatedData);
    QVERIFY(sealed.ok());
    QVERIFY(sealed.value().startsWith(QStringLiteral("v1:")));
    QVERIFY(SecretBox::isSealed(sealed.value()));
    QVERIFY(!sealed.value().contains(QString::fromLatin1(plaintext.left(8))) ||
            plaintext.isEmpty());
    const QByteArray raw = QByteArray::fromBase64(sealed.value().mid(3).toLatin1());
    QCOMPARE(raw.size(), SecretBox::NonceBytes + plaintext.size() + SecretBox::TagBytes);
    const auto opened = box.open(sealed.value(), associatedData);
    QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().message));
    QCOMPARE(opened.value(), plaintext);
}

void TestSecretBox::noncesDiffer()
{
    const SecretBox box = boxWithKey('k');
    QVERIFY(box.seal(kSecret).value() != box.seal(kSecret).value());
}

void TestSecretBox::tamper_data()
{
    QTest::addColumn<int>("offset");
    const int cipherEnd = SecretBox::NonceBytes + int(kSecret.size());
    QTest::addRow("nonce first byte") << 0;
    QTest::addRow("nonce last byte") << SecretBox::NonceBytes - 1;
    QTest::addRow("ciphertext first byte") << SecretBox::NonceBytes;
    QTest::addRow("ciphertext last byte") << cipherEnd - 1;
    QTest::addRow("tag first byte") << cipherEnd;
    QTest::addRow("tag last byte") << cipherEnd + SecretBox::TagBytes - 1;
}

void TestSecretBox::tamper()
{
    QFETCH(int, offset);
    const SecretBox box = boxWithKey('k');
    const QString sealed = box.seal(kSecret, "user:42").value();
    QByteArray raw = QByteArray::fromBase64(sealed.mid(3).toLatin1());
    raw[offset] = char(raw[offset] ^ 0x01);
    const QString tampered = QStringLiteral("v1:") + QString::fromLatin1(raw.toBase64());
    const auto opened = box.open(tampered, "user:42");
    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().code, AuthError::Code::Tampered);
    QVERIFY(!opened.error().message.contains(QString::fromLatin1(kSecret)));
}

void TestSecretBox::wrongAssociatedData()
{
    const SecretBox box = boxWithKey('k');
    const QString sealed = box.seal(kSecret, "user:42").value();
    for (const QByteArray &other : {QByteArray("user:43"), QByteArray(), QByteArray("user:42 ")}) {
        const auto opened = box.open(sealed, other);
        QVERIFY(!opened.ok());
        QCOMPARE(opened.error().code, AuthError::Code::Tampered);
    }
    // Sealed without associated data: opening with some fails too.
    QVERIFY(!box.open(box.seal(kSecret).value(), "user:42").ok());
}

void TestSecretBox::wrongKey()
{
    const QString sealed = boxWithKey('k').seal(kSecret, "user:42").value();
    const auto opened = boxWithKey('j').open(sealed, "user:42");
    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().code, AuthError::Code::Tampered);
}

void TestSecretBox::malformed_data()
{
    QTest::addColumn<QString>("sealed");
    QTest::addRow("empty") << QString();
    QTest::addRow("plaintext key") << QString::fromLatin1(kSecret);
    QTest::addRow("other version") << QStringLiteral("v2:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    QTest::addRow("not base64") << QStringLiteral("v1:!!!!");
    QTest::addRow("too short") << QStringLiteral("v1:") +
                                      QString::fromLatin1(QByteArray(27, 'a').toBase64());
}

void TestSecretBox::malformed()
{
    QFETCH(QString, sealed);
    const auto opened = boxWithKey('k').open(sealed);
    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().code, AuthError::Code::Format);
    QVERIFY(!opened.error().message.contains(QString::fromLatin1(kSecret)));
}

void TestSecretBox::keyLength()
{
    for (const int size : {0, 16, 31, 33, 64}) {
        const auto box = SecretBox::fromKey(QByteArray(size, 'k'));
        QVERIFY(!box.ok());
        QCOMPARE(box.error().code, AuthError::Code::Argument);
    }
}

void TestSecretBox::keyFileCreated0600()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = SecretKeyFile::defaultPath(dir.path());
    QCOMPARE(path, dir.filePath(QStringLiteral("secret.key")));
    QVERIFY(!QFile::exists(path));
    const auto box = SecretBox::fromKeyFile(path);
    QVERIFY2(box.ok(), box.ok() ? "" : qPrintable(box.error().message));
    QCOMPARE(fileMode(path), 0600);
    // Base64 text of 32 bytes and a newline; no temporary file left behind.
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QByteArray::fromBase64(file.readAll().trimmed()).size(), 32);
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 1);
}

void TestSecretBox::keyFilePersists()
{
    QTemporaryDir dir;
    const QString path = SecretKeyFile::defaultPath(dir.path());
    const QString sealed = SecretBox::fromKeyFile(path).value().seal(kSecret, "user:42").value();
    const auto reopened = SecretBox::fromKeyFile(path);
    QVERIFY(reopened.ok());
    QCOMPARE(reopened.value().open(sealed, "user:42").value(), kSecret);
}

void TestSecretBox::keyFileRefusesGroupOrOthers_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<bool>("accepted");
    QTest::addRow("0600") << 0600 << true;
    QTest::addRow("0400") << 0400 << true;
    QTest::addRow("0644") << 0644 << false;
    QTest::addRow("0640") << 0640 << false;
    QTest::addRow("0604") << 0604 << false;
    QTest::addRow("0620") << 0620 << false;
}

void TestSecretBox::keyFileRefusesGroupOrOthers()
{
    QFETCH(int, mode);
    QFETCH(bool, accepted);
    QTemporaryDir dir;
    const QString path = SecretKeyFile::defaultPath(dir.path());
    QVERIFY(SecretBox::fromKeyFile(path).ok());
    QVERIFY(::chmod(QFile::encodeName(path).constData(), mode_t(mode)) == 0);
    const auto box = SecretBox::fromKeyFile(path);
    QCOMPARE(box.ok(), accepted);
    if (!accepted) {
        QCOMPARE(box.error().code, AuthError::Code::Permissions);
        QVERIFY2(box.error().message.contains(QStringLiteral("chmod 600 ") + path),
                 qPrintable(box.error().message));
        QVERIFY(box.error().message.contains(QString::number(mode, 8)));
    }
}

void TestSecretBox::keyFileFormats_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<bool>("accepted");
    const QByteArray key(32, '\x5a');
    QTest::addRow("32 raw bytes") << key << true;
    QTest::addRow("base64 with newline") << key.toBase64() + '\n' << true;
    QTest::addRow("16 raw bytes") << QByteArray(16, 'k') << false;
    QTest::addRow("33 raw bytes") << QByteArray(33, 'k') << false;
    QTest::addRow("base64 of 16 bytes") << QByteArray(16, 'k').toBase64() << false;
    QTest::addRow("empty") << QByteArray() << false;
    QTest::addRow("garbage text") << QByteArray("not a key at all, really not") << false;
}

void TestSecretBox::keyFileFormats()
{
    QFETCH(QByteArray, content);
    QFETCH(bool, accepted);
    QTemporaryDir dir;
    const QString path = SecretKeyFile::defaultPath(dir.path());
    QVERIFY(writeFile(path, content, 0600));
    const auto key = SecretKeyFile::load(path);
    QCOMPARE(key.ok(), accepted);
    if (accepted) {
        QCOMPARE(key.value(), QByteArray(32, '\x5a'));
    } else {
        QCOMPARE(key.error().code, AuthError::Code::Format);
        QVERIFY(key.error().message.contains(path));
        QVERIFY(key.error().message.contains(QStringLiteral("32-byte")));
    }
}

void TestSecretBox::keyFileMissingDirectory()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("no-such-dir/secret.key"));
    const auto box = SecretBox::fromKeyFile(path);
    QVERIFY(!box.ok());
    QCOMPARE(box.error().code, AuthError::Code::Io);
    QVERIFY(box.error().message.contains(path));
    QVERIFY(!SecretKeyFile::load(dir.filePath(QStringLiteral("absent.key"))).ok());
}

QTEST_GUILESS_MAIN(TestSecretBox)
#include "tst_secret_box.moc"
