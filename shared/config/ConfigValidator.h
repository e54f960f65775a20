// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Private to shared/config: checks that relate values to each other, to other documents and
// to the environment (see ConfigParser.h for the seam). Every problem is appended; nothing
// stops at the first.

#include "Config.h"
#include "ConfigParser.h"
#include "Diagnostic.h"

#include <QProcessEnvironment>

namespace aisbf::config::detail {

void validate(const ConfigSet &set, const SourcePaths &paths, const QProcessEnvironment &env,
              Diagnostics &out);

} // namespace aisbf::config::detail
