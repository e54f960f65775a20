// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace aisbf::auth {

/** What went wrong in an auth primitive. Messages never contain a secret. */
struct AuthError
{
    enum class Code
    {
        Crypto,      ///< OpenSSL refused an operation (out of entropy, bad context, ...)
        Io,          ///< a key file could not be read, created or written
        Permissions, ///< a key file is accessible by group/others
        Format,      ///< a stored string (hash, sealed value, key file) is malformed
        Tampered,    ///< authentication failed: wrong key, wrong associated data or changed bytes
        Argument     ///< the caller passed an out-of-range value
    };

    Code code = Code::Crypto;
    QString message; ///< what is wrong, where, and what to do, in one or two sentences
};

/**
 * Either a value or an AuthError (C++23's std::expected, which C++20 lacks). There is no
 * conversion to bool on purpose, so `if (verify(...))` cannot silently mean "did not fail".
 */
template <typename T> class Result
{
public:
    Result(T value) : m_data(std::in_place_index<0>, std::move(value)) {}
    Result(AuthError error) : m_data(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_data.index() == 0; }
    const T &value() const & { return std::get<0>(m_data); }
    T &&value() && { return std::get<0>(std::move(m_data)); }
    const AuthError &error() const { return std::get<1>(m_data); }

private:
    std::variant<T, AuthError> m_data;
};

inline AuthError authError(AuthError::Code code, QString message)
{
    return AuthError{code, std::move(message)};
}

} // namespace aisbf::auth
