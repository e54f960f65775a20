// SPDX-License-Identifier: GPL-3.0-or-later
// PLACEHOLDER: replaced by the anthropic translator tests.
#include <QTest>

class TestTranslate : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void placeholder() { QFAIL("the anthropic translator tests are not written yet"); }
};

QTEST_GUILESS_MAIN(TestTranslate)
#include "tst_translate_anthropic.moc"
