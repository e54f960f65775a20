// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QSize>
#include <QString>
#include <QStringList>

#include <optional>

namespace aisbf::app {

/** What aisbf-control was asked to do on its command line. */
struct CommandLine
{
    QString url;
    QString token;
    QString username;
    QString password;
    QString page = QStringLiteral("overview");
    QString screenshotFile;
    QString dumpGraphFile;
    QSize size{1280, 800};
    int timeoutMs = 30000;
    /** Extra time after the page loaded, so live charts gather samples (--settle). */
    int settleMs = 0;

    /** Headless: render, save and exit instead of staying open. */
    bool isHeadless() const { return !screenshotFile.isEmpty() || !dumpGraphFile.isEmpty(); }

    /** The pages --page accepts, in sidebar order. */
    static QStringList pages();
    /**
     * Parses @p arguments (argv, program name first). On a usage error returns nullopt and sets
     * @p error to a sentence naming the option.
     */
    static std::optional<CommandLine> parse(const QStringList &arguments, QString *error);
};

} // namespace aisbf::app
