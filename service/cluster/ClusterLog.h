// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLoggingCategory>

namespace aisbf::cluster {

Q_DECLARE_LOGGING_CATEGORY(lcCluster) // "aisbf.cluster"

} // namespace aisbf::cluster
