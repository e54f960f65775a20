// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Options.h"

namespace aisbf::test {

/**
 * Opens --streams connections (spread over --ramp-ms), sends one streaming request on each and
 * times the SSE events: time to first event, gaps, stalls, failures. Prints one JSON line;
 * returns the process exit code.
 */
int runStreams(const Options &options);

} // namespace aisbf::test
