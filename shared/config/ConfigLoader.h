// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Config.h"
#include "Diagnostic.h"

#include <QJsonObject>
#include <QProcessEnvironment>
#include <QStringList>

namespace aisbf::config {

/** The outcome of reading a config directory: the config (when usable) and every problem. */
struct LoadResult
{
    ConfigSnapshot config; ///< null when any Error diagnostic was found
    Diagnostics diagnostics;

    bool ok() const { return config != nullptr; }
};

/** Which directory to use: --config-dir, else $AISBF_CONFIG_DIR, else ~/.aisbf. */
QString resolveConfigDir(const QString &commandLineDir, const QProcessEnvironment &env);

/**
 * Reads aisbf.json, providers.json, rotations.json and autoselect.json from @p dir.
 * A missing directory or file is created from the embedded defaults (SQLite, memory cache,
 * auth off, 127.0.0.1:17765) when @p writeDefaults is true. Every problem is reported, not just
 * the first; "$VAR" secrets resolve from @p env.
 */
LoadResult loadConfigDir(const QString &dir, const QProcessEnvironment &env,
                         bool writeDefaults = true);

/** Parses and validates the four documents (used by the loader and, later, the admin API). */
LoadResult parseDocuments(const QJsonObject &server, const QJsonObject &providers,
                          const QJsonObject &rotations, const QJsonObject &autoselect,
                          const QProcessEnvironment &env);

/**
 * Writes @p doc to @p dir/@p fileName atomically (temp file + rename). An existing file is
 * kept as "<fileName>.bak". On failure returns false and, if given, sets @p error to a
 * sentence naming the file and the cause.
 */
bool saveDocument(const QString &dir, const QString &fileName, const QJsonObject &doc,
                  QString *error);

/** The four file names of a config directory, in load order. */
QStringList configFileNames();

} // namespace aisbf::config
