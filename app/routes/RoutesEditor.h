// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "DiagnosticsModel.h"
#include "DiffModel.h"
#include "FormModel.h"
#include "RouteItemsModel.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

#include <api/AdminClient.h>

namespace aisbf::app {

/**
 * The Routes page: the four config documents fetched from GET /api/admin/config/{doc}, edited
 * as forms or raw JSON, validated on every change by the same code the gateway runs, reviewed
 * as a line diff, applied with PUT /api/admin/config/{doc}, and reverted by PUTting back the
 * version fetched before the apply.
 */
class RoutesEditor : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Session")
    Q_PROPERTY(bool loading READ isLoading NOTIFY loadingChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY messagesChanged)
    Q_PROPERTY(QString statusMessage READ statusMessage NOTIFY messagesChanged)
    Q_PROPERTY(QString remoteNotice READ remoteNotice NOTIFY messagesChanged)
    Q_PROPERTY(QString document READ document WRITE setDocument NOTIFY documentChanged)
    Q_PROPERTY(QString documentFile READ documentFile NOTIFY documentChanged)
    Q_PROPERTY(QString selectedItem READ selectedItem NOTIFY selectedItemChanged)
    Q_PROPERTY(QString rawText READ rawText NOTIFY contentChanged)
    Q_PROPERTY(QString rawError READ rawError NOTIFY contentChanged)
    Q_PROPERTY(bool dirty READ isDirty NOTIFY contentChanged)
    Q_PROPERTY(QStringList dirtyDocuments READ dirtyDocuments NOTIFY contentChanged)
    Q_PROPERTY(bool canRevert READ canRevert NOTIFY contentChanged)
    Q_PROPERTY(int documentErrors READ documentErrors NOTIFY contentChanged)
    Q_PROPERTY(QStringList itemProblems READ itemProblems NOTIFY contentChanged)
    Q_PROPERTY(RouteItemsModel *items READ items CONSTANT)
    Q_PROPERTY(FormModel *form READ form CONSTANT)
    Q_PROPERTY(DiagnosticsModel *diagnostics READ diagnostics CONSTANT)
    Q_PROPERTY(DiagnosticsModel *gatewayDiagnostics READ gatewayDiagnostics CONSTANT)
    Q_PROPERTY(DiffModel *diff READ diff CONSTANT)

public:
    explicit RoutesEditor(api::AdminClient *client, QObject *parent = nullptr);

    bool isLoading() const { return m_loading; }
    bool isBusy() const { return m_busy; }
    QString errorString() const { return m_errorString; }
    QString statusMessage() const { return m_statusMessage; }
    QString remoteNotice() const { return m_remoteNotice; }
    QString document() const { return m_document; }
    void setDocument(const QString &document);
    QString documentFile() const;
    QString selectedItem() const { return m_selectedItem; }
    QString rawText() const;
    QString rawError() const { return m_rawError; }
    bool isDirty() const { return isDirty(m_document); }
    bool isDirty(const QString &document) const;
    QStringList dirtyDocuments() const;
    bool canRevert() const { return m_previous.contains(m_document); }
    int documentErrors() const;
    QStringList itemProblems() const;
    RouteItemsModel *items() const { return m_items; }
    FormModel *form() const { return m_form; }
    DiagnosticsModel *diagnostics() const { return m_diagnostics; }
    DiagnosticsModel *gatewayDiagnostics() const { return m_gatewayDiagnostics; }
    DiffModel *diff() const { return m_diff; }

    /** The document as last fetched from the gateway (not the edits). */
    QJsonObject loadedDocument(const QString &document) const { return m_original.value(document); }
    /** The document with the edits. */
    QJsonObject editedDocument(const QString &document) const { return m_edited.value(document); }
    /** Sets a fetched document directly (tests, and refresh()). */
    void setLoadedDocument(const QString &document, const QJsonObject &body);

    /** Fetches all four documents (edits are discarded). */
    Q_INVOKABLE void refresh();
    Q_INVOKABLE void selectItem(const QString &itemId);
    /** Shows @p itemId of @p document (the Graph page's "Edit"). */
    Q_INVOKABLE void openItem(const QString &document, const QString &itemId);
    /**
     * Sets the scalar at @p pointer from the editor's text: "number" parses (text that is not
     * a number stays text, so the validator says what is wrong), "bool" takes "true"/"false",
     * "null" becomes a string once typed in.
     */
    Q_INVOKABLE void setField(const QString &pointer, const QString &text, const QString &kind);
    Q_INVOKABLE void setBool(const QString &pointer, bool value);
    Q_INVOKABLE void removeField(const QString &pointer);
    /** Adds @p key = @p jsonText (any JSON; plain text becomes a string) under @p parentPointer. */
    Q_INVOKABLE bool addField(const QString &parentPointer, const QString &key,
                              const QString &jsonText);
    /** Appends a copy of the array's last element (or {}) to the array at @p pointer. */
    Q_INVOKABLE void appendElement(const QString &pointer);
    /** A new provider / rotation / autoselect from a template; false when @p id is taken. */
    Q_INVOKABLE bool addItem(const QString &id);
    Q_INVOKABLE void removeItem(const QString &id);
    /** The raw JSON view's text; a syntax error leaves the document as it was (see rawError). */
    Q_INVOKABLE void setRawText(const QString &text);
    /** Fills `diff` with the current document's changes (with @p context lines). */
    Q_INVOKABLE void computeDiff(int context = 3);
    /** Drops the edits of the current document. */
    Q_INVOKABLE void discard();
    /** PUT /api/admin/config/{document}; refused locally while the validator reports errors. */
    Q_INVOKABLE void apply();
    /** PUTs back the version that was live before the last apply. */
    Q_INVOKABLE void revert();
    /** A `config` event: the document changed on the gateway. */
    void noteRemoteChange(const QString &document, qint64 version);

    static QStringList documentNames();

Q_SIGNALS:
    void loadingChanged();
    void busyChanged();
    void messagesChanged();
    void documentChanged();
    void selectedItemChanged();
    void contentChanged();
    /** All four documents were fetched (the graph redraws from them). */
    void documentsLoaded();
    /** An apply or revert finished; @p ok false with the reason in errorString. */
    void applyFinished(bool ok);

private:
    void edited(const QJsonValue &document);
    void revalidate();
    void refreshViews();
    void put(const QString &document, const QJsonObject &body, bool isRevert);
    void onStaleVersion(const QString &document);
    void fetch(const QString &document, bool announce);
    void setBusy(bool busy);
    void setMessages(const QString &error, const QString &status);
    QString itemPointer() const;
    void selectFirstItem();

    QPointer<api::AdminClient> m_client;
    RouteItemsModel *m_items;
    FormModel *m_form;
    DiagnosticsModel *m_diagnostics;
    DiagnosticsModel *m_gatewayDiagnostics;
    DiffModel *m_diff;
    QHash<QString, QJsonObject> m_original;
    QHash<QString, QJsonObject> m_edited;
    QHash<QString, QJsonObject> m_previous; ///< what was live before the last apply, per doc
    /// The gateway's config version (ETag) each document was loaded at: sent as If-Match, so an
    /// apply never silently overwrites a change someone else made since (412 instead).
    QHash<QString, QByteArray> m_etags;
    QString m_document = QStringLiteral("providers");
    QString m_selectedItem;
    QString m_rawError;
    QString m_errorString;
    QString m_statusMessage;
    QString m_remoteNotice;
    int m_pendingFetches = 0;
    bool m_loading = false;
    bool m_busy = false;
};

} // namespace aisbf::app
