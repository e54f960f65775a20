// SPDX-License-Identifier: GPL-3.0-or-later
// RequestParser on its own: requests fed whole, byte by byte and back to back; what it refuses.
#include <http/RequestParser.h>

#include <QTest>
#include <QUrlQuery>

using aisbf::http::Method;
using aisbf::http::Request;
using aisbf::http::RequestParser;

class TestRequestParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesInAnySplit_data();
    void parsesInAnySplit();
    void stopsAtTheEndOfEachRequest();
    void refuses_data();
    void refuses();
};

namespace {

const QByteArray kPost = "POST /api/v1/chat/completions?x=1&name=a%20b HTTP/1.1\r\n"
                         "Host: gw\r\nAuthorization: Bearer t0k\r\nX-Split: one,\r\n"
                         "Content-Type: application/json\r\nContent-Length: 11\r\n\r\n"
                         "{\"a\":\"b c\"}";

// Feeds @p bytes in pieces of @p step; returns the bytes used in all.
qsizetype feedInSteps(RequestParser &parser, const QByteArray &bytes, qsizetype step)
{
    qsizetype used = 0;
    while (used < bytes.size() && parser.state() != RequestParser::State::Complete &&
           parser.state() != RequestParser::State::Rejected) {
        const qsizetype piece = qMin(step, bytes.size() - used);
        const qsizetype took = parser.feed(bytes.constData() + used, piece);
        used += took;
        if (took < piece)
            break;
    }
    return used;
}

} // namespace

void TestRequestParser::parsesInAnySplit_data()
{
    QTest::addColumn<qsizetype>("step");
    QTest::addRow("whole") << kPost.size();
    QTest::addRow("byte by byte") << qsizetype(1);
    QTest::addRow("7 bytes") << qsizetype(7);
}

void TestRequestParser::parsesInAnySplit()
{
    QFETCH(qsizetype, step);
    RequestParser parser(1024);
    QCOMPARE(feedInSteps(parser, kPost, step), kPost.size());
    QCOMPARE(parser.state(), RequestParser::State::Complete);
    QVERIFY(parser.keepAlive());
    const Request request = parser.takeRequest();
    QCOMPARE(parser.state(), RequestParser::State::Idle);
    QCOMPARE(request.method(), Method::Post);
    QCOMPARE(request.encodedPath(), QByteArray("/api/v1/chat/completions"));
    QCOMPARE(request.path(), QStringLiteral("/api/v1/chat/completions"));
    QCOMPARE(request.query().queryItemValue(QStringLiteral("name"), QUrl::FullyDecoded),
             QStringLiteral("a b"));
    QCOMPARE(request.value("authorization"), QByteArray("Bearer t0k"));
    QCOMPARE(request.value("Content-Type"), QByteArray("application/json"));
    QCOMPARE(request.value("x-split"), QByteArray("one,"));
    QCOMPARE(request.value("x-absent"), QByteArray());
    QCOMPARE(request.body(), QByteArray("{\"a\":\"b c\"}"));
}

void TestRequestParser::stopsAtTheEndOfEachRequest()
{
    const QByteArray second = "GET /h%C3%A9alth HTTP/1.1\r\nConnection: close\r\n\r\n";
    const QByteArray bytes = kPost + second;
    RequestParser parser(1024);
    QCOMPARE(parser.feed(bytes.constData(), bytes.size()), kPost.size());
    QCOMPARE(parser.takeRequest().body().size(), 11);
    QCOMPARE(parser.feed(bytes.constData() + kPost.size(), second.size()), second.size());
    QCOMPARE(parser.state(), RequestParser::State::Complete);
    QVERIFY(!parser.keepAlive());
    const Request request = parser.takeRequest();
    QCOMPARE(request.method(), Method::Get);
    QCOMPARE(request.path(), QStringLiteral("/h\u00e9alth"));
    QVERIFY(request.body().isEmpty());
}

void TestRequestParser::refuses_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("continueDue");
    QTest::addRow("body over the limit, head only")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1025\r\n\r\n") << 413 << false;
    QTest::addRow("chunked body") << QByteArray(
                                         "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
                                  << 411 << false;
    QTest::addRow("not HTTP") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03") << 400
                              << false;
    QTest::addRow("bad header") << QByteArray("GET / HTTP/1.1\r\nBad Header\r\n\r\n") << 400
                                << false;
    QTest::addRow("huge head") << "GET / HTTP/1.1\r\nX: " + QByteArray(65 * 1024, 'v') + "\r\n\r\n"
                               << 431 << false;
    QTest::addRow("not refused: expect 100-continue")
        << QByteArray("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n") << 0
        << true;
}

void TestRequestParser::refuses()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, status);
    QFETCH(bool, continueDue);
    RequestParser parser(1024);
    parser.feed(bytes.constData(), bytes.size());
    QCOMPARE(parser.takeContinueDue(), continueDue);
    QVERIFY(!parser.takeContinueDue()); // once
    if (status == 0) {
        QCOMPARE(parser.state(), RequestParser::State::Partial);
        return;
    }
    QCOMPARE(parser.state(), RequestParser::State::Rejected);
    QCOMPARE(parser.rejection().status, status);
    QVERIFY(!parser.rejection().message.isEmpty());
}

QTEST_GUILESS_MAIN(TestRequestParser)
#include "tst_request_parser.moc"
