// SPDX-License-Identifier: GPL-3.0-or-later
#include "Diagnostic.h"

#include <algorithm>

namespace aisbf::config {

QString Diagnostic::toString() const
{
    const QLatin1String level = isError() ? QLatin1String("error") : QLatin1String("warning");
    // An empty pointer means the whole document (e.g. a syntax error): print just the file.
    const QString where = path.isEmpty() ? file : file + QLatin1Char(' ') + path;
    return where + QLatin1String(": ") + level + QLatin1String(": ") + message;
}

bool hasErrors(const Diagnostics &diagnostics)
{
    return std::any_of(diagnostics.cbegin(), diagnostics.cend(),
                       [](const Diagnostic &d) { return d.isError(); });
}

} // namespace aisbf::config
