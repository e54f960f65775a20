// SPDX-License-Identifier: GPL-3.0-or-later
// The route editor: JSON pointers, the line diff, inline validation with the gateway's own
// messages, forms, raw JSON, apply (200 and 422) and revert over a local HTTP fixture.
#include "FakeAdminServer.h"
#include "RouteFixtures.h"

#include <routes/JsonPointer.h>
#include <routes/LineDiff.h>
#include <routes/RoutesEditor.h>

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace aisbf;
using namespace aisbf::app;
using aisbf::test::FakeAdminServer;
using namespace aisbf::test::routes;

namespace {

QVariant role(const QAbstractItemModel &model, int row, const QByteArray &name)
{
    return model.data(model.index(row, 0), model.roleNames().key(name));
}

int rowOf(const QAbstractItemModel &model, const QByteArray &roleName, const QString &value)
{
    for (int i = 0; i < model.rowCount(); ++i) {
        if (role(model, i, roleName).toString() == value)
            return i;
    }
    return -1;
}

FakeAdminServer::Reply jsonReply(const QJsonObject &body, int status, const QByteArray &etag)
{
    FakeAdminServer::Reply reply;
    reply.status = status;
    reply.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    reply.headers = {{"ETag", etag}};
    return reply;
}

QByteArray lastIfMatch(const FakeAdminServer &server, const QByteArray &methodAndPath)
{
    const QList<FakeAdminServer::Request> requests = server.requests();
    for (auto it = requests.crbegin(); it != requests.crend(); ++it) {
        if (it->method + ' ' + it->path == methodAndPath)
            return it->headers.value("if-match");
    }
    return {};
}

/** A RoutesEditor on a local admin-API fixture: listen(), add routes, then load(). */
struct Editing
{
    FakeAdminServer server;
    api::AdminClient client;
    RoutesEditor editor{&client};
    QSignalSpy loaded{&editor, &RoutesEditor::documentsLoaded};

    bool listen()
    {
        if (!server.listen())
            return false;
        client.setBaseUrl(server.url());
        return true;
    }
    /** Fetches the four documents and waits for them. */
    bool load()
    {
        editor.refresh();
        return loaded.wait();
    }
};

void serve(FakeAdminServer &server)
{
    server.onJson("GET /api/admin/config/server", serverDoc());
    server.onJson("GET /api/admin/config/providers", providersDoc());
    server.onJson("GET /api/admin/config/rotations", rotationsDoc());
    server.onJson("GET /api/admin/config/autoselect", QJsonObject());
}

} // namespace

class TestRoutesEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pointers()
    {
        QJsonValue doc = obj(R"({"a":{"b/c":[1,2,{"d":true}]}})");
        QCOMPARE(json::splitPointer(QStringLiteral("/a/b~1c/2")),
                 (QStringList{QStringLiteral("a"), QStringLiteral("b/c"), QStringLiteral("2")}));
        QCOMPARE(json::childPointer(QStringLiteral("/a"), QStringLiteral("b/c~")),
                 QStringLiteral("/a/b~1c~0"));
        QCOMPARE(json::valueAt(doc, QStringLiteral("/a/b~1c/2/d")).toBool(), true);
        QVERIFY(json::valueAt(doc, QStringLiteral("/a/x")).isUndefined());
        QVERIFY(json::valueAt(doc, QStringLiteral("/a/b~1c/9")).isUndefined());
        QVERIFY(json::setValueAt(doc, QStringLiteral("/a/b~1c/0"), 7));
        QCOMPARE(json::valueAt(doc, QStringLiteral("/a/b~1c/0")).toInt(), 7);
        QVERIFY(json::setValueAt(doc, QStringLiteral("/a/b~1c/3"), QStringLiteral("appended")));
        QCOMPARE(json::valueAt(doc, QStringLiteral("/a/b~1c")).toArray().size(), 4);
        QVERIFY(!json::setValueAt(doc, QStringLiteral("/a/missing/x"), 1)); // no parent
        QVERIFY(!json::setValueAt(doc, QStringLiteral("/a/b~1c/9"), 1));    // past the end
        QVERIFY(json::removeAt(doc, QStringLiteral("/a/b~1c/2/d")));
        QVERIFY(!json::removeAt(doc, QStringLiteral("/a/b~1c/2/d")));
        QVERIFY(json::setValueAt(doc, QStringLiteral("/new"), true));
        QCOMPARE(doc.toObject().value(QStringLiteral("new")).toBool(), true);
    }

    void lineDiff_data()
    {
        QTest::addColumn<QStringList>("before");
        QTest::addColumn<QStringList>("after");
        QTest::addColumn<QString>("expected"); // kinds: s=same, -=removed, +=added
        const auto l = [](const char *t) {
            return QString::fromLatin1(t).split(QLatin1Char(','));
        };
        QTest::addRow("same") << l("a,b,c") << l("a,b,c") << QStringLiteral("sss");
        QTest::addRow("change middle") << l("a,b,c") << l("a,x,c") << QStringLiteral("s-+s");
        QTest::addRow("insert") << l("a,c") << l("a,b,c") << QStringLiteral("s+s");
        QTest::addRow("delete") << l("a,b,c") << l("a,c") << QStringLiteral("s-s");
        QTest::addRow("all new") << l("a") << l("b") << QStringLiteral("-+");
        QTest::addRow("move") << l("a,b,c,d") << l("b,c,d,a") << QStringLiteral("-sss+");
    }
    void lineDiff()
    {
        QFETCH(QStringList, before);
        QFETCH(QStringList, after);
        QFETCH(QString, expected);
        const auto diff = app::lineDiff(before, after);
        QString kinds;
        QStringList rebuiltBefore, rebuiltAfter;
        for (const auto &l : diff) {
            kinds += l.kind == DiffLine::Kind::Same    ? QLatin1Char('s')
                     : l.kind == DiffLine::Kind::Added ? QLatin1Char('+')
                                                       : QLatin1Char('-');
            if (l.kind != DiffLine::Kind::Added)
                rebuiltBefore.append(l.text);
            if (l.kind != DiffLine::Kind::Removed)
                rebuiltAfter.append(l.text);
        }
        QCOMPARE(kinds, expected);
        QCOMPARE(rebuiltBefore, before);
        QCOMPARE(rebuiltAfter, after);
    }

    void diffContext()
    {
        QStringList before;
        for (int i = 0; i < 30; ++i)
            before.append(QString::number(i));
        QStringList after = before;
        after[15] = QStringLiteral("x");
        const auto lines = withContext(app::lineDiff(before, after), 2);
        QCOMPARE(lines.size(), 1 + 2 + 1 + 1 + 2 + 1); // … ctx - + ctx …
        QCOMPARE(lines.first().text, QStringLiteral("…"));
        QCOMPARE(lines[3].oldLine, 16);
    }

    void validationMatchesGateway()
    {
        RoutesEditor editor(nullptr);
        QAbstractItemModelTester diagTester(editor.diagnostics());
        QAbstractItemModelTester formTester(editor.form());
        QAbstractItemModelTester itemsTester(editor.items());
        editor.setLoadedDocument(QStringLiteral("server"), serverDoc());
        editor.setLoadedDocument(QStringLiteral("providers"), providersDoc());
        editor.setLoadedDocument(QStringLiteral("rotations"), rotationsDoc());
        editor.setLoadedDocument(QStringLiteral("autoselect"), QJsonObject());
        editor.setDocument(QStringLiteral("rotations"));
        editor.setDocument(QStringLiteral("providers"));
        // "$OPENAI_API_KEY" is set on the gateway's host, not here: no error for it.
        QCOMPARE(editor.diagnostics()->errorCount(), 0);
        QCOMPARE(editor.items()->rowCount(), 2);
        QVERIFY(!editor.isDirty());

        // An unknown provider in a rotation: the gateway's own message, at the entry's pointer.
        editor.setDocument(QStringLiteral("rotations"));
        editor.selectItem(QStringLiteral("coding"));
        editor.setField(QStringLiteral("/rotations/coding/providers/1/provider_id"),
                        QStringLiteral("ghost"), QStringLiteral("string"));
        QVERIFY(editor.isDirty());
        QCOMPARE(editor.dirtyDocuments(), QStringList{QStringLiteral("rotations")});
        QCOMPARE(editor.diagnostics()->errorCount(), 1);
        const int row = rowOf(*editor.diagnostics(), "path",
                              QStringLiteral("/rotations/coding/providers/1/provider_id"));
        QVERIFY(row >= 0);
        QCOMPARE(role(*editor.diagnostics(), row, "file").toString(),
                 QStringLiteral("rotations.json"));
        QVERIFY2(role(*editor.diagnostics(), row, "message")
                     .toString()
                     .contains(QStringLiteral("unknown provider \"ghost\"")),
                 qPrintable(role(*editor.diagnostics(), row, "message").toString()));
        QCOMPARE(editor.documentErrors(), 1);
        QCOMPARE(role(*editor.items(), 0, "errorCount").toInt(), 1);
        QCOMPARE(role(*editor.items(), 0, "changed").toBool(), true);
        // The form row of that pointer carries the message.
        const int formRow = rowOf(*editor.form(), "pointer",
                                  QStringLiteral("/rotations/coding/providers/1/provider_id"));
        QVERIFY(formRow >= 0);
        QVERIFY(
            role(*editor.form(), formRow, "error").toString().contains(QStringLiteral("ghost")));
        QCOMPARE(role(*editor.form(), formRow, "kind").toString(), QStringLiteral("string"));

        // A weight typed as text stays text, so the validator names the type problem.
        editor.setField(QStringLiteral("/rotations/coding/providers/0/weight"),
                        QStringLiteral("heavy"), QStringLiteral("number"));
        QCOMPARE(editor.diagnostics()->errorCount(), 2);
        editor.setField(QStringLiteral("/rotations/coding/providers/0/weight"),
                        QStringLiteral("2.5"), QStringLiteral("number"));
        QCOMPARE(editor.editedDocument(QStringLiteral("rotations"))
                     .value(QStringLiteral("rotations"))
                     .toObject()
                     .value(QStringLiteral("coding"))
                     .toObject()
                     .value(QStringLiteral("providers"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("weight"))
                     .toDouble(),
                 2.5);
        editor.discard();
        QVERIFY(!editor.isDirty());
        QCOMPARE(editor.diagnostics()->errorCount(), 0);
    }

    void rawJsonAndItems()
    {
        RoutesEditor editor(nullptr);
        editor.setLoadedDocument(QStringLiteral("server"), serverDoc());
        editor.setLoadedDocument(QStringLiteral("providers"), providersDoc());
        editor.setLoadedDocument(QStringLiteral("rotations"), rotationsDoc());
        editor.setLoadedDocument(QStringLiteral("autoselect"), QJsonObject());
        editor.setDocument(QStringLiteral("rotations"));
        QVERIFY(editor.rawText().contains(QStringLiteral("\"coding\"")));

        editor.setRawText(QStringLiteral("{\n  \"rotations\": {\n    \"x\": [\n}"));
        QVERIFY2(editor.rawError().startsWith(QStringLiteral("rotations.json line 4:")),
                 qPrintable(editor.rawError()));
        QVERIFY(!editor.isDirty()); // a syntax error leaves the document alone
        editor.setRawText(QStringLiteral("[]"));
        QVERIFY(editor.rawError().contains(QStringLiteral("must be a JSON object")));

        editor.setRawText(
            QStringLiteral(R"({"rotations":{"empty":{"model_name":"empty","providers":[]}}})"));
        QVERIFY(editor.rawError().isEmpty());
        QVERIFY(editor.isDirty());
        QVERIFY(editor.diagnostics()
                    ->messageAt(QStringLiteral("rotations.json"),
                                QStringLiteral("/rotations/empty/providers"))
                    .contains(QStringLiteral("no providers")));
        editor.discard();

        // A new rotation from the template validates at once; a taken id is refused.
        QVERIFY(editor.addItem(QStringLiteral("fast")));
        QCOMPARE(editor.selectedItem(), QStringLiteral("fast"));
        QCOMPARE(editor.diagnostics()->errorCount(), 0);
        QVERIFY(!editor.addItem(QStringLiteral("fast")));
        QVERIFY(editor.addField(QStringLiteral("/rotations/fast"),
                                QStringLiteral("default_error_cooldown"), QStringLiteral("45")));
        QCOMPARE(json::valueAt(editor.editedDocument(QStringLiteral("rotations")),
                               QStringLiteral("/rotations/fast/default_error_cooldown"))
                     .toInt(),
                 45);
        QVERIFY(editor.addField(QStringLiteral("/rotations/fast"), QStringLiteral("note"),
                                QStringLiteral("plain text")));
        QCOMPARE(json::valueAt(editor.editedDocument(QStringLiteral("rotations")),
                               QStringLiteral("/rotations/fast/note"))
                     .toString(),
                 QStringLiteral("plain text"));
        QVERIFY(!editor.addField(QStringLiteral("/rotations/fast"), QStringLiteral("note"),
                                 QStringLiteral("1")));
        editor.appendElement(QStringLiteral("/rotations/fast/providers"));
        QCOMPARE(json::valueAt(editor.editedDocument(QStringLiteral("rotations")),
                               QStringLiteral("/rotations/fast/providers"))
                     .toArray()
                     .size(),
                 2);
        editor.removeItem(QStringLiteral("fast"));
        QVERIFY(editor.selectedItem().isEmpty());
        QVERIFY(!editor.isDirty());

        // Removing a provider a rotation uses is caught across documents.
        editor.setDocument(QStringLiteral("providers"));
        editor.removeItem(QStringLiteral("local"));
        QCOMPARE(editor.diagnostics()->errorCountIn(QStringLiteral("rotations.json")), 1);
        QCOMPARE(editor.documentErrors(), 0); // providers.json itself is fine

        editor.computeDiff(-1);
        QVERIFY(editor.diff()->removed() > 0);
        QCOMPARE(editor.diff()->added(), 0);
    }

    void applyAndRevert()
    {
        Editing editing;
        QVERIFY(editing.listen());
        FakeAdminServer &server = editing.server;
        RoutesEditor &editor = editing.editor;
        serve(server);
        server.onJson("PUT /api/admin/config/rotations",
                      obj(R"({"applied":true,"document":"rotations","version":4})"));
        editor.refresh();
        QVERIFY(editor.isLoading());
        QVERIFY(editing.loaded.wait());
        QVERIFY(!editor.isLoading());
        QCOMPARE(editor.loadedDocument(QStringLiteral("providers")), providersDoc());

        editor.setDocument(QStringLiteral("rotations"));
        const QString weight = QStringLiteral("/rotations/coding/providers/0/weight");
        editor.setField(weight, QStringLiteral("9"), QStringLiteral("number"));
        QSignalSpy applied(&editor, &RoutesEditor::applyFinished);
        editor.apply();
        QVERIFY(applied.wait());
        QCOMPARE(applied.first().first().toBool(), true);
        const QJsonObject sent = QJsonDocument::fromJson(server.lastRequest().body).object();
        QCOMPARE(json::valueAt(sent, weight).toInt(), 9);
        QVERIFY(editor.statusMessage().contains(QStringLiteral("version 4")));
        QVERIFY(editor.canRevert());
        QVERIFY(!editor.isDirty());

        // Revert PUTs back what was live before the apply.
        applied.clear();
        editor.revert();
        QVERIFY(applied.wait());
        QCOMPARE(applied.first().first().toBool(), true);
        QTRY_COMPARE(server.count("PUT /api/admin/config/rotations"), 2);
        QCOMPARE(QJsonDocument::fromJson(server.lastRequest().body).object(), rotationsDoc());
        QVERIFY(!editor.canRevert());
    }

    void gatewayRefusalShowsItsDiagnostics()
    {
        Editing editing;
        QVERIFY(editing.listen());
        FakeAdminServer &server = editing.server;
        RoutesEditor &editor = editing.editor;
        serve(server);
        server.onJson("PUT /api/admin/config/providers", obj(R"({
            "error":{"message":"providers.json has 1 problem","type":"invalid_request_error","code":"config_invalid"},
            "diagnostics":[{"file":"providers.json","path":"/providers/local/endpoint","severity":"error",
                            "message":"the endpoint does not answer"}]})"),
                      422);
        QVERIFY(editing.load());
        editor.setField(QStringLiteral("/providers/local/name"), QStringLiteral("Local box"),
                        QStringLiteral("string"));
        QSignalSpy applied(&editor, &RoutesEditor::applyFinished);
        editor.apply();
        QVERIFY(applied.wait());
        QCOMPARE(applied.first().first().toBool(), false);
        QCOMPARE(editor.gatewayDiagnostics()->rowCount(), 1);
        QCOMPARE(role(*editor.gatewayDiagnostics(), 0, "path").toString(),
                 QStringLiteral("/providers/local/endpoint"));
        QVERIFY(editor.errorString().contains(QStringLiteral("providers.json has 1 problem")));
        QVERIFY(editor.isDirty()); // the edits stay for fixing
        QVERIFY(!editor.canRevert());
    }

    void localErrorsBlockApply()
    {
        Editing editing;
        QVERIFY(editing.listen());
        FakeAdminServer &server = editing.server;
        RoutesEditor &editor = editing.editor;
        serve(server);
        QVERIFY(editing.load());
        editor.setField(QStringLiteral("/providers/local/endpoint"), QStringLiteral("not a url"),
                        QStringLiteral("string"));
        QVERIFY(editor.documentErrors() > 0);
        QSignalSpy applied(&editor, &RoutesEditor::applyFinished);
        editor.apply();
        QCOMPARE(applied.size(), 1);
        QCOMPARE(applied.first().first().toBool(), false);
        QCOMPARE(server.count("PUT /api/admin/config/providers"), 0);
        QVERIFY(editor.errorString().contains(QStringLiteral("fix them")));
    }

    void applyNeverOverwritesAChangeMadeSinceLoading()
    {
        Editing editing;
        QVERIFY(editing.listen());
        FakeAdminServer &server = editing.server;
        RoutesEditor &editor = editing.editor;
        server.on("GET /api/admin/config/server", jsonReply(serverDoc(), 200, "\"3\""));
        server.on("GET /api/admin/config/providers", jsonReply(providersDoc(), 200, "\"3\""));
        server.on("GET /api/admin/config/rotations", jsonReply(rotationsDoc(), 200, "\"3\""));
        server.on("GET /api/admin/config/autoselect", jsonReply(QJsonObject(), 200, "\"3\""));
        QVERIFY(editing.load());

        // Someone else saved (version 4) after we loaded version 3: the gateway answers 412.
        server.on("GET /api/admin/config/rotations", jsonReply(rotationsDoc(), 200, "\"4\""));
        server.on("PUT /api/admin/config/rotations",
                  jsonReply(obj(R"({"error":{"message":"the config changed since version 3",
                                    "type":"invalid_request_error","code":"precondition_failed"}})"),
                            412, "\"4\""));
        editor.setDocument(QStringLiteral("rotations"));
        const QString weight = QStringLiteral("/rotations/coding/providers/0/weight");
        editor.setField(weight, QStringLiteral("9"), QStringLiteral("number"));
        const int fetchesBefore = server.count("GET /api/admin/config/rotations");
        editing.loaded.clear();
        QSignalSpy applied(&editor, &RoutesEditor::applyFinished);
        editor.apply();
        QVERIFY(applied.wait());
        QCOMPARE(applied.first().first().toBool(), false);
        QCOMPARE(lastIfMatch(server, "PUT /api/admin/config/rotations"), QByteArray("\"3\""));
        QVERIFY2(editor.errorString().contains(QStringLiteral("changed on the gateway since")),
                 qPrintable(editor.errorString()));
        QVERIFY(editor.isDirty()); // the edits stay
        QVERIFY(!editor.canRevert());
        // The live version was fetched under the edits; applying again is a conscious overwrite.
        QVERIFY(editing.loaded.wait());
        QCOMPARE(server.count("GET /api/admin/config/rotations"), fetchesBefore + 1);
        QVERIFY(editor.isDirty());
        server.onJson("PUT /api/admin/config/rotations",
                      obj(R"({"applied":true,"document":"rotations","version":5})"));
        applied.clear();
        editor.apply();
        QVERIFY(applied.wait());
        QCOMPARE(applied.first().first().toBool(), true);
        QCOMPARE(lastIfMatch(server, "PUT /api/admin/config/rotations"), QByteArray("\"4\""));
        QCOMPARE(json::valueAt(QJsonDocument::fromJson(server.lastRequest().body).object(), weight)
                     .toInt(),
                 9);

        // That apply went through at version 4, so every document is current at version 5.
        server.onJson("PUT /api/admin/config/providers",
                      obj(R"({"applied":true,"document":"providers","version":6})"));
        editor.setDocument(QStringLiteral("providers"));
        editor.setField(QStringLiteral("/providers/local/name"), QStringLiteral("Local box"),
                        QStringLiteral("string"));
        applied.clear();
        editor.apply();
        QVERIFY(applied.wait());
        QCOMPARE(applied.first().first().toBool(), true);
        QCOMPARE(lastIfMatch(server, "PUT /api/admin/config/providers"), QByteArray("\"5\""));
    }

    void remoteChangeWhileEditing()
    {
        Editing editing;
        QVERIFY(editing.listen());
        FakeAdminServer &server = editing.server;
        RoutesEditor &editor = editing.editor;
        serve(server);
        QVERIFY(editing.load());
        // Not edited: fetched again silently.
        const int before = server.count("GET /api/admin/config/rotations");
        editor.noteRemoteChange(QStringLiteral("rotations"), 5);
        QTRY_COMPARE(server.count("GET /api/admin/config/rotations"), before + 1);
        QVERIFY(editor.remoteNotice().isEmpty());
        // Edited: the operator is told instead of losing the edits.
        editor.setField(QStringLiteral("/providers/local/name"), QStringLiteral("x"),
                        QStringLiteral("string"));
        editor.noteRemoteChange(QStringLiteral("providers"), 6);
        QVERIFY(editor.remoteNotice().contains(
            QStringLiteral("providers.json changed on the gateway (version 6)")));
        QVERIFY(editor.isDirty());
    }
};

QTEST_MAIN(TestRoutesEditor)
#include "tst_routes_editor.moc"
