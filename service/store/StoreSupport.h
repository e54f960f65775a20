// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Private to the stores: small helpers for turning driver results into StoreErrors.

#include "Result.h"

namespace aisbf::store::detail {

/** @p cause with @p what in front of its message: "creating user \"bob\": a statement failed". */
inline StoreError context(const QString &what, StoreError cause)
{
    cause.message = what % QLatin1String(": ") % cause.message;
    return cause;
}

/** @p cause, with @p message as its whole message when it is a Conflict. */
inline StoreError conflictAs(const QString &message, StoreError cause)
{
    if (cause.kind == StoreError::Kind::Conflict)
        cause.message = message;
    return cause;
}

inline StoreError notFound(const QString &what)
{
    return {StoreError::Kind::NotFound, what, {}};
}

/** A bind value for a NOT NULL text column: a null QString would bind as SQL NULL. */
inline QString text(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

inline QString quoted(const QString &s)
{
    return QLatin1Char('"') % s % QLatin1Char('"');
}

} // namespace aisbf::store::detail
