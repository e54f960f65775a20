// SPDX-License-Identifier: GPL-3.0-or-later
#include "ConfigLoader.h"

#include "ConfigParser.h"
#include "ConfigValidator.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QSaveFile>

#include <algorithm>

namespace aisbf::config {

using namespace detail;

namespace {

Diagnostic fileError(const QString &file, const QString &message)
{
    return {Diagnostic::Severity::Error, file, QString(), message};
}

// The files hold secrets (API keys, tokens, the dashboard hash): owner only.
constexpr QFileDevice::Permissions kPrivateFile = QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                  QFileDevice::ReadUser | QFileDevice::WriteUser;

bool writeAtomically(const QString &path, const QByteArray &bytes, QString *error)
{
    const bool existed = QFileInfo::exists(path);
    QSaveFile file(path);
    bool ok = file.open(QIODevice::WriteOnly);
    // QSaveFile keeps an existing file's permissions; a new one gets owner-only.
    if (ok && !existed)
        file.setPermissions(kPrivateFile);
    ok = ok && file.write(bytes) == bytes.size() && file.commit();
    if (!ok && error)
        *error = QLatin1String("cannot write ") % path % QLatin1String(": ") % file.errorString();
    return ok;
}

bool writeDefault(const QString &dir, const QString &name, QString *error)
{
    QFile resource(QLatin1String(":/aisbf/defaults/") % name);
    if (!resource.open(QIODevice::ReadOnly)) {
        // Only a broken build gets here: the defaults are compiled in.
        *error = QLatin1String("the embedded default ") % name % QLatin1String(" is missing");
        return false;
    }
    return writeAtomically(QDir(dir).filePath(name), resource.readAll(), error);
}

QString jsonSyntaxMessage(const QByteArray &bytes, const QJsonParseError &err)
{
    const qsizetype offset = std::clamp<qsizetype>(err.offset, 0, bytes.size());
    const QByteArray before = bytes.left(offset);
    const qsizetype line = before.count('\n') + 1;
    const qsizetype column = offset - (before.lastIndexOf('\n') + 1) + 1;
    return QLatin1String("invalid JSON at line ") % QString::number(line) %
           QLatin1String(", column ") % QString::number(column) % QLatin1String(" (offset ") %
           QString::number(err.offset) % QLatin1String("): ") % err.errorString() %
           QLatin1String("; fix the syntax");
}

std::optional<QJsonObject> readDocument(const QString &dir, const QString &name, Diagnostics &out)
{
    QFile file(QDir(dir).filePath(name));
    if (!file.open(QIODevice::ReadOnly)) {
        out.append(
            fileError(name, QLatin1String("cannot read ") % file.fileName() % QLatin1String(": ") %
                                file.errorString() %
                                QLatin1String("; check that it exists and its permissions")));
        return std::nullopt;
    }
    const QByteArray bytes = file.readAll();
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &err);
    if (err.error != QJsonParseError::NoError) {
        out.append(fileError(name, jsonSyntaxMessage(bytes, err)));
        return std::nullopt;
    }
    if (!doc.isObject()) {
        out.append(fileError(name, QStringLiteral("the file must hold one JSON object {...}, not "
                                                  "an array or a value")));
        return std::nullopt;
    }
    return doc.object();
}

std::shared_ptr<ConfigSet> build(const QJsonObject &server, const QJsonObject &providers,
                                 const QJsonObject &rotations, const QJsonObject &autoselect,
                                 const QProcessEnvironment &env, Diagnostics &out)
{
    auto set = std::make_shared<ConfigSet>();
    SourcePaths paths;
    set->serverDocument = server;
    set->providersDocument = providers;
    set->rotationsDocument = rotations;
    set->autoselectDocument = autoselect;
    set->server = parseServer(server, env, out);
    set->providers = parseProviders(providers, env, paths, out);
    set->rotations = parseRotations(rotations, paths, out);
    set->autoselects = parseAutoselects(autoselect, paths, out);
    validate(*set, paths, env, out);
    // Parser and validator each go file by file; group the report by file for the operator.
    const QStringList order = configFileNames();
    std::stable_sort(out.begin(), out.end(), [&order](const Diagnostic &a, const Diagnostic &b) {
        return order.indexOf(a.file) < order.indexOf(b.file);
    });
    return set;
}

} // namespace

QStringList configFileNames()
{
    return {kServerFile, kProvidersFile, kRotationsFile, kAutoselectFile};
}

QString resolveConfigDir(const QString &commandLineDir, const QProcessEnvironment &env)
{
    QString dir = commandLineDir;
    if (dir.isEmpty())
        dir = env.value(QStringLiteral("AISBF_CONFIG_DIR"));
    if (dir.isEmpty())
        dir = QStringLiteral("~/.aisbf");
    return QDir::cleanPath(QFileInfo(expandHome(dir, env)).absoluteFilePath());
}

LoadResult loadConfigDir(const QString &dir, const QProcessEnvironment &env, bool writeDefaults)
{
    LoadResult result;
    if (writeDefaults && !QFileInfo::exists(dir)) {
        if (!QDir().mkpath(dir)) {
            result.diagnostics.append(fileError(
                dir, QStringLiteral("cannot create the config directory; check the permissions "
                                    "of its parent or pass --config-dir")));
            return result;
        }
        QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                       QFileDevice::ExeOwner | QFileDevice::ReadUser |
                                       QFileDevice::WriteUser | QFileDevice::ExeUser);
    }
    QList<QJsonObject> docs;
    for (const QString &name : configFileNames()) {
        if (!QFileInfo::exists(QDir(dir).filePath(name))) {
            QString error;
            if (!writeDefaults) {
                result.diagnostics.append(fileError(
                    name, name % QLatin1String(" is missing in ") % dir %
                              QLatin1String("; create it or start the gateway once so it writes "
                                            "the defaults")));
                continue;
            }
            if (!writeDefault(dir, name, &error)) {
                result.diagnostics.append(fileError(name, error));
                continue;
            }
        }
        if (const auto doc = readDocument(dir, name, result.diagnostics))
            docs.append(*doc);
    }
    // With a document missing, cross-file checks would only add noise: report what broke.
    if (docs.size() != configFileNames().size())
        return result;
    auto set = build(docs.at(0), docs.at(1), docs.at(2), docs.at(3), env, result.diagnostics);
    set->directory = dir;
    if (!hasErrors(result.diagnostics))
        result.config = set;
    return result;
}

LoadResult parseDocuments(const QJsonObject &server, const QJsonObject &providers,
                          const QJsonObject &rotations, const QJsonObject &autoselect,
                          const QProcessEnvironment &env)
{
    LoadResult result;
    auto set = build(server, providers, rotations, autoselect, env, result.diagnostics);
    if (!hasErrors(result.diagnostics))
        result.config = set;
    return result;
}

bool saveDocument(const QString &dir, const QString &fileName, const QJsonObject &doc,
                  QString *error)
{
    const QString path = QDir(dir).filePath(fileName);
    if (QFileInfo::exists(path)) {
        // QFile::copy refuses to overwrite, so the previous backup goes first.
        const QString backup = path % QLatin1String(".bak");
        QFile::remove(backup);
        if (!QFile::copy(path, backup)) {
            if (error)
                *error = QLatin1String("cannot keep the previous version as ") % backup %
                         QLatin1String("; check the directory's permissions");
            return false;
        }
    }
    return writeAtomically(path, QJsonDocument(doc).toJson(QJsonDocument::Indented), error);
}

} // namespace aisbf::config
