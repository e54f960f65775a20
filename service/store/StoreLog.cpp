// SPDX-License-Identifier: GPL-3.0-or-later
#include "StoreLog.h"

#include "Result.h"

namespace aisbf::store {

// Debug (every failed statement with its SQL) is off unless
// QT_LOGGING_RULES="aisbf.store.debug=true".
Q_LOGGING_CATEGORY(lcStore, "aisbf.store", QtInfoMsg)

QString StoreError::toString() const
{
    if (sqlError.isEmpty())
        return message;
    return message % QLatin1String(" (database said: ") % sqlError % QLatin1Char(')');
}

} // namespace aisbf::store
