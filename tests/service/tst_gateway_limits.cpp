// SPDX-License-Identifier: GPL-3.0-or-later
// Token limits: context_size and max_request_tokens refuse a request that cannot fit with a 400
// naming the numbers, and in a rotation only the entries it fits are tried.
#include "GatewayTestMain.h"
#include "TestClient.h"
#include "TestGateway.h"

#include <MockUpstream.h>

#include <QJsonObject>
#include <QTest>

using namespace aisbf::test;

namespace {} // namespace

class TestGatewayLimits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void tokenLimits_data();
    void tokenLimits();

private:
    MockUpstream m_good;
    TestGateway m_gateway;
};

void TestGatewayLimits::initTestCase()
{
    QVERIFY(m_good.listen());
    TestConfig config;
    config.addProvider(s("small"), m_good.baseUrl(), {s("m")});
    config.setModelKeys(s("small"), s("m"), {{s("context_size"), 100}});
    config.addProvider(s("tight"), m_good.baseUrl(), {s("m")},
                       {{s("default_max_request_tokens"), 50}});
    config.addProvider(s("big"), m_good.baseUrl(), {s("m")});
    // "small" is drawn first in all but one of a million requests.
    config.addRotation(s("mixed"), {rotationEntry(s("small"), s("m"), 1000),
                                    rotationEntry(s("big"), s("m"), 0.001)});
    config.addRotation(s("limited"),
                       {rotationEntry(s("small"), s("m")), rotationEntry(s("tight"), s("m"))});
    config.addRotation(s("capped"), {rotationEntry(s("big"), s("m"))},
                       {{s("default_max_request_tokens"), 20}});
    QVERIFY(m_gateway.start(config));
}

void TestGatewayLimits::tokenLimits_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<int>("contentChars"); // one user message: chars / 4 + 4 tokens (estimated)
    QTest::addColumn<int>("maxTokens");    // 0 = not sent
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("servedBy");
    QTest::addColumn<QStringList>("phrases");

    QTest::addRow("fits the context")
        << s("small/m") << 40 << 0 << 200 << QByteArray("small") << QStringList();
    QTest::addRow("prompt over context_size")
        << s("small/m") << 1000 << 0 << 400 << QByteArray()
        << QStringList{s("about 254 tokens"),
                       s("small/m has a context of 100 tokens (context_size)")};
    QTest::addRow("max_tokens pushes it over")
        << s("small/m") << 40 << 87 << 400 << QByteArray()
        << QStringList{s("context of 100 tokens"), s("prompt + max_tokens = 101")};
    QTest::addRow("max_tokens just fits")
        << s("small/m") << 40 << 86 << 200 << QByteArray("small") << QStringList();
    QTest::addRow("over max_request_tokens")
        << s("tight/m") << 400 << 0 << 400 << QByteArray()
        << QStringList{s("about 104 tokens"), s("tight/m accepts at most 50 (max_request_tokens)")};
    QTest::addRow("rotation: the first entry fits")
        << s("rotation/mixed") << 40 << 0 << 200 << QByteArray("small") << QStringList();
    QTest::addRow("rotation: only the fitting entry is tried")
        << s("rotation/mixed") << 1000 << 0 << 200 << QByteArray("big") << QStringList();
    QTest::addRow("rotation: no entry fits")
        << s("rotation/limited") << 1000 << 0 << 400 << QByteArray()
        << QStringList{s("too large for rotation/limited"), s("small/m has a context of 100"),
                       s("tight/m accepts at most 50")};
    QTest::addRow("rotation default_max_request_tokens")
        << s("rotation/capped") << 100 << 0 << 400 << QByteArray()
        << QStringList{s("about 29 tokens"), s("big/m accepts at most 20")};
}

void TestGatewayLimits::tokenLimits()
{
    QFETCH(QString, model);
    QFETCH(int, contentChars);
    QFETCH(int, maxTokens);
    QFETCH(int, status);
    QFETCH(QByteArray, servedBy);
    QFETCH(QStringList, phrases);

    QJsonObject extra;
    if (maxTokens > 0)
        extra.insert(s("max_tokens"), maxTokens);
    const QByteArray body = chatBody(model, false, QString(contentChars, u'x'), extra);
    const int before = m_good.requestCount();
    const HttpReply reply = httpRequest(m_gateway.port(), "POST", "/api/v1/chat/completions", body);
    QCOMPARE(reply.status, status);
    if (status == 200) {
        QCOMPARE(reply.header("x-aisbf-provider"), servedBy);
        QVERIFY(!reply.hasHeader("x-aisbf-failover")); // not tried and failed: never tried
        QCOMPARE(m_good.requestCount(), before + 1);
        return;
    }
    QCOMPARE(reply.error().value(QLatin1String("code")).toString(), s("context_length_exceeded"));
    QCOMPARE(reply.error().value(QLatin1String("param")).toString(), s("messages"));
    const QString message = reply.error().value(QLatin1String("message")).toString();
    for (const QString &phrase : std::as_const(phrases))
        QVERIFY2(message.contains(phrase),
                 qPrintable(phrase + QStringLiteral(" not in: ") + message));
    QCOMPARE(m_good.requestCount(), before);
}

AISBF_GATEWAY_TEST_MAIN(TestGatewayLimits)
#include "tst_gateway_limits.moc"
