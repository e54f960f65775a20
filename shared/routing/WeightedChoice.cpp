// SPDX-License-Identifier: GPL-3.0-or-later
#include "WeightedChoice.h"

#include <QRandomGenerator>

namespace aisbf::routing {

QList<int> weightedOrder(const QList<double> &weights, QRandomGenerator &random)
{
    QList<int> remaining;
    QList<int> unweighted;
    double total = 0;
    for (int i = 0; i < weights.size(); ++i) {
        if (weights[i] > 0) {
            remaining.append(i);
            total += weights[i];
        } else {
            unweighted.append(i);
        }
    }
    QList<int> order;
    order.reserve(weights.size());
    while (!remaining.isEmpty()) {
        double pick = random.generateDouble() * total;
        qsizetype chosen = remaining.size() - 1; // guards against rounding at the top end
        for (qsizetype k = 0; k < remaining.size(); ++k) {
            pick -= weights[remaining[k]];
            if (pick < 0) {
                chosen = k;
                break;
            }
        }
        const int index = remaining.takeAt(chosen);
        total -= weights[index];
        order.append(index);
    }
    order.append(unweighted);
    return order;
}

} // namespace aisbf::routing
