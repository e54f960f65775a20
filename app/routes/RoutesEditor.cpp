// SPDX-License-Identifier: GPL-3.0-or-later
#include "RoutesEditor.h"

#include "ConfigValidation.h"
#include "JsonPointer.h"
#include "LineDiff.h"

#include <api/AdminClient.h>
#include <api/AdminData.h>

#include <QJsonArray>
#include <QJsonDocument>

namespace aisbf::app {

namespace {

QString pretty(const QJsonObject &doc)
{
    return QString::fromUtf8(QJsonDocument(doc).toJson(QJsonDocument::Indented));
}

QString fileOf(const QString &document)
{
    const auto doc = api::documentFromName(document);
    return doc ? api::documentFileName(*doc) : document;
}

} // namespace

RoutesEditor::RoutesEditor(api::AdminClient *client, QObject *parent)
    : QObject(parent), m_client(client), m_items(new RouteItemsModel(this)),
      m_form(new FormModel(this)), m_diagnostics(new DiagnosticsModel(this)),
      m_gatewayDiagnostics(new DiagnosticsModel(this)), m_diff(new DiffModel(this))
{}

QStringList RoutesEditor::documentNames()
{
    return {QStringLiteral("server"), QStringLiteral("providers"), QStringLiteral("rotations"),
            QStringLiteral("autoselect")};
}

QString RoutesEditor::documentFile() const
{
    return fileOf(m_document);
}

void RoutesEditor::setDocument(const QString &document)
{
    if (m_document == document || !documentNames().contains(document))
        return;
    m_document = document;
    m_selectedItem.clear();
    m_rawError.clear();
    Q_EMIT documentChanged();
    refreshViews();
    selectFirstItem();
    Q_EMIT selectedItemChanged();
}

void RoutesEditor::selectFirstItem()
{
    // Opening a document shows its first item rather than an empty form.
    if (m_selectedItem.isEmpty() && m_items->rowCount() > 0)
        selectItem(m_items->idAt(0));
}

QString RoutesEditor::rawText() const
{
    return pretty(m_edited.value(m_document));
}

bool RoutesEditor::isDirty(const QString &document) const
{
    return m_edited.value(document) != m_original.value(document);
}

QStringList RoutesEditor::dirtyDocuments() const
{
    QStringList out;
    for (const QString &doc : documentNames()) {
        if (isDirty(doc))
            out.append(doc);
    }
    return out;
}

int RoutesEditor::documentErrors() const
{
    return m_diagnostics->errorCountIn(documentFile());
}

QString RoutesEditor::itemPointer() const
{
    return m_selectedItem.isEmpty()
               ? QString()
               : json::childPointer(itemContainerPointer(m_document), m_selectedItem);
}

QStringList RoutesEditor::itemProblems() const
{
    // Problems of the selected item that no form row shows (a key that is missing, say).
    QStringList out;
    if (m_selectedItem.isEmpty())
        return out;
    const QJsonValue root = m_edited.value(m_document);
    const auto problems = m_diagnostics->under(documentFile(), itemPointer());
    for (const auto &d : problems) {
        if (d.path == itemPointer() || json::valueAt(root, d.path).isUndefined())
            out.append(d.path.mid(itemPointer().size()).isEmpty()
                           ? d.message
                           : d.path.mid(itemPointer().size() + 1) + QStringLiteral(": ") +
                                 d.message);
    }
    return out;
}

void RoutesEditor::setLoadedDocument(const QString &document, const QJsonObject &body)
{
    m_original.insert(document, body);
    m_edited.insert(document, body);
    revalidate(); // waits until all four documents are there
}

void RoutesEditor::refresh()
{
    if (!m_client || m_pendingFetches > 0)
        return;
    m_loading = true;
    Q_EMIT loadingChanged();
    m_pendingFetches = int(documentNames().size());
    for (const QString &doc : documentNames())
        fetch(doc, true);
}

void RoutesEditor::fetch(const QString &document, bool announce)
{
    m_client->call(
        "GET", QStringLiteral("/api/admin/config/") + document, {}, this,
        [this, document, announce](const api::ApiResponse &r) {
            if (r.ok())
                m_etags.insert(document, r.header("ETag"));
            if (r.ok() && !announce && isDirty(document))
                m_original.insert(document, r.object()); // keep the edits
            else if (r.ok())
                setLoadedDocument(document, r.object());
            else
                setMessages(
                    QStringLiteral("cannot load %1: %2").arg(fileOf(document), r.error.message),
                    m_statusMessage);
            if (!announce) {
                revalidate();
                if (r.ok())
                    Q_EMIT documentsLoaded();
                return;
            }
            if (--m_pendingFetches > 0)
                return;
            m_loading = false;
            revalidate();
            selectFirstItem();
            Q_EMIT loadingChanged();
            Q_EMIT documentsLoaded();
        });
}

void RoutesEditor::selectItem(const QString &itemId)
{
    if (m_selectedItem == itemId)
        return;
    m_selectedItem = itemId;
    Q_EMIT selectedItemChanged();
    refreshViews();
}

void RoutesEditor::openItem(const QString &document, const QString &itemId)
{
    setDocument(document);
    selectItem(itemId);
}

void RoutesEditor::edited(const QJsonValue &document)
{
    m_edited.insert(m_document, document.toObject());
    m_rawError.clear();
    revalidate();
}

void RoutesEditor::setField(const QString &pointer, const QString &text, const QString &kind)
{
    QJsonValue value(text);
    if (kind == QLatin1String("number")) {
        bool ok = false;
        const double number = text.trimmed().toDouble(&ok);
        if (ok)
            value = number;
    } else if (kind == QLatin1String("bool")) {
        value = text == QLatin1String("true");
    }
    QJsonValue doc = m_edited.value(m_document);
    if (json::valueAt(doc, pointer) == value)
        return;
    if (json::setValueAt(doc, pointer, value))
        edited(doc);
}

void RoutesEditor::setBool(const QString &pointer, bool value)
{
    QJsonValue doc = m_edited.value(m_document);
    if (json::valueAt(doc, pointer) != QJsonValue(value) && json::setValueAt(doc, pointer, value))
        edited(doc);
}

void RoutesEditor::removeField(const QString &pointer)
{
    QJsonValue doc = m_edited.value(m_document);
    if (json::removeAt(doc, pointer))
        edited(doc);
}

bool RoutesEditor::addField(const QString &parentPointer, const QString &key,
                            const QString &jsonText)
{
    if (key.trimmed().isEmpty())
        return false;
    QJsonValue value(jsonText);
    const QJsonDocument parsed =
        QJsonDocument::fromJson(QByteArray("[") + jsonText.toUtf8() + QByteArray("]"));
    if (parsed.isArray() && parsed.array().size() == 1)
        value = parsed.array().first();
    QJsonValue doc = m_edited.value(m_document);
    const QJsonValue parent = json::valueAt(doc, parentPointer);
    if (!parent.isObject() || parent.toObject().contains(key.trimmed()))
        return false;
    if (!json::setValueAt(doc, json::childPointer(parentPointer, key.trimmed()), value))
        return false;
    edited(doc);
    return true;
}

void RoutesEditor::appendElement(const QString &pointer)
{
    QJsonValue doc = m_edited.value(m_document);
    const QJsonArray array = json::valueAt(doc, pointer).toArray();
    const QJsonValue element = array.isEmpty() ? QJsonValue(QJsonObject()) : array.last();
    if (json::setValueAt(doc, json::childPointer(pointer, QString::number(array.size())), element))
        edited(doc);
}

bool RoutesEditor::addItem(const QString &id)
{
    const QString trimmed = id.trimmed();
    if (trimmed.isEmpty() || m_document == QLatin1String("server"))
        return false;
    QJsonValue doc = m_edited.value(m_document);
    const QString container = itemContainerPointer(m_document);
    if (!container.isEmpty() && json::valueAt(doc, container).isUndefined())
        json::setValueAt(doc, container, QJsonObject());
    if (json::valueAt(doc, container).toObject().contains(trimmed))
        return false;
    const QJsonObject item =
        itemTemplate(m_document, trimmed, m_edited.value(QStringLiteral("providers")));
    if (!json::setValueAt(doc, json::childPointer(container, trimmed), item))
        return false;
    m_selectedItem = trimmed;
    Q_EMIT selectedItemChanged();
    edited(doc);
    return true;
}

void RoutesEditor::removeItem(const QString &id)
{
    QJsonValue doc = m_edited.value(m_document);
    if (!json::removeAt(doc, json::childPointer(itemContainerPointer(m_document), id)))
        return;
    if (m_selectedItem == id) {
        m_selectedItem.clear();
        Q_EMIT selectedItemChanged();
    }
    edited(doc);
}

void RoutesEditor::setRawText(const QString &text)
{
    QJsonParseError error;
    const QJsonDocument parsed = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !parsed.isObject()) {
        // Same wording as the gateway's loader: where (line:column) and what.
        const QString before = text.left(error.offset);
        const int line = int(before.count(QLatin1Char('\n'))) + 1;
        const int column = int(error.offset - before.lastIndexOf(QLatin1Char('\n')));
        m_rawError =
            error.error != QJsonParseError::NoError
                ? QStringLiteral("%1 line %2:%3: %4")
                      .arg(documentFile())
                      .arg(line)
                      .arg(column)
                      .arg(error.errorString())
                : QStringLiteral("%1: the document must be a JSON object").arg(documentFile());
        Q_EMIT contentChanged();
        return;
    }
    if (parsed.object() == m_edited.value(m_document)) {
        if (!m_rawError.isEmpty()) {
            m_rawError.clear();
            Q_EMIT contentChanged();
        }
        return;
    }
    edited(parsed.object());
}

void RoutesEditor::revalidate()
{
    if (m_original.size() < documentNames().size()) {
        refreshViews();
        return;
    }
    m_diagnostics->setDiagnostics(validateDocuments(
        m_edited.value(QStringLiteral("server")), m_edited.value(QStringLiteral("providers")),
        m_edited.value(QStringLiteral("rotations")), m_edited.value(QStringLiteral("autoselect"))));
    refreshViews();
}

void RoutesEditor::refreshViews()
{
    const QJsonObject doc = m_edited.value(m_document);
    m_items->setDocument(m_document, doc, m_original.value(m_document), m_diagnostics);
    if (!m_selectedItem.isEmpty() && json::valueAt(doc, itemPointer()).isUndefined()) {
        m_selectedItem.clear();
        Q_EMIT selectedItemChanged();
    }
    m_form->setItem(m_selectedItem.isEmpty() ? QJsonValue(QJsonObject())
                                             : json::valueAt(doc, itemPointer()),
                    itemPointer(), documentFile(), m_diagnostics);
    Q_EMIT contentChanged();
}

void RoutesEditor::computeDiff(int context)
{
    const QStringList before = pretty(m_original.value(m_document)).split(QLatin1Char('\n'));
    const QStringList after = pretty(m_edited.value(m_document)).split(QLatin1Char('\n'));
    const auto diff = lineDiff(before, after);
    m_diff->setLines(context < 0 ? diff : withContext(diff, context));
}

void RoutesEditor::discard()
{
    m_edited.insert(m_document, m_original.value(m_document));
    m_rawError.clear();
    m_gatewayDiagnostics->setDiagnostics({});
    setMessages({}, QStringLiteral("Changes to %1 discarded").arg(documentFile()));
    revalidate();
}

void RoutesEditor::apply()
{
    if (documentErrors() > 0) {
        setMessages(QStringLiteral("%1 has %2 problems; fix them before applying")
                        .arg(documentFile())
                        .arg(documentErrors()),
                    {});
        Q_EMIT applyFinished(false);
        return;
    }
    put(m_document, m_edited.value(m_document), false);
}

void RoutesEditor::revert()
{
    if (!m_previous.contains(m_document))
        return;
    put(m_document, m_previous.value(m_document), true);
}

void RoutesEditor::put(const QString &document, const QJsonObject &body, bool isRevert)
{
    if (!m_client || m_busy)
        return;
    setBusy(true);
    m_gatewayDiagnostics->setDiagnostics({});
    const QJsonObject before = m_original.value(document);
    api::AdminClient::Headers headers;
    if (const QByteArray etag = m_etags.value(document); !etag.isEmpty())
        headers.append({QByteArrayLiteral("If-Match"), etag});
    m_client->call(
        "PUT", QStringLiteral("/api/admin/config/") + document, body, this,
        [this, document, body, before, isRevert](const api::ApiResponse &r) {
            setBusy(false);
            if (r.status == 412)
                return onStaleVersion(document);
            if (!r.ok()) {
                m_gatewayDiagnostics->setFromJson(r.error.diagnostics);
                setMessages(QStringLiteral("The gateway refused %1: %2")
                                .arg(fileOf(document), r.error.message),
                            {});
                Q_EMIT applyFinished(false);
                return;
            }
            const qint64 version = r.object().value(QLatin1String("version")).toInteger();
            // The PUT carried the version every loaded document was at and the gateway took it:
            // nothing else changed in between, so all of them are current at the new version.
            const QByteArray etag = '"' + QByteArray::number(version) + '"';
            for (auto it = m_etags.begin(); it != m_etags.end(); ++it)
                it.value() = etag;
            m_etags.insert(document, etag);
            if (isRevert)
                m_previous.remove(document);
            else
                m_previous.insert(document, before);
            // Until the re-fetch answers, what we sent is what is live.
            m_original.insert(document, body);
            m_edited.insert(document, body);
            setMessages({}, (isRevert ? QStringLiteral("Reverted %1 (version %2)")
                                      : QStringLiteral("Applied %1 (version %2)"))
                                .arg(fileOf(document))
                                .arg(version));
            revalidate();
            fetch(document, false);
            Q_EMIT applyFinished(true);
        },
        headers);
}

void RoutesEditor::onStaleVersion(const QString &document)
{
    // Someone changed the config since this document was loaded. Load what is live now under
    // the operator's edits (fetch keeps them), so the diff shows exactly what applying again
    // would change, their change included; a second apply is then a conscious overwrite.
    fetch(document, false);
    setMessages(QStringLiteral("%1 changed on the gateway since it was loaded, so nothing was "
                               "applied. The live version is loaded under your edits: review the "
                               "diff, then apply again to overwrite it, or discard your edits.")
                    .arg(fileOf(document)),
                {});
    Q_EMIT applyFinished(false);
}

void RoutesEditor::noteRemoteChange(const QString &document, qint64 version)
{
    // Versions count every save of any document: a document loaded at the version just before
    // this one is untouched by it and still current.
    const QByteArray previous = '"' + QByteArray::number(version - 1) + '"';
    for (auto it = m_etags.begin(); it != m_etags.end(); ++it) {
        if (it.key() != document && it.value() == previous)
            it.value() = '"' + QByteArray::number(version) + '"';
    }
    if (m_busy || !m_original.contains(document))
        return;
    if (!isDirty(document)) {
        fetch(document, false);
        return;
    }
    m_remoteNotice = QStringLiteral("%1 changed on the gateway (version %2) while you were "
                                    "editing it; discard to load it, or apply: the gateway "
                                    "refuses the first apply and the diff then shows both changes")
                         .arg(fileOf(document))
                         .arg(version);
    Q_EMIT messagesChanged();
}

void RoutesEditor::setBusy(bool busy)
{
    if (m_busy == busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged();
}

void RoutesEditor::setMessages(const QString &error, const QString &status)
{
    m_errorString = error;
    m_statusMessage = status;
    if (error.isEmpty())
        m_remoteNotice.clear();
    Q_EMIT messagesChanged();
}

} // namespace aisbf::app
