// SPDX-License-Identifier: GPL-3.0-or-later
#include "GraphFixtures.h"
#include "GraphModel.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace aisbf;
using namespace aisbf::app;

class TestGraphModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void roleNames();
    void roles_data();
    void roles();
    void edgeRoles();
    void applyStateUpdatesRows();
    void cooldownCountsDown();
    void statsAndRequestEvents();
    void nodeAt_data();
    void nodeAt();
    void select();
    void invalidConfigKeepsGraph();
    void warningsStillDraw();
    void reloadKeepsSelectionAndHealth();
    void toJsonMatchesModel();

private:
    QJsonObject doc(const char *name) const;
    QVariant nodeData(const QString &id, GraphNodeModel::Role role) const;
    int row(const QString &id) const { return m_model->graph().indexOf(id); }

    GraphModel *m_model = nullptr;
    qint64 m_now = 0;
};

namespace {

const QString kRunpodModel = QStringLiteral("model/runpod-gpu-a/deepseek-coder-v2");
const QString kRunpod = QStringLiteral("provider/runpod-gpu-a");
const QString kRotation = QStringLiteral("rotation/coding-production");

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(text).object();
}

} // namespace

QJsonObject TestGraphModel::doc(const char *name) const
{
    return testing::readDataJson(QLatin1String("guide/") + QLatin1String(name) +
                                 QLatin1String(".json"));
}

QVariant TestGraphModel::nodeData(const QString &id, GraphNodeModel::Role role) const
{
    return m_model->nodes()->data(m_model->nodes()->index(row(id)), role);
}

void TestGraphModel::init()
{
    m_now = QDateTime::fromString(QStringLiteral("2026-11-24T09:00:00Z"), Qt::ISODate)
                .toMSecsSinceEpoch();
    m_model = new GraphModel;
    m_model->setClock([this] { return m_now; });
    new QAbstractItemModelTester(m_model->nodes(), m_model->nodes());
    new QAbstractItemModelTester(m_model->edges(), m_model->edges());
    // The guide's providers.json says "$RUNPOD_API_KEY", which this process does not set.
    QVERIFY(qEnvironmentVariableIsEmpty("RUNPOD_API_KEY"));
    QVERIFY2(m_model->setConfigDocuments(doc("aisbf"), doc("providers"), doc("rotations"),
                                         doc("autoselect")),
             qPrintable(m_model->error()));
    QCOMPARE(m_model->nodeCount(), 8);
    QCOMPARE(m_model->edgeCount(), 6);
}

void TestGraphModel::cleanup()
{
    delete m_model;
    m_model = nullptr;
}

void TestGraphModel::roleNames()
{
    const QHash<int, QByteArray> names = m_model->nodes()->roleNames();
    QStringList nodeRoles;
    for (const QByteArray &n : names)
        nodeRoles.append(QString::fromLatin1(n));
    nodeRoles.sort();
    QCOMPARE(nodeRoles,
             QStringList({QStringLiteral("cooldownRemaining"), QStringLiteral("health"),
                          QStringLiteral("height"), QStringLiteral("kind"), QStringLiteral("label"),
                          QStringLiteral("nodeId"), QStringLiteral("requestsPerSec"),
                          QStringLiteral("selected"), QStringLiteral("width"), QStringLiteral("x"),
                          QStringLiteral("y")}));
    QCOMPARE(names.value(GraphNodeModel::NodeIdRole), QByteArray("nodeId"));
    QCOMPARE(m_model->edges()->roleNames().value(GraphEdgeModel::TrafficRole),
             QByteArray("traffic"));
    QCOMPARE(m_model->nodes()->count(), 8);
}

void TestGraphModel::roles_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("label");
    QTest::addRow("autoselect") << QStringLiteral("autoselect/engineering")
                                << QStringLiteral("autoselect") << QStringLiteral("engineering");
    QTest::addRow("rotation") << kRotation << QStringLiteral("rotation")
                              << QStringLiteral("coding-production");
    QTest::addRow("model") << kRunpodModel << QStringLiteral("model")
                           << QStringLiteral("deepseek-coder-v2");
    QTest::addRow("provider") << kRunpod << QStringLiteral("provider")
                              << QStringLiteral("RunPod GPU A");
}

void TestGraphModel::roles()
{
    QFETCH(QString, id);
    QFETCH(QString, kind);
    QFETCH(QString, label);
    QVERIFY(row(id) >= 0);
    QCOMPARE(nodeData(id, GraphNodeModel::NodeIdRole).toString(), id);
    QCOMPARE(nodeData(id, GraphNodeModel::KindRole).toString(), kind);
    QCOMPARE(nodeData(id, GraphNodeModel::LabelRole).toString(), label);
    QCOMPARE(nodeData(id, GraphNodeModel::HealthRole).toString(), QStringLiteral("ok"));
    QCOMPARE(nodeData(id, GraphNodeModel::SelectedRole).toBool(), false);
    const QRectF rect(nodeData(id, GraphNodeModel::XRole).toReal(),
                      nodeData(id, GraphNodeModel::YRole).toReal(),
                      nodeData(id, GraphNodeModel::WidthRole).toReal(),
                      nodeData(id, GraphNodeModel::HeightRole).toReal());
    QCOMPARE(rect, m_model->nodeRect(row(id)));
    QVERIFY(rect.width() >= 96 && rect.height() > 0);
    QVERIFY(m_model->bounds().contains(rect));
}

void TestGraphModel::edgeRoles()
{
    GraphEdgeModel *edges = m_model->edges();
    int found = 0;
    for (int i = 0; i < edges->count(); ++i) {
        const QModelIndex index = edges->index(i);
        if (index.data(GraphEdgeModel::FromIdRole).toString() != kRotation ||
            index.data(GraphEdgeModel::ToIdRole).toString() != kRunpodModel)
            continue;
        ++found;
        QCOMPARE(index.data(GraphEdgeModel::KindRole).toString(), QStringLiteral("entry"));
        QCOMPARE(index.data(GraphEdgeModel::WeightRole).toDouble(), 3.0);
        QCOMPARE(index.data(GraphEdgeModel::ShareRole).toDouble(), 0.3);
        QCOMPARE(index.data(GraphEdgeModel::TrafficRole).toDouble(), 0.0);
        // The label point lies between the two boxes.
        const qreal x = index.data(GraphEdgeModel::LabelXRole).toReal();
        QVERIFY(x > m_model->nodeRect(row(kRotation)).right());
        QVERIFY(x < m_model->nodeRect(row(kRunpodModel)).left());
    }
    QCOMPARE(found, 1);
}

void TestGraphModel::applyStateUpdatesRows()
{
    QSignalSpy dataChanged(m_model->nodes(), &QAbstractItemModel::dataChanged);
    QSignalSpy healthChanged(m_model, &GraphModel::healthChanged);
    m_model->applyState(json(R"({"providers":[{"id":"runpod-gpu-a","state":"cooling",
        "requests_per_s":0,"models":[{"name":"deepseek-coder-v2","state":"cooling",
        "cooldown_remaining_s":42,"requests_per_s":0}]}],
        "rotations":[{"id":"coding-production","requests_per_s":2,"entries":[]}]})"));
    QCOMPARE(healthChanged.size(), 1);
    QCOMPARE(dataChanged.size(), 1);
    const QList<int> roles = dataChanged.first().at(2).value<QList<int>>();
    QVERIFY(roles.contains(GraphNodeModel::HealthRole));
    QCOMPARE(nodeData(kRunpod, GraphNodeModel::HealthRole).toString(), QStringLiteral("cooling"));
    QCOMPARE(nodeData(kRunpodModel, GraphNodeModel::CooldownRemainingRole).toInt(), 42);
    QCOMPARE(nodeData(kRotation, GraphNodeModel::RequestsPerSecRole).toDouble(), 2.0);
    // The same state again changes nothing and says so.
    m_model->applyState(json(R"({"providers":[{"id":"runpod-gpu-a","state":"cooling",
        "requests_per_s":0,"models":[{"name":"deepseek-coder-v2","state":"cooling",
        "cooldown_remaining_s":42,"requests_per_s":0}]}],
        "rotations":[{"id":"coding-production","requests_per_s":2,"entries":[]}]})"));
    QCOMPARE(healthChanged.size(), 1);
}

void TestGraphModel::cooldownCountsDown()
{
    QSignalSpy healthChanged(m_model, &GraphModel::healthChanged);
    m_model->applyEvent(QStringLiteral("cooldown"),
                        json(R"({"provider":"runpod-gpu-a","model":"deepseek-coder-v2",
                                 "state":"started","until":"2026-11-24T09:00:30Z"})"));
    QCOMPARE(healthChanged.size(), 1);
    QCOMPARE(nodeData(kRunpodModel, GraphNodeModel::CooldownRemainingRole).toInt(), 30);
    // The model's one-second timer re-reads the clock.
    m_now += 12'000;
    QVERIFY(healthChanged.wait(3000));
    QCOMPARE(nodeData(kRunpod, GraphNodeModel::CooldownRemainingRole).toInt(), 18);
    m_now += 20'000;
    QVERIFY(healthChanged.wait(3000));
    QCOMPARE(nodeData(kRunpod, GraphNodeModel::HealthRole).toString(), QStringLiteral("ok"));
    QCOMPARE(nodeData(kRunpod, GraphNodeModel::CooldownRemainingRole).toInt(), 0);
}

void TestGraphModel::statsAndRequestEvents()
{
    QSignalSpy edgeData(m_model->edges(), &QAbstractItemModel::dataChanged);
    m_model->applyEvent(QStringLiteral("stats"),
                        json(R"({"requests_per_s":3,"routes":{"rotation/coding-production":2,
                                 "runpod-gpu-a/deepseek-coder-v2":2}})"));
    QCOMPARE(nodeData(kRunpod, GraphNodeModel::RequestsPerSecRole).toDouble(), 2.0);
    QVERIFY(edgeData.size() >= 1);
    double traffic = -1;
    for (int i = 0; i < m_model->edges()->count(); ++i) {
        const QModelIndex index = m_model->edges()->index(i);
        if (index.data(GraphEdgeModel::ToIdRole).toString() == kRunpodModel)
            traffic = index.data(GraphEdgeModel::TrafficRole).toDouble();
    }
    QCOMPARE(traffic, 1.0);

    m_model->applyEvent(QStringLiteral("request"),
                        json(R"({"route":"rotation/coding-production","provider":"runpod-gpu-a",
                                 "model":"deepseek-coder-v2","status":502})"));
    QCOMPARE(nodeData(kRunpodModel, GraphNodeModel::HealthRole).toString(),
             QStringLiteral("failing"));
    QCOMPARE(nodeData(kRunpod, GraphNodeModel::HealthRole).toString(), QStringLiteral("failing"));
    QCOMPARE(nodeData(kRotation, GraphNodeModel::HealthRole).toString(), QStringLiteral("ok"));
    QSignalSpy healthChanged(m_model, &GraphModel::healthChanged);
    m_model->applyEvent(QStringLiteral("config"), json(R"({"document":"providers"})"));
    m_model->applyEvent(QStringLiteral("request"),
                        json(R"({"provider":"runpod-gpu-a","model":"deepseek-coder-v2",
                                 "status":200})"));
    QCOMPARE(healthChanged.size(), 0);
}

void TestGraphModel::nodeAt_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QPointF>("offset"); // from the node's top-left, fractions of its size
    QTest::addColumn<bool>("hit");
    QTest::addRow("centre") << kRunpodModel << QPointF(0.5, 0.5) << true;
    QTest::addRow("corner") << kRotation << QPointF(0.01, 0.01) << true;
    QTest::addRow("left of") << kRunpod << QPointF(-0.05, 0.5) << false;
    QTest::addRow("below") << kRunpod << QPointF(0.5, 1.5) << false;
}

void TestGraphModel::nodeAt()
{
    QFETCH(QString, id);
    QFETCH(QPointF, offset);
    QFETCH(bool, hit);
    const QRectF r = m_model->nodeRect(row(id));
    const QPointF p(r.x() + offset.x() * r.width(), r.y() + offset.y() * r.height());
    const QString at = m_model->nodeAt(p.x(), p.y());
    if (hit)
        QCOMPARE(at, id);
    else
        QVERIFY2(at != id, qPrintable(at));
}

void TestGraphModel::select()
{
    QSignalSpy selected(m_model, &GraphModel::selectedIdChanged);
    QSignalSpy dataChanged(m_model->nodes(), &QAbstractItemModel::dataChanged);
    m_model->select(kRotation);
    QCOMPARE(m_model->selectedId(), kRotation);
    QCOMPARE(nodeData(kRotation, GraphNodeModel::SelectedRole).toBool(), true);
    QCOMPARE(selected.size(), 1);
    m_model->select(kRotation);
    QCOMPARE(selected.size(), 1); // no change, no signal
    dataChanged.clear();
    m_model->select(kRunpod);
    QCOMPARE(dataChanged.size(), 2); // the old row and the new one
    QCOMPARE(nodeData(kRotation, GraphNodeModel::SelectedRole).toBool(), false);
    m_model->select(QStringLiteral("provider/none"));
    QCOMPARE(m_model->selectedId(), QString());
    QCOMPARE(m_model->selectedIndex(), -1);
    QCOMPARE(selected.size(), 3);
}

void TestGraphModel::invalidConfigKeepsGraph()
{
    const QJsonObject before = m_model->toJson();
    QSignalSpy errorChanged(m_model, &GraphModel::errorChanged);
    QSignalSpy graphChanged(m_model, &GraphModel::graphChanged);
    const QJsonObject broken = json(R"({"providers":{"p":{"type":"openai","endpoint":"nope",
        "models":[{"name":"m"}]}}})");
    QVERIFY(!m_model->setConfigDocuments({}, broken, {}, {}));
    QCOMPARE(errorChanged.size(), 1);
    QVERIFY2(m_model->error().contains(QStringLiteral("providers.json /providers/p/endpoint")),
             qPrintable(m_model->error()));
    QCOMPARE(graphChanged.size(), 0);
    QCOMPARE(m_model->nodeCount(), 8);
    QCOMPARE(m_model->toJson().value(QStringLiteral("nodes")),
             before.value(QStringLiteral("nodes")));
    // A good config again clears the error.
    QVERIFY(m_model->setConfigDocuments({}, doc("providers"), doc("rotations"), {}));
    QCOMPARE(m_model->error(), QString());
    QCOMPARE(m_model->nodeCount(), 7); // no autoselect this time
}

void TestGraphModel::warningsStillDraw()
{
    const QJsonObject providers = json(R"({"providers":{"p":{"type":"openai",
        "endpoint":"http://127.0.0.1:9/v1","models":[{"name":"m"}]}}})");
    const QJsonObject rotations =
        json(R"({"rotations":{"r":{"providers":[{"provider_id":"p","model":"unlisted"}]}}})");
    QVERIFY(m_model->setConfigDocuments({}, providers, rotations, {}));
    QVERIFY(!m_model->warnings().isEmpty());
    QVERIFY(m_model->graph().indexOf(QStringLiteral("model/p/unlisted")) >= 0);
    QCOMPARE(m_model->nodeCount(), 4); // rotation, m, unlisted, provider
}

void TestGraphModel::reloadKeepsSelectionAndHealth()
{
    m_model->select(kRunpod);
    m_model->applyEvent(QStringLiteral("cooldown"),
                        json(R"({"provider":"runpod-gpu-a","model":"deepseek-coder-v2",
                                 "state":"started","until":"2026-11-24T09:01:00Z"})"));
    QSignalSpy reset(m_model->nodes(), &QAbstractItemModel::modelReset);
    QVERIFY(m_model->setConfigDocuments({}, doc("providers"), doc("rotations"), {}));
    QCOMPARE(reset.size(), 1);
    QCOMPARE(m_model->selectedId(), kRunpod);
    QCOMPARE(nodeData(kRunpod, GraphNodeModel::HealthRole).toString(), QStringLiteral("cooling"));
    QCOMPARE(nodeData(kRunpod, GraphNodeModel::CooldownRemainingRole).toInt(), 60);
}

void TestGraphModel::toJsonMatchesModel()
{
    m_model->select(kRotation);
    const QJsonObject dump = m_model->toJson();
    const QJsonArray nodes = dump.value(QStringLiteral("nodes")).toArray();
    const QJsonArray edges = dump.value(QStringLiteral("edges")).toArray();
    QCOMPARE(nodes.size(), m_model->nodeCount());
    QCOMPARE(edges.size(), m_model->edgeCount());
    QCOMPARE(dump.value(QStringLiteral("skipped")).toArray().size(), 4); // user-* references
    const QJsonObject rotation = nodes.at(row(kRotation)).toObject();
    QCOMPARE(rotation.value(QStringLiteral("id")).toString(), kRotation);
    QCOMPARE(rotation.value(QStringLiteral("selected")).toBool(), true);
    QCOMPARE(rotation.value(QStringLiteral("x")).toDouble(), m_model->nodeRect(row(kRotation)).x());
    QCOMPARE(rotation.value(QStringLiteral("health")).toString(), QStringLiteral("ok"));
    const QJsonObject bounds = dump.value(QStringLiteral("bounds")).toObject();
    QCOMPARE(bounds.value(QStringLiteral("width")).toDouble(), m_model->bounds().width());
    QVERIFY(edges.at(0).toObject().contains(QStringLiteral("traffic")));
}

QTEST_GUILESS_MAIN(TestGraphModel)
#include "tst_graph_model.moc"
