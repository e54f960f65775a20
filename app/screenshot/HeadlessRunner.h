// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "CommandLine.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

class QQuickWindow;
class QTimer;

namespace aisbf::app {

class Session;

/**
 * aisbf-control --screenshot / --dump-graph: connects, shows the page, waits until the page
 * reports it loaded its data (its `loading` going false), renders it offscreen, saves the PNG
 * and/or the graph JSON, and exits — 0 on success, 2 when the connection failed, 3 when the
 * page did not load in time, 4 when a file could not be written. Reasons go to stderr.
 */
class HeadlessRunner : public QObject
{
    Q_OBJECT

public:
    HeadlessRunner(const CommandLine &options, Session *session, QObject *parent = nullptr);

    /** Starts on @p window (the loaded Main.qml); the result comes as finished(). */
    void start(QQuickWindow *window);
    int exitCode() const { return m_exitCode; }

Q_SIGNALS:
    void finished(int exitCode);

private:
    void poll();
    void capture();
    void finish(int code, const QString &message = {});
    bool pageLoading() const;

    CommandLine m_options;
    QPointer<Session> m_session;
    QPointer<QQuickWindow> m_window;
    QTimer *m_poll;
    QElapsedTimer m_clock;
    int m_settleFrames = 0;
    int m_exitCode = -1;
};

} // namespace aisbf::app
