// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHashFunctions>
#include <QList>
#include <QPair>
#include <QString>

namespace aisbf::upstream {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

/**
 * Where a request goes: one keep-alive pool exists per distinct origin. It is the pool's hash key
 * as it is (no key string is built per request).
 */
struct Origin
{
    QByteArray scheme; ///< "http" or "https"
    QString host;
    quint16 port = 0;

    bool isTls() const { return scheme == "https"; }
    friend bool operator==(const Origin &, const Origin &) = default;
};

inline size_t qHash(const Origin &origin, size_t seed = 0) noexcept
{
    return qHashMulti(seed, origin.scheme, origin.host, origin.port);
}

/** Milliseconds, resolved from config (entry > provider > global defaults). */
struct Timeouts
{
    int connectMs = 10'000;
    int firstByteMs = 300'000;
    int idleMs = 120'000;
};

struct Request
{
    Origin origin;
    QByteArray method = "POST";
    QByteArray target; ///< path and query, e.g. "/v1/chat/completions"
    HeaderList headers;
    QByteArray body;
    Timeouts timeouts;
};

/** Why an exchange ended without a complete response. */
struct Failure
{
    enum class Kind
    {
        Connect, ///< refused, unreachable, DNS, TLS handshake, proxy
        ConnectTimeout,
        FirstByteTimeout, ///< no response head in time
        IdleTimeout,      ///< body stalled between reads
        ResetBeforeHead,  ///< connection closed before a response head arrived
        ResetMidBody,     ///< connection closed before the response body ended
        Protocol,         ///< the upstream did not speak HTTP/1.1
    };
    Kind kind = Kind::Connect;
    QString detail; ///< human-readable; never contains credentials

    bool beforeHead() const { return kind != Kind::IdleTimeout && kind != Kind::ResetMidBody; }
    QString describe() const;
};

/** Receives one exchange's events, in order: head, data*, then finished or failed. */
class Listener
{
public:
    virtual ~Listener() = default;
    virtual void upstreamHead(int status, const HeaderList &headers) = 0;
    virtual void upstreamData(const QByteArray &bytes) = 0;
    virtual void upstreamFinished() = 0;
    virtual void upstreamFailed(const Failure &failure) = 0;
};

/** Case-insensitive header lookup. */
QByteArray headerValue(const HeaderList &headers, QByteArrayView name);

} // namespace aisbf::upstream
