// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>

namespace aisbf::config {

/** One problem found in a config document: where it is and what to do about it. */
struct Diagnostic
{
    enum class Severity
    {
        Error,
        Warning
    };

    Severity severity = Severity::Error;
    QString file;    ///< file name as the operator knows it, e.g. "providers.json"
    QString path;    ///< JSON pointer into that file, e.g. "/rotations/coding/providers/1/weight"
    QString message; ///< what is wrong and what to do, one sentence or two

    bool isError() const { return severity == Severity::Error; }
    /** "providers.json /providers/x/endpoint: error: ..." — the form printed and logged. */
    QString toString() const;
};

using Diagnostics = QList<Diagnostic>;

bool hasErrors(const Diagnostics &diagnostics);

} // namespace aisbf::config
