// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "AutoselectPolicy.h"
#include "ChatSession.h"

#include "http/ClientResponse.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace aisbf::http {
class AccessLog;
}

namespace aisbf::dispatch {

/**
 * One request to an autoselect policy: plans it (planAutoselect(); on a pool thread when the
 * request is long), then, when the plan has not decided, asks the policy's
 * selection model (a captured, non-streaming chat call with its own access-log line) which
 * eligible route fits, under a deadline ("selection_timeout" seconds, default 10); any failure
 * or an answer naming no eligible route means the fallback. Then hands the client's response to
 * a ChatSession on the chosen route, with X-AISBF-Autoselect (the route id) and
 * X-AISBF-Autoselect-Reason. A client that goes away cancels the selection call at once.
 * Deletes itself when done.
 */
class Autoselector : public QObject
{
    Q_OBJECT

public:
    struct Setup
    {
        ChatSession::Services services;
        http::AccessLog *log = nullptr;
        config::AutoselectConfig policy;
        QString route; ///< "autoselect/x" or "user-autoselect/x": logged and counted as such
        QList<AutoselectOption> options;
        /** The selection_model route; unset or with an error when there is none to ask. */
        std::optional<Resolution> selector;
        /** The selector may read private content (see isPrivacySafe()); a private request is
         *  never shown to one that may not. */
        bool selectorPrivacySafe = false;
    };

    Autoselector(Setup setup, http::ClientResponse response, ChatSession::Request request);
    ~Autoselector() override;

    void start();

Q_SIGNALS:
    void finished();

private:
    /** Goes on with @p planned: an error, a route, or the selection model. */
    void decide(AutoselectPlan planned);
    bool canAskSelector() const;
    void askSelector();
    void selectionAnswered(int status, const QByteArray &body);
    void selectionTimedOut();
    void dispatchTo(qsizetype option, const QString &why);
    void onClientGone();
    void finish();

    Setup m_setup;
    http::ClientResponse m_response;
    ChatSession::Request m_request;
    AutoselectPlan m_plan;
    QPointer<ChatSession> m_selection;
    QTimer m_deadline;
    QList<QMetaObject::Connection> m_clientWatch;
    bool m_finished = false;
};

} // namespace aisbf::dispatch
