// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <auth/RateLimitTypes.h>

#include <QString>

#include <optional>

namespace aisbf::control {

/** Who a request comes from, as its token says. */
struct Principal
{
    enum class Kind
    {
        None,         ///< no token, or one nobody knows
        GlobalToken,  ///< one of aisbf.json auth.tokens: the operator, every scope
        AdminSession, ///< POST /api/admin/login's session token
        UserToken,    ///< a user's API token (scope api or admin)
    };

    Kind kind = Kind::None;
    std::optional<qint64> userId;
    QString username;
    bool isAdmin = false; ///< may use /api/admin
    bool mayChat = false; ///< may use the chat and model endpoints
    std::optional<qint64> tokenId;
    /** The user's tier limits (unlimited for global tokens and admin sessions). */
    auth::RateLimits limits;
    std::optional<qint64> tokenRequestsPerMinute; ///< the token's own limit, on top

    bool isKnown() const { return kind != Kind::None; }
    /** "admin", "token:12", "global-token": who did it, for the audit log. */
    QString actor() const;
};

} // namespace aisbf::control
