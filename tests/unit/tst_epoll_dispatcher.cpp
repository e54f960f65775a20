// SPDX-License-Identifier: GPL-3.0-or-later
// EpollDispatcher with real timers and real loopback sockets: timer order and punctuality,
// timers changed by other timers' handlers, posted events and cross-thread wake-ups, nested and
// interrupted loops, and the socket cases the dispatcher has code for (an fd closed and reused
// within one pass, a disabled notifier on a closed peer, the write notifier of a blocked writer).
#include "EpollTestSockets.h"

#include <loop/EpollDispatcher.h>

#include <QBasicTimer>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <QTimerEvent>

#include <atomic>
#include <memory>
#include <sys/socket.h>
#include <thread>

using namespace std::chrono_literals;
using namespace aisbf::test;

namespace {

// Generous: the dispatcher is never early, but a loaded CI machine can be late.
constexpr qint64 kLateMs = 150;

// A QBasicTimer user that stops itself after three ticks.
class Ticker : public QObject
{
public:
    QBasicTimer timer;
    int ticks = 0;

protected:
    void timerEvent(QTimerEvent *event) override
    {
        if (event->timerId() == timer.timerId() && ++ticks == 3)
            timer.stop();
    }
};

} // namespace

class TestEpollDispatcher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void singleShotOrder();
    void repeatingKeepsPeriod();
    void timerChangedByAnother_data();
    void timerChangedByAnother();
    void basicTimerAndRemainingTime();
    void zeroTimerDoesNotStarveSockets();
    void postedEventsAndDeleteLater();
    void crossThreadPostWakesLoop();
    void nestedLoopInSlot();
    void exitFromThreadInterruptsWait();
    void coreApplicationExit();
    void manyConnectionsRoundTrips();
    void closeReconnectChurn();
    void closedPeerWhileReadDisabled();
    void bigWriteToSlowReader();
    void stoppedTimersDoNotAccumulate();
    void localPostDoesNotWait();
};

void TestEpollDispatcher::initTestCase()
{
    QVERIFY(qobject_cast<aisbf::loop::EpollDispatcher *>(QAbstractEventDispatcher::instance()));
}

void TestEpollDispatcher::singleShotOrder()
{
    QElapsedTimer clock;
    clock.start();
    QList<QPair<int, qint64>> fired;
    for (int ms : {30, 10, 20}) {
        QTimer::singleShot(ms, Qt::PreciseTimer, this, [&, ms] {
            fired.append({ms, clock.elapsed()});
        });
    }
    QVERIFY(spin([&] { return fired.size() == 3; }, 2000));
    for (int i = 0; i < 3; ++i) {
        const auto [ms, at] = fired.at(i);
        QCOMPARE(ms, 10 * (i + 1));
        QVERIFY2(at >= ms && at < ms + kLateMs, qPrintable(QString::number(at)));
    }
}

void TestEpollDispatcher::repeatingKeepsPeriod()
{
    constexpr int kInterval = 20;
    QTimer timer;
    timer.setTimerType(Qt::PreciseTimer);
    QList<qint64> ticks;
    QElapsedTimer clock;
    connect(&timer, &QTimer::timeout, this, [&] {
        ticks.append(clock.elapsed());
        if (ticks.size() == 10)
            timer.stop();
    });
    clock.start();
    timer.start(kInterval);
    QVERIFY(spin([&] { return ticks.size() == 10; }, 3000));
    // Tick k is due k intervals after the start: never before, and lateness does not add up.
    for (qsizetype k = 0; k < ticks.size(); ++k)
        QVERIFY2(ticks.at(k) >= (k + 1) * kInterval, qPrintable(QString::number(ticks.at(k))));
    QVERIFY2(ticks.last() < 10 * kInterval + kLateMs, qPrintable(QString::number(ticks.last())));
    spin([] { return false; }, 2 * kInterval);
    QCOMPARE(ticks.size(), 10);
}

void TestEpollDispatcher::timerChangedByAnother_data()
{
    QTest::addColumn<bool>("restart");
    QTest::addColumn<bool>("samePass");
    QTest::addRow("stop, later pass") << false << false;
    QTest::addRow("stop, same pass") << false << true;
    QTest::addRow("restart, later pass") << true << false;
    QTest::addRow("restart, same pass") << true << true;
}

void TestEpollDispatcher::timerChangedByAnother()
{
    QFETCH(bool, restart);
    QFETCH(bool, samePass);
    constexpr int kRestartMs = 80;
    QElapsedTimer clock;
    QTimer changer;
    QTimer target;
    for (QTimer *timer : {&changer, &target}) {
        timer->setSingleShot(true);
        timer->setTimerType(Qt::PreciseTimer);
    }
    qint64 changedAt = -1;
    qint64 targetAt = -1;
    connect(&changer, &QTimer::timeout, this, [&] {
        changedAt = clock.elapsed();
        if (restart)
            target.start(kRestartMs); // Qt hands the stopped timer's id straight back
        else
            target.stop();
    });
    connect(&target, &QTimer::timeout, this, [&] { targetAt = clock.elapsed(); });
    clock.start();
    changer.start(5);
    target.start(samePass ? 6 : 40);
    if (samePass)
        std::this_thread::sleep_for(20ms); // both are due when the loop next looks

    if (restart) {
        QVERIFY(spin([&] { return targetAt >= 0; }, 2000));
        QVERIFY2(
            targetAt >= changedAt + kRestartMs,
            qPrintable(QStringLiteral("changed at %1, fired at %2").arg(changedAt).arg(targetAt)));
    } else {
        spin([] { return false; }, 100);
        QVERIFY(changedAt >= 0);
        QCOMPARE(targetAt, -1);
    }
}

void TestEpollDispatcher::basicTimerAndRemainingTime()
{
    QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance();
    Ticker ticker;
    ticker.timer.start(10, &ticker);
    QVERIFY(ticker.timer.isActive());
    const QList<QAbstractEventDispatcher::TimerInfo> infos = dispatcher->registeredTimers(&ticker);
    QCOMPARE(infos.size(), 1);
    QCOMPARE(infos.first().interval, 10);
    QVERIFY(spin([&] { return ticker.ticks == 3; }, 2000));
    QVERIFY(!ticker.timer.isActive());
    QVERIFY(dispatcher->registeredTimers(&ticker).isEmpty());
    spin([] { return false; }, 30);
    QCOMPARE(ticker.ticks, 3);

    QTimer timer;
    timer.start(300);
    const int id = timer.timerId();
    const int left = dispatcher->remainingTime(id);
    QVERIFY2(left > 250 && left <= 300, qPrintable(QString::number(left)));
    spin([] { return false; }, 100);
    const int later = timer.remainingTime();
    QVERIFY2(later > 0 && later <= 200, qPrintable(QString::number(later)));
    timer.stop();
    QCOMPARE(dispatcher->remainingTime(id), -1);
}

void TestEpollDispatcher::zeroTimerDoesNotStarveSockets()
{
    EchoServer server;
    QVERIFY(server.isListening());
    QTimer zero;
    int spins = 0;
    connect(&zero, &QTimer::timeout, this, [&] { ++spins; });
    zero.start(0);
    PingClient client(server.serverPort(), 1, 50);
    QVERIFY(spin([&] { return client.finished(); }, 5000));
    QVERIFY(!client.failed());
    QVERIFY(spins > 0);
}

void TestEpollDispatcher::postedEventsAndDeleteLater()
{
    struct Receiver : QObject
    {
        QList<int> types;
        bool event(QEvent *event) override
        {
            if (event->type() >= QEvent::User)
                types.append(int(event->type()));
            return QObject::event(event);
        }
    };
    Receiver receiver;
    for (int i = 0; i < 3; ++i)
        QCoreApplication::postEvent(&receiver, new QEvent(QEvent::Type(QEvent::User + i)));
    QVERIFY(spin([&] { return receiver.types.size() == 3; }, 1000));
    QCOMPARE(receiver.types, (QList<int>{QEvent::User, QEvent::User + 1, QEvent::User + 2}));

    auto *doomed = new QObject;
    QSignalSpy destroyed(doomed, &QObject::destroyed);
    doomed->deleteLater();
    QVERIFY(destroyed.wait(1000));
}

void TestEpollDispatcher::crossThreadPostWakesLoop()
{
    constexpr int kBurst = 1000;
    QEventLoop loop;
    QElapsedTimer clock;
    clock.start();
    std::atomic<qint64> postedNs{0};
    qint64 ranNs = 0;
    QList<int> order;
    QTimer guard; // only a failure waits this long
    connect(&guard, &QTimer::timeout, &loop, [&] { loop.exit(1); });
    guard.start(3000);
    std::thread poster([&] {
        std::this_thread::sleep_for(50ms); // the loop is blocked in epoll_wait by now
        for (int i = 0; i < kBurst; ++i)
            QMetaObject::invokeMethod(
                &loop, [&order, i] { order.append(i); }, Qt::QueuedConnection);
        postedNs = clock.nsecsElapsed();
        QMetaObject::invokeMethod(
            &loop,
            [&] {
                ranNs = clock.nsecsElapsed();
                loop.exit(0);
            },
            Qt::QueuedConnection);
    });
    const int rc = loop.exec();
    poster.join();
    QCOMPARE(rc, 0);
    QCOMPARE(order.size(), kBurst);
    for (int i = 0; i < kBurst; ++i)
        QCOMPARE(order.at(i), i);
    const qint64 latencyMs = (ranNs - postedNs.load()) / 1'000'000;
    QVERIFY2(latencyMs < 50, qPrintable(QString::number(latencyMs)));
}

void TestEpollDispatcher::nestedLoopInSlot()
{
    constexpr int kInterval = 30;
    EchoServer server;
    QVERIFY(server.isListening());
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, server.serverPort());
    QVERIFY(spin([&] { return socket.state() == QAbstractSocket::ConnectedState; }));

    QElapsedTimer clock;
    QTimer nester;
    nester.setSingleShot(true);
    QTimer repeating; // due in the same pass as nester; it fires inside the nested loop
    repeating.setTimerType(Qt::PreciseTimer);
    QList<qint64> repeats;
    connect(&repeating, &QTimer::timeout, this, [&] { repeats.append(clock.elapsed()); });
    QTimer reentry; // its handler nests a loop too: it must not be re-entered meanwhile
    int depth = 0;
    int maxDepth = 0;
    int reentryTicks = 0;
    QByteArray reply;
    bool nestedDone = false;
    qsizetype repeatsInNested = 0;
    connect(&reentry, &QTimer::timeout, this, [&] {
        maxDepth = std::max(maxDepth, ++depth);
        if (++reentryTicks == 1)
            spin([] { return false; }, 40);
        --depth;
    });
    connect(&nester, &QTimer::timeout, this, [&] {
        QEventLoop nested;
        connect(&socket, &QTcpSocket::readyRead, &nested, [&] {
            reply += socket.readAll();
            if (reply == "ping")
                nested.quit();
        });
        QTimer guard;
        connect(&guard, &QTimer::timeout, &nested, &QEventLoop::quit);
        guard.start(3000);
        socket.write("ping");
        nested.exec();
        const qsizetype before = repeats.size();
        spin([] { return false; }, 3 * kInterval); // more nested passes: repeating fires here
        repeatsInNested = repeats.size() - before;
        nestedDone = true;
    });
    clock.start();
    nester.start(5);
    repeating.start(kInterval);
    reentry.start(5);
    std::this_thread::sleep_for(std::chrono::milliseconds(kInterval + 10));
    QVERIFY(spin([&] { return nestedDone && repeats.size() >= 6 && reentryTicks >= 3; }, 3000));
    QCOMPARE(reply, QByteArray("ping"));
    QCOMPARE(maxDepth, 1);
    QVERIFY2(repeatsInNested >= 2, qPrintable(QString::number(repeatsInNested)));
    // A tick the nested loop delivered is not delivered again when the outer pass resumes.
    for (qsizetype k = 0; k < repeats.size(); ++k)
        QVERIFY2(repeats.at(k) >= (k + 1) * kInterval,
                 qPrintable(QStringLiteral("tick %1 at %2 ms").arg(k).arg(repeats.at(k))));
}

void TestEpollDispatcher::exitFromThreadInterruptsWait()
{
    QEventLoop loop;
    QElapsedTimer clock;
    clock.start();
    std::atomic<bool> running{false};
    std::atomic<qint64> exitNs{0};
    QTimer guard;
    connect(&guard, &QTimer::timeout, &loop, [&] { loop.exit(-2); });
    guard.start(3000);
    QTimer::singleShot(0, &loop, [&] { running = true; });
    // QThread::exit() calls QEventLoop::exit() from other threads in just this way.
    std::thread stopper([&] {
        while (!running)
            std::this_thread::sleep_for(1ms);
        std::this_thread::sleep_for(30ms); // now the loop waits in epoll_wait
        exitNs = clock.nsecsElapsed();
        loop.exit(3);
    });
    const int rc = loop.exec();
    const qint64 returnedNs = clock.nsecsElapsed();
    stopper.join();
    QCOMPARE(rc, 3);
    QVERIFY((returnedNs - exitNs.load()) / 1'000'000 < 50);
}

void TestEpollDispatcher::coreApplicationExit()
{
    int nestedRc = 0;
    QTimer guard; // a local timer: a pending exit() must not outlive this test
    connect(&guard, &QTimer::timeout, this, [] { QCoreApplication::exit(-2); });
    guard.start(3000);
    QTimer::singleShot(5, this, [&] {
        QEventLoop nested;
        QTimer::singleShot(20, &nested, [] { QCoreApplication::exit(7); });
        nestedRc = nested.exec();
    });
    QCOMPARE(QCoreApplication::exec(), 7);
    QCOMPARE(nestedRc, 7);
}

void TestEpollDispatcher::manyConnectionsRoundTrips()
{
    constexpr int kClients = 200;
    constexpr int kTrips = 20;
    EchoServer server;
    QVERIFY(server.isListening());
    std::vector<std::unique_ptr<PingClient>> clients;
    for (int i = 0; i < kClients; ++i)
        clients.push_back(std::make_unique<PingClient>(server.serverPort(), i, kTrips));
    const auto allDone = [&] {
        return std::all_of(clients.begin(), clients.end(),
                           [](const auto &client) { return client->finished(); });
    };
    QVERIFY(spin(allDone, 8000));
    for (const auto &client : clients)
        QVERIFY2(!client->failed(), qPrintable(client->error()));
    QCOMPARE(server.accepted(), kClients);
}

void TestEpollDispatcher::closeReconnectChurn()
{
    constexpr int kCycles = 1000;
    EchoServer server;
    QVERIFY(server.isListening());
    ChurnClient churn(server.serverPort(), kCycles);
    QVERIFY2(spin([&] { return churn.finished(); }, 8000),
             qPrintable(QStringLiteral("stalled after %1 cycles").arg(churn.cycles())));
    QVERIFY2(churn.error().isEmpty(), qPrintable(churn.error()));
    // The point of the test: the same few fd numbers served all those sockets.
    QVERIFY2(churn.distinctFds() < 16, qPrintable(QString::number(churn.distinctFds())));
    QVERIFY2(churn.reusedWithinPass() > kCycles / 4,
             qPrintable(QString::number(churn.reusedWithinPass()) +
                        QStringLiteral(" reused within a pass")));
}

void TestEpollDispatcher::closedPeerWhileReadDisabled()
{
    constexpr int kBytes = 4096;
    LoopbackPair pair;
    QVERIFY(pair.open(16)); // full after one read: QAbstractSocket disables the read notifier
    QTcpSocket &client = pair.client;
    pair.peer->write(QByteArray(kBytes, 'x'));
    pair.peer->disconnectFromHost();
    QVERIFY(spin([&] { return pair.peer->state() == QAbstractSocket::UnconnectedState; }));
    QVERIFY(spin([&] { return client.bytesAvailable() >= 16; }));
    // Both directions shut: the kernel now reports EPOLLHUP whatever mask the fd has.
    QCOMPARE(::shutdown(int(client.socketDescriptor()), SHUT_WR), 0);

    int passes = 0;
    const auto counter = connect(QAbstractEventDispatcher::instance(),
                                 &QAbstractEventDispatcher::awake, this, [&] { ++passes; });
    const qint64 cpuBefore = processCpuMs();
    QEventLoop idle; // blocks in the dispatcher, unlike QTest::qWait, which sleeps
    QTimer::singleShot(500, &idle, &QEventLoop::quit);
    idle.exec();
    const qint64 cpuUsed = processCpuMs() - cpuBefore;
    disconnect(counter);
    QVERIFY2(passes < 50, qPrintable(QStringLiteral("%1 loop passes").arg(passes)));
    QVERIFY2(cpuUsed < 150, qPrintable(QStringLiteral("%1 ms CPU").arg(cpuUsed)));
    QCOMPARE(client.state(), QAbstractSocket::ConnectedState); // it has not read the end yet

    // Reading re-enables the notifier: the rest and the end of stream arrive.
    QByteArray got;
    QVERIFY(spin(
        [&] {
            got += client.readAll();
            return got.size() == kBytes && client.state() == QAbstractSocket::UnconnectedState;
        },
        3000));
}

void TestEpollDispatcher::bigWriteToSlowReader()
{
    constexpr qint64 kTotal = 8 * 1024 * 1024;
    constexpr qint64 kReadChunk = 128 * 1024;
    LoopbackPair pair;
    QVERIFY(pair.open(kReadChunk));
    QByteArray payload(kTotal, Qt::Uninitialized);
    for (qint64 i = 0; i < kTotal; ++i)
        payload[i] = char(i % 251);
    qint64 written = 0;
    connect(pair.peer.get(), &QTcpSocket::bytesWritten, this, [&](qint64 n) { written += n; });
    QByteArray got;
    got.reserve(kTotal);
    QTimer slow; // the reader takes one chunk per tick, so the writer's kernel buffer fills
    connect(&slow, &QTimer::timeout, this, [&] { got += pair.client.read(kReadChunk); });
    slow.start(2);
    QCOMPARE(pair.peer->write(payload), kTotal);
    spin([] { return false; }, 20);
    QVERIFY(written < kTotal); // held back: the rest goes out on write notifications
    QVERIFY2(spin([&] { return written == kTotal && got.size() == kTotal; }, 8000),
             qPrintable(QStringLiteral("written %1, read %2").arg(written).arg(got.size())));
    QVERIFY(got == payload);
}

void TestEpollDispatcher::stoppedTimersDoNotAccumulate()
{
    // The gateway starts and stops minutes-long timeouts for every request.
    auto *dispatcher =
        qobject_cast<aisbf::loop::EpollDispatcher *>(QAbstractEventDispatcher::instance());
    QBasicTimer keep;
    keep.start(60'000, this);
    for (int i = 0; i < 200'000; ++i) {
        QBasicTimer timer;
        timer.start(300'000, this);
        timer.stop();
    }
    QVERIFY2(dispatcher->timerEntries() < 4096,
             qPrintable(QString::number(dispatcher->timerEntries())));
    QVERIFY(dispatcher->remainingTime(keep.timerId()) > 50'000);
    keep.stop();
}

void TestEpollDispatcher::localPostDoesNotWait()
{
    // A queued call made from the loop's own thread runs on the next pass at once, even with a
    // long timer as the only other thing the loop could wait for.
    QBasicTimer far;
    far.start(10'000, this);
    QElapsedTimer clock;
    qint64 ranAfterMs = -1;
    QTimer::singleShot(0, this, [&] {
        clock.start();
        QMetaObject::invokeMethod(
            this, [&] { ranAfterMs = clock.elapsed(); }, Qt::QueuedConnection);
    });
    QVERIFY(spin([&] { return ranAfterMs >= 0; }, 2000));
    QVERIFY2(ranAfterMs < 50, qPrintable(QString::number(ranAfterMs)));
    far.stop();
}

int main(int argc, char *argv[])
{
    // Always the epoll dispatcher: it is the unit under test (AISBF_EVENT_LOOP is ignored).
    QCoreApplication::setEventDispatcher(new aisbf::loop::EpollDispatcher);
    QCoreApplication app(argc, argv);
    TestEpollDispatcher tc;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&tc, argc, argv);
}

#include "tst_epoll_dispatcher.moc"
