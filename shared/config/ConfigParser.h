// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Private to shared/config: turns the four JSON documents into typed structs.
//
// The seam with ConfigValidator: the parser checks each value on its own (type, range,
// presence of required keys) while it still holds the JSON path; the validator checks
// relations between values, objects, files and the environment on the typed result.

#include "Config.h"
#include "Diagnostic.h"
#include "JsonReader.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QStringList>

#include <optional>

namespace aisbf::config::detail {

inline const QString kServerFile = QStringLiteral("aisbf.json");
inline const QString kProvidersFile = QStringLiteral("providers.json");
inline const QString kRotationsFile = QStringLiteral("rotations.json");
inline const QString kAutoselectFile = QStringLiteral("autoselect.json");

// Where a flattened rotation entry came from: its provider entry object and the
// place its model name was written ("model" or "models/<j>").
struct EntrySource
{
    QString entry;
    QString model;
};

// JSON pointers of list elements, parallel to the typed lists, so the validator can point
// at them even though invalid elements were skipped and original-shape rotations flattened.
struct SourcePaths
{
    QHash<QString, QStringList> models;                 // provider key -> per ModelConfig
    QHash<QString, QList<EntrySource>> rotationEntries; // rotation key -> per RotationEntry
    QHash<QString, QStringList> candidates;             // autoselect key -> per candidate
};

ServerConfig parseServer(const QJsonObject &doc, const QProcessEnvironment &env, Diagnostics &out);
QHash<QString, ProviderConfig> parseProviders(const QJsonObject &doc,
                                              const QProcessEnvironment &env, SourcePaths &paths,
                                              Diagnostics &out);
QHash<QString, RotationConfig> parseRotations(const QJsonObject &doc, SourcePaths &paths,
                                              Diagnostics &out);
QHash<QString, AutoselectConfig> parseAutoselects(const QJsonObject &doc, SourcePaths &paths,
                                                  Diagnostics &out);

} // namespace aisbf::config::detail
