// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Options.h"

namespace aisbf::test {

/**
 * Closed loop: --concurrency keep-alive connections, each sending the request as soon as the
 * previous response has fully arrived. Prints one JSON line; returns the process exit code.
 */
int runRequestResponse(const Options &options);

} // namespace aisbf::test
