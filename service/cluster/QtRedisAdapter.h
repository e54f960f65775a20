// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Private to aisbf_cluster: the hiredis event hooks on Qt socket notifiers.

#include <QObject>
#include <QSocketNotifier>

struct redisAsyncContext;

namespace aisbf::cluster {
class RedisClient;
}

namespace aisbf::cluster::detail {

// Drives one hiredis async context from the Qt event loop, as hiredis' own adapters do for
// libevent or libuv: a read notifier, and a write notifier hiredis turns on only while it has
// output (or a connect) pending. One adapter per context; it is the context's `data` too, so
// reply callbacks find their client through it, and `client` is cleared when the client is
// destroyed first.
//
// hiredis calls cleanup() while it frees the context, on whatever call stack freed it (a read
// that hit EOF, redisAsyncFree() in the client). From then on the adapter is inert, and it
// deletes itself from the event loop afterwards, unless the code that freed the context says it
// deletes it itself (setOwnerDeletes()), which is only safe outside hiredis' call stack.
class QtRedisAdapter final : public QObject
{
public:
    // Installs the hooks on @p context, whose socket exists (redisAsyncConnect() succeeded).
    QtRedisAdapter(redisAsyncContext *context, RedisClient *client);
    ~QtRedisAdapter() override;

    static QtRedisAdapter *of(const redisAsyncContext *context);

    redisAsyncContext *context() const { return m_context; }
    bool isClosed() const { return m_closed; }
    void setOwnerDeletes(bool ownerDeletes) { m_ownerDeletes = ownerDeletes; }

    RedisClient *client = nullptr; ///< null once the client is gone: callbacks are dropped

private:
    static void addRead(void *self);
    static void delRead(void *self);
    static void addWrite(void *self);
    static void delWrite(void *self);
    static void cleanup(void *self);

    void close();

    redisAsyncContext *m_context;
    QSocketNotifier m_read;
    QSocketNotifier m_write;
    bool m_closed = false;
    bool m_ownerDeletes = false;
};

} // namespace aisbf::cluster::detail
