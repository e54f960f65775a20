// SPDX-License-Identifier: GPL-3.0-or-later
// PLACEHOLDER: replaced by the google translator tests.
#include <QTest>

class TestTranslate : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void placeholder() { QFAIL("the google translator tests are not written yet"); }
};

QTEST_GUILESS_MAIN(TestTranslate)
#include "tst_translate_google.moc"
