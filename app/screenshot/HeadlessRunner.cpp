// SPDX-License-Identifier: GPL-3.0-or-later
#include "HeadlessRunner.h"

#include <connection/Session.h>
#include <network/GraphFeed.h>

#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QQuickWindow>
#include <QTextStream>
#include <QTimer>

namespace aisbf::app {

HeadlessRunner::HeadlessRunner(const CommandLine &options, Session *session, QObject *parent)
    : QObject(parent), m_options(options), m_session(session), m_poll(new QTimer(this))
{
    m_poll->setInterval(100);
    connect(m_poll, &QTimer::timeout, this, &HeadlessRunner::poll);
}

void HeadlessRunner::start(QQuickWindow *window)
{
    m_window = window;
    if (!m_window)
        return finish(1, QStringLiteral("the main window did not load (see the QML errors above)"));
    m_window->resize(m_options.size);
    m_window->setMinimumSize(m_options.size);
    m_window->show();
    m_session->setCurrentPage(m_options.page);
    connect(m_session, &Session::connectionFailed, this, [this](const QString &reason) {
        finish(2, QStringLiteral("cannot connect to %1: %2").arg(m_options.url, reason));
    });
    connect(m_session, &Session::connected, this, [this] { m_poll->start(); });
    m_clock.start();
    if (!m_options.username.isEmpty())
        m_session->connectWithPassword(m_options.url, m_options.username, m_options.password);
    else
        m_session->connectWithToken(m_options.url, m_options.token);
    QTimer::singleShot(m_options.timeoutMs, this, [this] {
        if (m_exitCode >= 0)
            return;
        if (m_session->state() != Session::State::Connected)
            finish(2, QStringLiteral("cannot connect to %1: no answer within %2 s")
                          .arg(m_options.url)
                          .arg(m_options.timeoutMs / 1000));
        else
            finish(3, QStringLiteral("the %1 page did not finish loading within %2 s")
                          .arg(m_options.page)
                          .arg(m_options.timeoutMs / 1000));
    });
}

bool HeadlessRunner::pageLoading() const
{
    const QVariant loading = m_window ? m_window->property("pageLoading") : QVariant();
    return !loading.isValid() || loading.toBool();
}

void HeadlessRunner::poll()
{
    if (m_exitCode >= 0)
        return;
    const bool graphPending = !m_options.dumpGraphFile.isEmpty() && m_session->graph()->isLoading();
    if (pageLoading() || graphPending) {
        m_settleFrames = 0;
        return;
    }
    // A few polls of quiet so delegates, charts and layouts have settled before the grab.
    if (++m_settleFrames < 5)
        return;
    m_poll->stop();
    capture();
}

void HeadlessRunner::capture()
{
    if (!m_options.dumpGraphFile.isEmpty()) {
        QFile file(m_options.dumpGraphFile);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return finish(4, QStringLiteral("cannot write %1: %2")
                                 .arg(m_options.dumpGraphFile, file.errorString()));
        file.write(QJsonDocument(m_session->graph()->toJson()).toJson(QJsonDocument::Indented));
    }
    if (!m_options.screenshotFile.isEmpty()) {
        const QImage image = m_window->grabWindow();
        if (image.isNull())
            return finish(4, QStringLiteral("rendering the %1 page failed").arg(m_options.page));
        if (!image.save(m_options.screenshotFile, "PNG"))
            return finish(4, QStringLiteral("cannot write %1").arg(m_options.screenshotFile));
    }
    finish(0);
}

void HeadlessRunner::finish(int code, const QString &message)
{
    if (m_exitCode >= 0)
        return;
    m_exitCode = code;
    m_poll->stop();
    if (!message.isEmpty())
        QTextStream(stderr) << "aisbf-control: " << message << Qt::endl;
    Q_EMIT finished(code);
}

} // namespace aisbf::app
