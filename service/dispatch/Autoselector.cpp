// SPDX-License-Identifier: GPL-3.0-or-later
#include "Autoselector.h"

#include "http/GatewaySocket.h"

#include <routing/SelectionPrompt.h>

#include <QFutureWatcher>
#include <QJsonDocument>
#include <QtConcurrent/QtConcurrentRun>

namespace aisbf::dispatch {

namespace {

constexpr int kDefaultSelectionTimeoutMs = 10'000;
constexpr int kMaxSelectionTimeoutMs = 600'000;
// Requests up to this size are planned on the loop (at most ~0.2 ms: the privacy check reads
// ~50 characters a microsecond, BM25 reads at most 2,000), larger ones on a pool thread.
constexpr qsizetype kInlinePlanBytes = 4 * 1024;

// Header values are ASCII without control characters; reasons are ours, but carry route ids.
QByteArray headerSafe(const QString &text)
{
    QByteArray out;
    out.reserve(text.size());
    for (const QChar c : text)
        out.append(c.unicode() >= 0x20 && c.unicode() < 0x7f ? char(c.unicode()) : '?');
    return out;
}

} // namespace

Autoselector::Autoselector(Setup setup, http::ClientResponse response, ChatSession::Request request)
    : m_setup(std::move(setup)), m_response(std::move(response)), m_request(std::move(request))
{
    m_response.record().route = m_setup.route;
    m_response.setDialect(m_request.client);
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, &Autoselector::selectionTimedOut);
    if (http::GatewaySocket *socket = m_response.socket()) {
        m_clientWatch = {
            connect(socket, &QAbstractSocket::disconnected, this, &Autoselector::onClientGone),
            connect(socket, &QObject::destroyed, this, &Autoselector::onClientGone)};
    }
}

Autoselector::~Autoselector()
{
    if (m_selection)
        m_selection->cancel();
}

void Autoselector::start()
{
    if (m_request.raw.size() <= kInlinePlanBytes) {
        decide(planAutoselect(m_setup.policy, m_setup.route, m_setup.options, m_request.object));
        return;
    }
    // Classifying a long conversation takes milliseconds (README, "Autoselect"): not on the
    // loop that serves every other request. The task gets its own copies; if this request is
    // gone when it ends, the watcher is gone with it and the plan is dropped.
    auto *watcher = new QFutureWatcher<AutoselectPlan>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        decide(watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run(
        [policy = m_setup.policy, route = m_setup.route, options = m_setup.options,
         body = m_request.object] { return planAutoselect(policy, route, options, body); }));
}

void Autoselector::decide(AutoselectPlan planned)
{
    m_plan = std::move(planned);
    const AutoselectPlan &plan = m_plan;
    if (plan.error) {
        m_response.sendError(*plan.error);
        finish();
        return;
    }
    if (plan.chosen) {
        dispatchTo(*plan.chosen, plan.chosenBy);
        return;
    }
    const QString selector = QStringLiteral("selection_model ") + m_setup.policy.selectionModel;
    if (!canAskSelector()) {
        dispatchTo(plan.fallback, m_setup.policy.selectionModel.isEmpty()
                                      ? QStringLiteral("fallback (no selection_model)")
                                      : QStringLiteral("fallback (") + selector +
                                            QStringLiteral(" is not a route that can be called)"));
        return;
    }
    if (plan.isPrivate && !m_setup.selectorPrivacySafe) {
        // Asking would send the private text to a route not marked private.
        dispatchTo(plan.fallback, QStringLiteral("fallback (") + selector +
                                      QStringLiteral(" is not marked private)"));
        return;
    }
    askSelector();
}

bool Autoselector::canAskSelector() const
{
    return m_setup.selector && !m_setup.selector->error && !m_setup.selector->candidates.isEmpty();
}

void Autoselector::askSelector()
{
    QList<routing::SelectionOption> options;
    for (qsizetype index : std::as_const(m_plan.eligible)) {
        const AutoselectOption &option = m_setup.options.at(index);
        options.append({option.id, option.description});
    }
    const QString prompt = m_setup.policy.selectionPrompt.trimmed().isEmpty()
                               ? routing::defaultSelectionPrompt()
                               : m_setup.policy.selectionPrompt;
    ChatSession::Request request;
    request.model = m_setup.policy.selectionModel;
    request.raw = routing::selectionRequest(request.model, prompt, options,
                                            autoselectRequestText(m_request.object));
    request.object = QJsonDocument::fromJson(request.raw).object();

    // The selection call is real upstream traffic: it gets its own access-log line and usage.
    http::AccessRecord record = m_response.record();
    record.requestId += "-select";
    record.status = 0;
    record.failovers = 0;
    record.promptTokens = 0;
    record.reported = {};
    record.firstByte = {};
    record.start = std::chrono::steady_clock::now();
    QPointer<Autoselector> self(this);
    http::ClientResponse capture(
        [self](int status, const QByteArray &body) {
            if (self)
                self->selectionAnswered(status, body);
        },
        m_setup.log, std::move(record));

    m_deadline.start(
        std::min(m_setup.policy.selectionTimeoutMs.value_or(kDefaultSelectionTimeoutMs),
                 kMaxSelectionTimeoutMs));
    auto *session = new ChatSession(m_setup.services, std::move(capture), *m_setup.selector,
                                    std::move(request));
    m_selection = session;
    session->start(); // may answer at once (a refused connection): m_selection is set first
}

void Autoselector::selectionAnswered(int status, const QByteArray &body)
{
    m_deadline.stop();
    m_selection = nullptr; // it finishes on its own
    const QString selector = QStringLiteral("selection_model ") + m_setup.policy.selectionModel;
    if (status != 200) {
        dispatchTo(m_plan.fallback, QStringLiteral("fallback (") + selector +
                                        QStringLiteral(" answered HTTP ") +
                                        QString::number(status) + u')');
        return;
    }
    QStringList ids;
    for (qsizetype index : std::as_const(m_plan.eligible))
        ids.append(m_setup.options.at(index).id);
    const std::optional<QString> text = routing::completionText(body);
    const std::optional<qsizetype> picked =
        text ? routing::parseSelection(*text, ids) : std::nullopt;
    if (!picked) {
        dispatchTo(m_plan.fallback, QStringLiteral("fallback (") + selector +
                                        QStringLiteral(" named no eligible route)"));
        return;
    }
    dispatchTo(m_plan.eligible.at(*picked), QStringLiteral("chosen by ") + selector);
}

void Autoselector::selectionTimedOut()
{
    if (m_selection)
        m_selection->cancel();
    m_selection = nullptr;
    dispatchTo(m_plan.fallback,
               QStringLiteral("fallback (selection_model ") + m_setup.policy.selectionModel +
                   QStringLiteral(" did not answer within %1 ms)").arg(m_deadline.interval()));
}

void Autoselector::dispatchTo(qsizetype index, const QString &why)
{
    for (const auto &connection : std::as_const(m_clientWatch))
        disconnect(connection);
    m_clientWatch.clear();
    if (m_response.clientGone()) {
        m_response.abandon(499);
        finish();
        return;
    }
    const AutoselectOption &option = m_setup.options.at(index);
    Resolution resolution = option.resolution;
    m_response.record().via = resolution.route; // counted for that route as well
    resolution.route = m_setup.route;
    m_response.addHeader("X-AISBF-Autoselect", headerSafe(option.id));
    QString reason = why;
    if (!m_plan.classification.isEmpty())
        reason += QStringLiteral("; ") + m_plan.classification;
    m_response.addHeader("X-AISBF-Autoselect-Reason", headerSafe(reason));
    auto *session = new ChatSession(m_setup.services, std::move(m_response), std::move(resolution),
                                    std::move(m_request));
    connect(session, &ChatSession::finished, this, &Autoselector::finish);
    session->start();
}

void Autoselector::onClientGone()
{
    if (m_finished)
        return;
    m_deadline.stop();
    if (m_selection)
        m_selection->cancel(); // the mock (or the real selector) sees the connection close
    m_selection = nullptr;
    m_response.abandon(499);
    finish();
}

void Autoselector::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    Q_EMIT finished();
    deleteLater();
}

} // namespace aisbf::dispatch
