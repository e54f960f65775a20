// SPDX-License-Identifier: GPL-3.0-or-later
#include "ClusterLog.h"

namespace aisbf::cluster {

// Debug (each reconnect attempt, each failed sync) is off unless
// QT_LOGGING_RULES="aisbf.cluster.debug=true".
Q_LOGGING_CATEGORY(lcCluster, "aisbf.cluster", QtInfoMsg)

} // namespace aisbf::cluster
