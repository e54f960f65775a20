// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLoggingCategory>

namespace aisbf::store {

Q_DECLARE_LOGGING_CATEGORY(lcStore) // "aisbf.store"

} // namespace aisbf::store
