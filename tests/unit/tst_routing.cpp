// SPDX-License-Identifier: GPL-3.0-or-later
#include <routing/RouteRef.h>
#include <routing/WeightedChoice.h>

#include <QRandomGenerator>
#include <QTest>

using aisbf::routing::RouteRef;

class TestRouting : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse_data();
    void parse();
    void firstPickFollowsWeights();
    void orderHoldsEveryIndexOnce();
    void nonPositiveWeightsComeLast();
};

void TestRouting::parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("provider");
    QTest::addColumn<QString>("name");
    using K = RouteRef::Kind;
    QTest::addRow("provider/model")
        << "openai-prod/gpt-4.1-mini" << int(K::ProviderModel) << "openai-prod"
        << "gpt-4.1-mini";
    QTest::addRow("model with slash")
        << "runpod/Qwen/Qwen2.5-7B" << int(K::ProviderModel) << "runpod"
        << "Qwen/Qwen2.5-7B";
    QTest::addRow("ollama tag") << "ollama-private/qwen2.5-coder:32b" << int(K::ProviderModel)
                                << "ollama-private"
                                << "qwen2.5-coder:32b";
    QTest::addRow("rotation") << "rotation/coding-production" << int(K::Rotation) << ""
                              << "coding-production";
    QTest::addRow("autoselect") << "autoselect/engineering" << int(K::Autoselect) << ""
                                << "engineering";
    QTest::addRow("user provider") << "user-provider/runpod-gpu-a/deepseek-coder-v2"
                                   << int(K::UserProviderModel) << "runpod-gpu-a"
                                   << "deepseek-coder-v2";
    QTest::addRow("user rotation")
        << "user-rotation/coding-production" << int(K::UserRotation) << ""
        << "coding-production";
    QTest::addRow("user autoselect") << "user-autoselect/x" << int(K::UserAutoselect) << ""
                                     << "x";
    QTest::addRow("bare") << "coding-production" << int(K::Bare) << ""
                          << "coding-production";
    QTest::addRow("empty") << "" << int(K::Invalid) << ""
                           << "";
    QTest::addRow("blank") << "   " << int(K::Invalid) << ""
                           << "";
    QTest::addRow("trailing slash") << "openai/" << int(K::Invalid) << ""
                                    << "";
    QTest::addRow("leading slash") << "/gpt" << int(K::Invalid) << ""
                                   << "";
    QTest::addRow("rotation without name") << "rotation/" << int(K::Invalid) << ""
                                           << "";
    QTest::addRow("user provider without model") << "user-provider/x" << int(K::Invalid) << ""
                                                 << "";
}

void TestRouting::parse()
{
    QFETCH(QString, text);
    QFETCH(int, kind);
    QFETCH(QString, provider);
    QFETCH(QString, name);
    const RouteRef ref = RouteRef::parse(text);
    QCOMPARE(int(ref.kind), kind);
    QCOMPARE(ref.provider, provider);
    QCOMPARE(ref.name, name);
    if (ref.isValid())
        QCOMPARE(ref.toString(), text);
}

void TestRouting::firstPickFollowsWeights()
{
    QRandomGenerator random(42);
    const QList<double> weights{6, 3, 1};
    QList<int> firsts(3, 0);
    constexpr int kDraws = 20'000;
    for (int i = 0; i < kDraws; ++i)
        ++firsts[aisbf::routing::weightedOrder(weights, random).first()];
    QVERIFY2(qAbs(firsts[0] / double(kDraws) - 0.6) < 0.02, qPrintable(QString::number(firsts[0])));
    QVERIFY2(qAbs(firsts[1] / double(kDraws) - 0.3) < 0.02, qPrintable(QString::number(firsts[1])));
    QVERIFY2(qAbs(firsts[2] / double(kDraws) - 0.1) < 0.02, qPrintable(QString::number(firsts[2])));
}

void TestRouting::orderHoldsEveryIndexOnce()
{
    QRandomGenerator random(7);
    for (int i = 0; i < 200; ++i) {
        QList<int> order = aisbf::routing::weightedOrder({1, 2, 3, 4, 5}, random);
        std::sort(order.begin(), order.end());
        QCOMPARE(order, (QList<int>{0, 1, 2, 3, 4}));
    }
}

void TestRouting::nonPositiveWeightsComeLast()
{
    QRandomGenerator random(1);
    for (int i = 0; i < 100; ++i) {
        const QList<int> order = aisbf::routing::weightedOrder({0, 5, -1, 2}, random);
        QCOMPARE(order.size(), 4);
        QCOMPARE(order[2], 0);
        QCOMPARE(order[3], 2);
    }
}

QTEST_GUILESS_MAIN(TestRouting)
#include "tst_routing.moc"
