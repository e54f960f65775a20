// SPDX-License-Identifier: GPL-3.0-or-later
#include <auth/PasswordHash.h>

#include <QElapsedTimer>
#include <QTest>

using aisbf::auth::PasswordHash;

class TestPasswordHash : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pbkdf2KnownAnswers_data();
    void pbkdf2KnownAnswers();
    void hashAndVerify_data();
    void hashAndVerify();
    void saltsDiffer();
    void format();
    void malformed_data();
    void malformed();
    void needsRehash_data();
    void needsRehash();
    void defaultIterationCost();
    void dashboardSha256_data();
    void dashboardSha256();
};

// RFC 7914 section 11 and the RFC 6070-style SHA-256 vectors (checked against Python hashlib).
void TestPasswordHash::pbkdf2KnownAnswers_data()
{
    QTest::addColumn<QByteArray>("password");
    QTest::addColumn<QByteArray>("salt");
    QTest::addColumn<int>("iterations");
    QTest::addColumn<QByteArray>("expectedHex");
    QTest::addRow("rfc7914 passwd/salt c=1")
        << QByteArray("passwd") << QByteArray("salt") << 1
        << QByteArray("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                      "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
    QTest::addRow("rfc7914 Password/NaCl c=80000")
        << QByteArray("Password") << QByteArray("NaCl") << 80000
        << QByteArray("4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
                      "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
    QTest::addRow("password/salt c=1")
        << QByteArray("password") << QByteArray("salt") << 1
        << QByteArray("120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
    QTest::addRow("password/salt c=2")
        << QByteArray("password") << QByteArray("salt") << 2
        << QByteArray("ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43");
    QTest::addRow("password/salt c=4096")
        << QByteArray("password") << QByteArray("salt") << 4096
        << QByteArray("c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
    QTest::addRow("long password and salt, 40 bytes")
        << QByteArray("passwordPASSWORDpassword")
        << QByteArray("saltSALTsaltSALTsaltSALTsaltSALTsalt") << 4096
        << QByteArray("348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c63551"
                      "8c7dac47e9");
    QTest::addRow("embedded NUL, 16 bytes")
        << QByteArray("pass\0word", 9) << QByteArray("sa\0lt", 5) << 4096
        << QByteArray("89b69d0516f829893c696226650a8687");
}

void TestPasswordHash::pbkdf2KnownAnswers()
{
    QFETCH(QByteArray, password);
    QFETCH(QByteArray, salt);
    QFETCH(int, iterations);
    QFETCH(QByteArray, expectedHex);
    const auto derived =
        PasswordHash::pbkdf2Sha256(password, salt, iterations, int(expectedHex.size() / 2));
    QVERIFY(derived.ok());
    QCOMPARE(derived.value().toHex(), expectedHex);
}

void TestPasswordHash::hashAndVerify_data()
{
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("attempt");
    QTest::addColumn<bool>("matches");
    QTest::addRow("same") << QStringLiteral("correct horse") << QStringLiteral("correct horse")
                          << true;
    QTest::addRow("wrong") << QStringLiteral("correct horse") << QStringLiteral("correct hors")
                           << false;
    QTest::addRow("case differs") << QStringLiteral("Secret") << QStringLiteral("secret") << false;
    QTest::addRow("trailing space") << QStringLiteral("pw") << QStringLiteral("pw ") << false;
    QTest::addRow("empty") << QString() << QString() << true;
    QTest::addRow("empty attempt") << QStringLiteral("pw") << QString() << false;
    QTest::addRow("unicode") << QStringLiteral("p\u00e4ss\u20ac\U0001F511")
                             << QStringLiteral("p\u00e4ss\u20ac\U0001F511") << true;
}

void TestPasswordHash::hashAndVerify()
{
    QFETCH(QString, password);
    QFETCH(QString, attempt);
    QFETCH(bool, matches);
    const auto encoded = PasswordHash::hash(password, 1000);
    QVERIFY(encoded.ok());
    QCOMPARE(PasswordHash::verify(attempt, encoded.value()), matches);
}

void TestPasswordHash::saltsDiffer()
{
    const auto a = PasswordHash::hash(QStringLiteral("pw"), 10);
    const auto b = PasswordHash::hash(QStringLiteral("pw"), 10);
    QVERIFY(a.ok() && b.ok());
    QVERIFY(a.value() != b.value());
}

void TestPasswordHash::format()
{
    const auto encoded = PasswordHash::hash(QStringLiteral("pw"), 1234);
    QVERIFY(encoded.ok());
    const QStringList fields = encoded.value().split(QLatin1Char('$'));
    QCOMPARE(fields.size(), 4);
    QCOMPARE(fields[0], QStringLiteral("pbkdf2-sha256"));
    QCOMPARE(fields[1], QStringLiteral("1234"));
    const auto parts = PasswordHash::parse(encoded.value());
    QVERIFY(parts.ok());
    QCOMPARE(parts.value().iterations, 1234);
    QCOMPARE(parts.value().salt.size(), 16);
    QCOMPARE(parts.value().hash.size(), 32);
    QCOMPARE(QByteArray::fromBase64(fields[2].toLatin1()), parts.value().salt);

    QVERIFY(!PasswordHash::hash(QStringLiteral("pw"), 0).ok());
    QVERIFY(!PasswordHash::hash(QStringLiteral("pw"), PasswordHash::MaxIterations + 1).ok());
}

void TestPasswordHash::malformed_data()
{
    // A valid hash of "pw" with 1000 iterations; each row damages one part of it.
    const QString valid = PasswordHash::hash(QStringLiteral("pw"), 1000).value();
    const QStringList f = valid.split(QLatin1Char('$'));
    const QString dollar(QLatin1Char('$'));
    QString flipped = f[3];
    flipped[5] = flipped[5] == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');

    QTest::addColumn<QString>("encoded");
    QTest::addColumn<bool>("parses");
    QTest::addRow("valid") << valid << true;
    QTest::addRow("hash byte changed")
        << f[0] + dollar + f[1] + dollar + f[2] + dollar + flipped << true;
    QTest::addRow("iterations changed")
        << f[0] + dollar + QStringLiteral("1001") + dollar + f[2] + dollar + f[3] << true;
    QTest::addRow("empty") << QString() << false;
    QTest::addRow("three fields") << f[0] + dollar + f[1] + dollar + f[2] << false;
    QTest::addRow("other scheme") << QStringLiteral("bcrypt") + dollar + f[1] + dollar + f[2] +
                                         dollar + f[3]
                                  << false;
    QTest::addRow("iterations not a number")
        << f[0] + dollar + QStringLiteral("many") + dollar + f[2] + dollar + f[3] << false;
    QTest::addRow("iterations zero")
        << f[0] + dollar + QStringLiteral("0") + dollar + f[2] + dollar + f[3] << false;
    QTest::addRow("iterations absurd")
        << f[0] + dollar + QStringLiteral("2000000000") + dollar + f[2] + dollar + f[3] << false;
    QTest::addRow("salt not base64")
        << f[0] + dollar + f[1] + dollar + QStringLiteral("!!!!") + dollar + f[3] << false;
    QTest::addRow("hash truncated")
        << f[0] + dollar + f[1] + dollar + f[2] + dollar + f[3].left(20) << false;
    QTest::addRow("extra field") << valid + dollar + QStringLiteral("x") << false;
}

void TestPasswordHash::malformed()
{
    QFETCH(QString, encoded);
    QFETCH(bool, parses);
    const auto parts = PasswordHash::parse(encoded);
    QCOMPARE(parts.ok(), parses);
    if (!parts.ok()) {
        QVERIFY(parts.error().message.contains(QStringLiteral("pbkdf2-sha256$")));
        QVERIFY(!PasswordHash::verify(QStringLiteral("pw"), encoded));
    }
    // Only the untouched string may verify.
    QCOMPARE(PasswordHash::verify(QStringLiteral("pw"), encoded),
             QByteArray(QTest::currentDataTag()) == "valid");
}

void TestPasswordHash::needsRehash_data()
{
    QTest::addColumn<int>("stored");
    QTest::addColumn<int>("current");
    QTest::addColumn<bool>("expected");
    QTest::addRow("below") << 1000 << 2000 << true;
    QTest::addRow("equal") << 2000 << 2000 << false;
    QTest::addRow("above") << 3000 << 2000 << false;
}

void TestPasswordHash::needsRehash()
{
    QFETCH(int, stored);
    QFETCH(int, current);
    QFETCH(bool, expected);
    const auto encoded = PasswordHash::hash(QStringLiteral("pw"), stored);
    QVERIFY(encoded.ok());
    QCOMPARE(PasswordHash::needsRehash(encoded.value(), current), expected);
    QVERIFY(PasswordHash::needsRehash(QStringLiteral("garbage"), current));
}

void TestPasswordHash::defaultIterationCost()
{
    QElapsedTimer timer;
    timer.start();
    const auto encoded = PasswordHash::hash(QStringLiteral("correct horse battery staple"));
    const qint64 hashMs = timer.restart();
    QVERIFY(encoded.ok());
    QVERIFY(encoded.value().startsWith(QStringLiteral("pbkdf2-sha256$310000$")));
    QVERIFY(PasswordHash::verify(QStringLiteral("correct horse battery staple"), encoded.value()));
    QVERIFY(!PasswordHash::needsRehash(encoded.value()));
    qInfo("PBKDF2-SHA256 x310000: hash %lld ms, verify %lld ms", hashMs, timer.elapsed());
}

void TestPasswordHash::dashboardSha256_data()
{
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("digest");
    QTest::addColumn<bool>("matches");
    const QString admin =
        QStringLiteral("8c6976e5b5410415bde908bd4dee15dfb167a9c873fc4bb8a81f6f2ab448a918");
    QTest::addRow("admin") << QStringLiteral("admin") << admin << true;
    QTest::addRow("upper-case hex") << QStringLiteral("admin") << admin.toUpper() << true;
    QTest::addRow("surrounding space")
        << QStringLiteral("admin") << QLatin1Char(' ') + admin + QLatin1Char('\n') << true;
    QTest::addRow("wrong password") << QStringLiteral("Admin") << admin << false;
    QTest::addRow("empty password") << QString() << admin << false;
    QTest::addRow("short digest") << QStringLiteral("admin") << admin.left(63) << false;
    QTest::addRow("non-hex digit")
        << QStringLiteral("admin") << admin.left(63) + QLatin1Char('g') << false;
    QTest::addRow("plain password stored")
        << QStringLiteral("admin") << QStringLiteral("admin") << false;
    QTest::addRow("empty digest") << QString() << QString() << false;
}

void TestPasswordHash::dashboardSha256()
{
    QFETCH(QString, password);
    QFETCH(QString, digest);
    QFETCH(bool, matches);
    QCOMPARE(aisbf::auth::verifyDashboardSha256(password, digest), matches);
}

QTEST_GUILESS_MAIN(TestPasswordHash)
#include "tst_password_hash.moc"
