// SPDX-License-Identifier: GPL-3.0-or-later
// PLACEHOLDER: replaced by the SDK conformance driver.
#include <QTest>

class TestSdkConformance : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void placeholder() { QFAIL("the SDK conformance tests are not written yet"); }
};

QTEST_GUILESS_MAIN(TestSdkConformance)
#include "tst_sdk_conformance.moc"
