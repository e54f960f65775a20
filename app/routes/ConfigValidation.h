// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <config/Diagnostic.h>

#include <QHash>
#include <QJsonObject>
#include <QProcessEnvironment>

namespace aisbf::app {

/**
 * Validates the four documents exactly as the gateway does (config::parseDocuments). "$VAR"
 * secrets resolve on the gateway's host, not here, so every referenced variable is given a
 * placeholder value: only what the gateway would also refuse is reported.
 */
config::Diagnostics validateDocuments(const QJsonObject &server, const QJsonObject &providers,
                                      const QJsonObject &rotations, const QJsonObject &autoselect);

/** An environment defining every "$VAR" / "${VAR}" string found in @p documents. */
QProcessEnvironment placeholderEnvironment(const QList<QJsonObject> &documents);

/** Where a document keeps its items: "/providers", "/rotations", "" (autoselect, server). */
QString itemContainerPointer(const QString &document);

/** A new item's starting shape (valid once its fields are filled in). */
QJsonObject itemTemplate(const QString &document, const QString &id,
                         const QJsonObject &providersDocument);

/** One line saying what an item is: "openai · https://api.openai.com/v1 · 3 models". */
QString itemSummary(const QString &document, const QJsonObject &item);

} // namespace aisbf::app
