// SPDX-License-Identifier: GPL-3.0-or-later
// The pure pieces of autoselect: content classification, description ranking, the selection
// model's prompt and the reading of its answer.
#include <routing/ContentClassifier.h>
#include <routing/DescriptionRanker.h>
#include <routing/SelectionPrompt.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace aisbf::routing;

namespace {

QString s(const char *text)
{
    return QString::fromUtf8(text);
}

QJsonObject message(const char *role, const QJsonValue &content)
{
    return {{s("role"), s(role)}, {s("content"), content}};
}

} // namespace

class TestAutoselectRouting : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void privateContent_data();
    void privateContent();
    void reasonNeverQuotesTheSecret();
    void nsfwContent_data();
    void nsfwContent();
    void messagesTextReadsPartsAndKeepsTheNewest();
    void imagePartsAreSeen();
    void termsAreStemmedWithoutStopWords();
    void rankingPrefersTheMatchingDescription();
    void winnerNeedsALead_data();
    void winnerNeedsALead();
    void selectionRequestListsEveryRoute();
    void customPromptWithoutPlaceholderStillListsRoutes();
    void parseSelection_data();
    void parseSelection();
    void completionTextReadsTheFirstChoice();
};

void TestAutoselectRouting::privateContent_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("isPrivate");
    QTest::addColumn<QString>("what"); // a part of the reason
    QTest::addRow("the guide's prompt") << s("private repo refactor: ...") << true << s("private");
    QTest::addRow("confidential") << s("Summarise this CONFIDENTIAL memo") << true
                                  << s("confidential");
    QTest::addRow("customer data")
        << s("clean up this customer data export") << true << s("customer data");
    QTest::addRow("pem key") << s("-----BEGIN RSA PRIVATE KEY-----\nMIIE...") << true
                             << s("private key block");
    QTest::addRow("aws key") << s("why does AKIAIOSFODNN7EXAMPLE fail") << true << s("AWS");
    QTest::addRow("openai key") << s("my key sk-proj-abcdefghijklmnopqrstuvwx fails") << true
                                << s("API key");
    QTest::addRow("github token") << s("token ghp_abcdefghijklmnopqrstuvwxyz0123456789") << true
                                  << s("GitHub");
    QTest::addRow("password assignment")
        << s("DB_PASSWORD=hunter2secret in .env") << true << s("password");
    QTest::addRow("url credentials")
        << s("connect to postgres://app:s3cr3t@db.internal/app") << true << s("URL");
    QTest::addRow("email") << s("write to jane.doe@example.com about it") << true << s("e-mail");
    QTest::addRow("visa test number") << s("charge 4111 1111 1111 1111 now") << true << s("card");
    QTest::addRow("ssn") << s("SSN 078-05-1120 on file") << true << s("social security");
    QTest::addRow("iban") << s("pay to DE89 3704 0044 0532 0130 00") << true << s("IBAN");
    QTest::addRow("plain coding") << s("refactor this parser to use a state machine") << false
                                  << QString();
    QTest::addRow("digits failing luhn")
        << s("order 4111 1111 1111 1112 shipped") << false << QString();
    QTest::addRow("privately is not private")
        << s("privately held opinions about tabs") << false << QString();
    QTest::addRow("sk- too short") << s("use the sk-learn library") << false << QString();
}

void TestAutoselectRouting::privateContent()
{
    QFETCH(QString, text);
    QFETCH(bool, isPrivate);
    QFETCH(QString, what);
    const std::optional<QString> reason = privateContentReason(text);
    QCOMPARE(reason.has_value(), isPrivate);
    if (reason)
        QVERIFY2(reason->contains(what, Qt::CaseInsensitive), qPrintable(*reason));
}

void TestAutoselectRouting::reasonNeverQuotesTheSecret()
{
    const QString secret = s("sk-proj-abcdefghijklmnopqrstuvwx");
    const auto reason = privateContentReason(s("use ") + secret);
    QVERIFY(reason);
    QVERIFY(!reason->contains(s("abcdefgh")));
    const auto password = privateContentReason(s("password: correcthorse"));
    QVERIFY(password);
    QVERIFY(!password->contains(s("correcthorse")));
}

void TestAutoselectRouting::nsfwContent_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("isNsfw");
    QTest::addRow("explicit") << s("write an erotic story") << true;
    QTest::addRow("nsfw word") << s("NSFW roleplay please") << true;
    QTest::addRow("clean") << s("write a story about a lighthouse keeper") << false;
    QTest::addRow("sextant is not sex") << s("how does a sextant work") << false;
}

void TestAutoselectRouting::nsfwContent()
{
    QFETCH(QString, text);
    QFETCH(bool, isNsfw);
    QCOMPARE(nsfwContentReason(text).has_value(), isNsfw);
}

void TestAutoselectRouting::messagesTextReadsPartsAndKeepsTheNewest()
{
    const QJsonArray messages{
        message("system", s("you are terse")),
        message("user", s("first question")),
        message("assistant", s("an answer")),
        message("user", QJsonArray{QJsonObject{{s("type"), s("text")}, {s("text"), s("second")}},
                                   QJsonObject{{s("type"), s("image_url")},
                                               {s("image_url"), QJsonObject{{s("url"), s("x")}}}}}),
    };
    QCOMPARE(messagesText(messages, true, 0, 0), s("first question\nsecond"));
    QCOMPARE(messagesText(messages, true, 1, 0), s("second"));
    QCOMPARE(messagesText(messages, false, 0, 0),
             s("you are terse\nfirst question\nan answer\nsecond"));
    QCOMPARE(messagesText(messages, false, 0, 6), s("second")); // the newest text is kept
}

void TestAutoselectRouting::imagePartsAreSeen()
{
    QVERIFY(!hasImageParts(QJsonArray{message("user", s("hello"))}));
    QVERIFY(hasImageParts(QJsonArray{message(
        "user", QJsonArray{QJsonObject{{s("type"), s("image_url")},
                                       {s("image_url"), QJsonObject{{s("url"), s("x")}}}}})}));
}

void TestAutoselectRouting::termsAreStemmedWithoutStopWords()
{
    QCOMPARE(rankingTerms(s("The refactors, refactoring and REFACTORED code of my queries")),
             (QStringList{s("refactor"), s("refactor"), s("refactor"), s("code"), s("query")}));
}

void TestAutoselectRouting::rankingPrefersTheMatchingDescription()
{
    // The guide's engineering policy.
    const QStringList descriptions{
        s("Private code, logs, secrets, customer data, or normal coding work."),
        s("GPU-heavy long refactors when data is not secret."),
        s("Fast hosted fallback for non-private tasks.")};
    const QList<double> gpu =
        rankDescriptions(s("a long GPU-heavy refactor of the parser"), descriptions);
    QCOMPARE(clearWinner(gpu), std::optional<qsizetype>(1));
    const QList<double> logs = rankDescriptions(s("why do these logs show a crash"), descriptions);
    QCOMPARE(clearWinner(logs), std::optional<qsizetype>(0));
    const QList<double> none = rankDescriptions(s("tell me a joke"), descriptions);
    QCOMPARE(none, (QList<double>{0, 0, 0}));
    QCOMPARE(clearWinner(none), std::nullopt);
}

void TestAutoselectRouting::winnerNeedsALead_data()
{
    QTest::addColumn<QList<double>>("scores");
    QTest::addColumn<int>("winner"); // -1: none
    QTest::addRow("empty") << QList<double>{} << -1;
    QTest::addRow("all zero") << QList<double>{0, 0} << -1;
    QTest::addRow("single positive") << QList<double>{0, 0.4} << 1;
    QTest::addRow("close call") << QList<double>{1.0, 1.2} << -1;
    QTest::addRow("clear lead") << QList<double>{3.0, 1.0, 0.5} << 0;
    QTest::addRow("tie") << QList<double>{2.0, 2.0} << -1;
}

void TestAutoselectRouting::winnerNeedsALead()
{
    QFETCH(QList<double>, scores);
    QFETCH(int, winner);
    const std::optional<qsizetype> got = aisbf::routing::clearWinner(scores);
    QCOMPARE(got ? int(*got) : -1, winner);
}

void TestAutoselectRouting::selectionRequestListsEveryRoute()
{
    const QByteArray bytes = selectionRequest(
        s("general"), defaultSelectionPrompt(),
        {{s("rotation/a"), s("Private\n  work")}, {s("p/m"), QString()}}, s("fix my build"));
    const QJsonObject body = QJsonDocument::fromJson(bytes).object();
    QCOMPARE(body.value(s("model")).toString(), s("general"));
    QCOMPARE(body.value(s("stream")).toBool(true), false);
    QCOMPARE(body.value(s("temperature")).toInt(-1), 0);
    QVERIFY(body.value(s("max_tokens")).toInt() > 0);
    const QJsonArray messages = body.value(s("messages")).toArray();
    QCOMPARE(messages.size(), 2);
    const QString system = messages.at(0).toObject().value(s("content")).toString();
    QVERIFY2(system.contains(s("- rotation/a: Private work")), qPrintable(system));
    QVERIFY(system.contains(s("- p/m: (no description)")));
    QVERIFY(!system.contains(s("{routes}")));
    QCOMPARE(messages.at(1).toObject().value(s("content")).toString(), s("fix my build"));
}

void TestAutoselectRouting::customPromptWithoutPlaceholderStillListsRoutes()
{
    const QJsonObject body = QJsonDocument::fromJson(selectionRequest(s("sel"), s("Pick one."),
                                                                      {{s("x/y"), s("d")}}, s("q")))
                                 .object();
    const QString system =
        body.value(s("messages")).toArray().at(0).toObject().value(s("content")).toString();
    QVERIFY(system.startsWith(s("Pick one.")));
    QVERIFY(system.contains(s("- x/y: d")));
}

void TestAutoselectRouting::parseSelection_data()
{
    QTest::addColumn<QString>("answer");
    QTest::addColumn<int>("index"); // -1: none
    const QStringList ids{s("rotation/coding"), s("rotation/coding-production"), s("p/m")};
    QTest::addRow("exact") << s("p/m") << 2;
    QTest::addRow("quoted") << s("`rotation/coding`\n") << 0;
    QTest::addRow("with a period") << s("\"p/m\".") << 2;
    QTest::addRow("longest at same place") << s("I pick rotation/coding-production.") << 1;
    QTest::addRow("first named wins") << s("p/m, not rotation/coding") << 2;
    QTest::addRow("tagged") << s("<aisbf_model_selection>rotation/coding</aisbf_model_selection>")
                            << 0;
    QTest::addRow("list number") << s("2. because") << 1;
    QTest::addRow("after thinking")
        << s("<think>rotation/coding is tempting, but p/m is cheaper</think>\np/m") << 2;
    QTest::addRow("number out of range") << s("7") << -1;
    QTest::addRow("nothing") << s("I cannot decide") << -1;
    QTest::addRow("empty") << QString() << -1;
}

void TestAutoselectRouting::parseSelection()
{
    QFETCH(QString, answer);
    QFETCH(int, index);
    const QStringList ids{s("rotation/coding"), s("rotation/coding-production"), s("p/m")};
    const std::optional<qsizetype> got = aisbf::routing::parseSelection(answer, ids);
    QCOMPARE(got ? int(*got) : -1, index);
}

void TestAutoselectRouting::completionTextReadsTheFirstChoice()
{
    QCOMPARE(completionText(R"({"choices":[{"message":{"role":"assistant","content":"p/m"}}]})"),
             std::optional<QString>(s("p/m")));
    QCOMPARE(completionText(R"({"choices":[]})"), std::nullopt);
    QCOMPARE(completionText("{not json"), std::nullopt);
}

QTEST_GUILESS_MAIN(TestAutoselectRouting)
#include "tst_autoselect_routing.moc"
