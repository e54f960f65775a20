// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QtGlobal>

namespace aisbf::cluster {

/**
 * One Redis reply, copied out of hiredis so it outlives the callback: nil, an integer, a
 * string (bulk or status, binary-safe), an array of replies, or an error. Errors are the
 * server's ("WRONGTYPE ...", "NOAUTH ...") or the client's when a command never got a reply
 * (isConnectionError(): the connection was down or dropped).
 */
class RedisReply
{
public:
    enum class Type
    {
        Nil,
        Integer,
        String,
        Array,
        Error
    };

    RedisReply() = default; ///< nil

    static RedisReply integer(qint64 value);
    static RedisReply string(QByteArray value);
    static RedisReply array(QList<RedisReply> elements);
    static RedisReply error(QByteArray message);
    /** A command that got no reply; @p why says why ("not connected", "connection lost"). */
    static RedisReply connectionError(QByteArray why);

    Type type() const { return m_type; }
    bool isNil() const { return m_type == Type::Nil; }
    bool isInteger() const { return m_type == Type::Integer; }
    bool isString() const { return m_type == Type::String; }
    bool isArray() const { return m_type == Type::Array; }
    bool isError() const { return m_type == Type::Error; }
    bool isConnectionError() const { return m_connectionError; }

    /** The integer, or a string holding one ("42" from GET); @p ok says which. */
    qint64 toInteger(bool *ok = nullptr) const;
    /** The string's bytes, or the error's message; empty otherwise. */
    const QByteArray &toByteArray() const { return m_bytes; }
    const QByteArray &errorMessage() const { return m_bytes; }
    const QList<RedisReply> &elements() const { return m_elements; }

    /** For test failures and logs: "nil", "42", "\"OK\"", "[...]", "error: ...". */
    QByteArray toDebugString() const;

private:
    Type m_type = Type::Nil;
    bool m_connectionError = false;
    qint64 m_integer = 0;
    QByteArray m_bytes;
    QList<RedisReply> m_elements;
};

} // namespace aisbf::cluster
