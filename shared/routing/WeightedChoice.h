// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>

class QRandomGenerator;

namespace aisbf::routing {

/**
 * Orders candidates for one request: the first is drawn with probability proportional to its
 * weight, the next among the rest the same way, and so on (weighted sampling without
 * replacement). The first index is the one that serves; the rest are the failover order.
 * Non-positive weights never come first but still appear last, in input order.
 */
QList<int> weightedOrder(const QList<double> &weights, QRandomGenerator &random);

} // namespace aisbf::routing
