// SPDX-License-Identifier: GPL-3.0-or-later
#include "RedisReply.h"

namespace aisbf::cluster {

RedisReply RedisReply::integer(qint64 value)
{
    RedisReply r;
    r.m_type = Type::Integer;
    r.m_integer = value;
    return r;
}

RedisReply RedisReply::string(QByteArray value)
{
    RedisReply r;
    r.m_type = Type::String;
    r.m_bytes = std::move(value);
    return r;
}

RedisReply RedisReply::array(QList<RedisReply> elements)
{
    RedisReply r;
    r.m_type = Type::Array;
    r.m_elements = std::move(elements);
    return r;
}

RedisReply RedisReply::error(QByteArray message)
{
    RedisReply r;
    r.m_type = Type::Error;
    r.m_bytes = std::move(message);
    return r;
}

RedisReply RedisReply::connectionError(QByteArray why)
{
    RedisReply r = error(std::move(why));
    r.m_connectionError = true;
    return r;
}

qint64 RedisReply::toInteger(bool *ok) const
{
    if (m_type == Type::Integer) {
        if (ok)
            *ok = true;
        return m_integer;
    }
    if (m_type == Type::String)
        return m_bytes.toLongLong(ok);
    if (ok)
        *ok = false;
    return 0;
}

QByteArray RedisReply::toDebugString() const
{
    switch (m_type) {
    case Type::Nil:
        return QByteArrayLiteral("nil");
    case Type::Integer:
        return QByteArray::number(m_integer);
    case Type::String:
        return '"' + m_bytes + '"';
    case Type::Error:
        return QByteArrayLiteral("error: ") + m_bytes;
    case Type::Array:
        break;
    }
    QByteArray out = "[";
    for (qsizetype i = 0; i < m_elements.size(); ++i) {
        if (i)
            out += ", ";
        out += m_elements[i].toDebugString();
    }
    return out + ']';
}

} // namespace aisbf::cluster
