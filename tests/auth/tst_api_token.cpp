// SPDX-License-Identifier: GPL-3.0-or-later
#include <auth/ApiToken.h>
#include <auth/Crypto.h>

#include <QRegularExpression>
#include <QSet>
#include <QTest>

using aisbf::auth::ApiToken;

class TestApiToken : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void format();
    void uniqueOver10000();
    void alphabetIsCovered();
    void wellFormed_data();
    void wellFormed();
    void storageHash_data();
    void storageHash();
    void matchesHash_data();
    void matchesHash();
    void mask_data();
    void mask();
    void constantTimeEquals_data();
    void constantTimeEquals();
};

void TestApiToken::format()
{
    const auto token = ApiToken::generate();
    QVERIFY(token.ok());
    static const QRegularExpression shape(QStringLiteral("^aisbf_[0-9A-Za-z]{40}$"));
    QVERIFY2(shape.match(token.value()).hasMatch(), qPrintable(token.value()));
    QCOMPARE(token.value().size(), ApiToken::Length);
    QVERIFY(ApiToken::isWellFormed(token.value()));
}

void TestApiToken::uniqueOver10000()
{
    QSet<QString> seen;
    seen.reserve(10000);
    for (int i = 0; i < 10000; ++i) {
        const auto token = ApiToken::generate();
        QVERIFY(token.ok());
        QVERIFY(ApiToken::isWellFormed(token.value()));
        seen.insert(token.value());
    }
    QCOMPARE(seen.size(), 10000);
}

// 400,000 characters drawn from 62 symbols: every symbol shows up, none dominates (a biased
// `byte % 62` would make the first 8 symbols, 0-7, 25% more frequent than the rest).
void TestApiToken::alphabetIsCovered()
{
    QHash<QChar, int> counts;
    for (int i = 0; i < 10000; ++i)
        for (const QChar c : ApiToken::generate().value().mid(6))
            ++counts[c];
    QCOMPARE(counts.size(), 62);
    const double expected = 400000.0 / 62;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        QVERIFY2(it.value() > expected * 0.9 && it.value() < expected * 1.1,
                 qPrintable(QStringLiteral("%1: %2").arg(it.key()).arg(it.value())));
}

void TestApiToken::wellFormed_data()
{
    QTest::addColumn<QString>("token");
    QTest::addColumn<bool>("expected");
    const QString body40(40, QLatin1Char('a'));
    QTest::addRow("valid") << QStringLiteral("aisbf_") + body40 << true;
    QTest::addRow("39 chars") << QStringLiteral("aisbf_") + body40.left(39) << false;
    QTest::addRow("41 chars") << QStringLiteral("aisbf_") + body40 + QLatin1Char('a') << false;
    QTest::addRow("wrong prefix") << QStringLiteral("sk-abc") + body40 << false;
    QTest::addRow("dash in body") << QStringLiteral("aisbf_") + body40.left(39) + QLatin1Char('-')
                                  << false;
    QTest::addRow("non-ascii digit")
        << QStringLiteral("aisbf_") + body40.left(39) + QChar(0x0663) << false;
    QTest::addRow("empty") << QString() << false;
}

void TestApiToken::wellFormed()
{
    QFETCH(QString, token);
    QFETCH(bool, expected);
    QCOMPARE(ApiToken::isWellFormed(token), expected);
}

void TestApiToken::storageHash_data()
{
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("hash");
    QTest::addRow("abc") << QStringLiteral("abc")
                         << QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff"
                                           "61f20015ad");
    QTest::addRow("empty") << QString()
                           << QStringLiteral("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495"
                                             "991b7852b855");
}

void TestApiToken::storageHash()
{
    QFETCH(QString, token);
    QFETCH(QString, hash);
    QCOMPARE(ApiToken::storageHash(token), hash);
}

void TestApiToken::matchesHash_data()
{
    const QString token = ApiToken::generate().value();
    const QString other = ApiToken::generate().value();
    const QString hash = ApiToken::storageHash(token);
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("stored");
    QTest::addColumn<bool>("expected");
    QTest::addRow("same") << token << hash << true;
    QTest::addRow("upper-case stored hex") << token << hash.toUpper() << true;
    QTest::addRow("other token") << other << hash << false;
    QTest::addRow("token with one char less") << token.chopped(1) << hash << false;
    QTest::addRow("stored hash truncated") << token << hash.chopped(2) << false;
    QTest::addRow("stored hash empty") << token << QString() << false;
}

void TestApiToken::matchesHash()
{
    QFETCH(QString, token);
    QFETCH(QString, stored);
    QFETCH(bool, expected);
    QCOMPARE(ApiToken::matchesHash(token, stored), expected);
}

void TestApiToken::mask_data()
{
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("last4");
    QTest::addColumn<QString>("masked");
    const QString ellipsis(QChar(0x2026));
    QTest::addRow("token") << QStringLiteral("aisbf_0123456789012345678901234567890123abcd")
                           << QStringLiteral("abcd")
                           << QStringLiteral("aisbf_") + ellipsis + QStringLiteral("abcd");
    QTest::addRow("foreign key") << QStringLiteral("sk-proj-1234567890wxyz")
                                 << QStringLiteral("wxyz") << ellipsis + QStringLiteral("wxyz");
    QTest::addRow("too short to show") << QStringLiteral("aisbf_abcd") << QString() << ellipsis;
    QTest::addRow("empty") << QString() << QString() << ellipsis;
}

void TestApiToken::mask()
{
    QFETCH(QString, token);
    QFETCH(QString, last4);
    QFETCH(QString, masked);
    QCOMPARE(ApiToken::last4(token), last4);
    QCOMPARE(ApiToken::mask(token), masked);
    if (!last4.isEmpty() && token.startsWith(ApiToken::prefix()))
        QCOMPARE(ApiToken::maskFromLast4(last4), masked);
}

void TestApiToken::constantTimeEquals_data()
{
    QTest::addColumn<QByteArray>("a");
    QTest::addColumn<QByteArray>("b");
    QTest::addColumn<bool>("equal");
    const QByteArray digest = aisbf::auth::sha256("token");
    QByteArray lastDiffers = digest;
    lastDiffers[31] = char(lastDiffers[31] ^ 0x80);
    QByteArray firstDiffers = digest;
    firstDiffers[0] = char(firstDiffers[0] ^ 0x01);
    QTest::addRow("same") << digest << QByteArray(digest) << true;
    QTest::addRow("last byte differs") << digest << lastDiffers << false;
    QTest::addRow("first byte differs") << digest << firstDiffers << false;
    QTest::addRow("prefix") << digest << digest.left(31) << false;
    QTest::addRow("both empty") << QByteArray() << QByteArray() << true;
    QTest::addRow("one empty") << digest << QByteArray() << false;
}

void TestApiToken::constantTimeEquals()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(bool, equal);
    QCOMPARE(aisbf::auth::constantTimeEquals(a, b), equal);
    QCOMPARE(aisbf::auth::constantTimeEquals(b, a), equal);
}

QTEST_GUILESS_MAIN(TestApiToken)
#include "tst_api_token.moc"
