// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace aisbf::app::json {

/** "/providers/a~1b/models/0" -> {"providers", "a/b", "models", "0"} (RFC 6901 unescaping). */
QStringList splitPointer(const QString &pointer);
/** @p parent + "/" + @p token, escaping "~" and "/". */
QString childPointer(const QString &parent, const QString &token);
/** The value at @p pointer, undefined when there is none. */
QJsonValue valueAt(const QJsonValue &root, const QString &pointer);
/**
 * @p root with the value at @p pointer replaced (or added: object keys are created, an array
 * index equal to the size appends). Returns false, leaving @p root alone, when a parent along
 * the way is missing or not a container.
 */
bool setValueAt(QJsonValue &root, const QString &pointer, const QJsonValue &value);
/** Removes the key or array element at @p pointer; false when it does not exist. */
bool removeAt(QJsonValue &root, const QString &pointer);

} // namespace aisbf::app::json
