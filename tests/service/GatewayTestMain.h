// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <loop/EpollDispatcher.h>

#include <QCoreApplication>
#include <QTest>

/**
 * Like QTEST_GUILESS_MAIN, but on the event dispatcher the gateway runs on in production, so
 * the service tests exercise it too. AISBF_EVENT_LOOP=qt selects Qt's own, as for the binary.
 */
#define AISBF_GATEWAY_TEST_MAIN(TestObject)                                                        \
    int main(int argc, char *argv[])                                                               \
    {                                                                                              \
        if (qgetenv("AISBF_EVENT_LOOP") != "qt")                                                   \
            QCoreApplication::setEventDispatcher(new aisbf::loop::EpollDispatcher);                \
        QCoreApplication app(argc, argv);                                                          \
        TestObject tc;                                                                             \
        QTEST_SET_MAIN_SOURCE_PATH                                                                 \
        return QTest::qExec(&tc, argc, argv);                                                      \
    }
