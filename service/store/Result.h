// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace aisbf::store {

/** Why a store call failed. Never carries a secret: driver text is scrubbed of the password. */
struct StoreError
{
    enum class Kind
    {
        Config,     ///< the database section of aisbf.json cannot be used
        Connection, ///< cannot reach or open the database
        Query,      ///< a statement failed for another reason
        NotFound,   ///< no row with that id / name / hash
        Conflict,   ///< a UNIQUE constraint: the name or hash is taken
        Constraint, ///< a foreign key or CHECK constraint: refers to a missing row, bad enum
        Migration,  ///< the schema could not be brought up to date
    };

    Kind kind = Kind::Query;
    QString message;  ///< what failed and what to do, for people
    QString sqlError; ///< the driver's own text, when the database said something

    /** "message (database said: sqlError)" — the form logged and returned to admins. */
    QString toString() const;
};

/** A value or a StoreError (std::expected is C++23). */
template <typename T> class [[nodiscard]] Result
{
public:
    Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    Result(StoreError error) : m_v(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { return std::get<0>(m_v); }
    const T &value() const & { return std::get<0>(m_v); }
    T &&value() && { return std::get<0>(std::move(m_v)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() { return value(); }
    const T &operator*() const { return value(); }

    const StoreError &error() const { return std::get<1>(m_v); }
    /** The value, or @p fallback on an error. */
    T value_or(T fallback) const { return ok() ? value() : std::move(fallback); }

private:
    std::variant<T, StoreError> m_v;
};

/** Success or a StoreError. */
template <> class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(StoreError error) : m_error(std::move(error)) {}

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const StoreError &error() const { return *m_error; }

private:
    std::optional<StoreError> m_error;
};

using Status = Result<void>;

} // namespace aisbf::store
