// SPDX-License-Identifier: GPL-3.0-or-later
#include "QtRedisAdapter.h"

#include "RedisClient.h"

#include <hiredis/async.h>

namespace aisbf::cluster::detail {

QtRedisAdapter::QtRedisAdapter(redisAsyncContext *context, RedisClient *client)
    : client(client), m_context(context), m_read(context->c.fd, QSocketNotifier::Read),
      m_write(context->c.fd, QSocketNotifier::Write)
{
    // Writable means connected (or failed): hiredis finishes the connect from the write hook.
    // Commands are queued right after this, which turns the write notifier on.
    m_write.setEnabled(false);
    QObject::connect(&m_read, &QSocketNotifier::activated, this,
                     [this] { redisAsyncHandleRead(m_context); });
    QObject::connect(&m_write, &QSocketNotifier::activated, this,
                     [this] { redisAsyncHandleWrite(m_context); });
    context->data = this;
    context->ev.data = this;
    context->ev.addRead = &QtRedisAdapter::addRead;
    context->ev.delRead = &QtRedisAdapter::delRead;
    context->ev.addWrite = &QtRedisAdapter::addWrite;
    context->ev.delWrite = &QtRedisAdapter::delWrite;
    context->ev.cleanup = &QtRedisAdapter::cleanup;
}

QtRedisAdapter::~QtRedisAdapter()
{
    // Only ever deleted after cleanup(): hiredis no longer knows this adapter.
    Q_ASSERT(m_closed);
}

QtRedisAdapter *QtRedisAdapter::of(const redisAsyncContext *context)
{
    return static_cast<QtRedisAdapter *>(context->data);
}

void QtRedisAdapter::addRead(void *self)
{
    if (auto *a = static_cast<QtRedisAdapter *>(self); a && !a->m_closed)
        a->m_read.setEnabled(true);
}

void QtRedisAdapter::delRead(void *self)
{
    if (auto *a = static_cast<QtRedisAdapter *>(self))
        a->m_read.setEnabled(false);
}

void QtRedisAdapter::addWrite(void *self)
{
    if (auto *a = static_cast<QtRedisAdapter *>(self); a && !a->m_closed)
        a->m_write.setEnabled(true);
}

void QtRedisAdapter::delWrite(void *self)
{
    if (auto *a = static_cast<QtRedisAdapter *>(self))
        a->m_write.setEnabled(false);
}

void QtRedisAdapter::cleanup(void *self)
{
    if (auto *a = static_cast<QtRedisAdapter *>(self))
        a->close();
}

void QtRedisAdapter::close()
{
    if (m_closed)
        return;
    m_closed = true;
    // hiredis closes the socket right after this: no notifier may watch it any more.
    m_read.setEnabled(false);
    m_write.setEnabled(false);
    m_context->ev.addRead = nullptr;
    m_context->ev.delRead = nullptr;
    m_context->ev.addWrite = nullptr;
    m_context->ev.delWrite = nullptr;
    m_context->ev.cleanup = nullptr;
    m_context->ev.data = nullptr;
    // `data` stays: reply callbacks still to come on this free find their client through it.
    if (client)
        client->adapterClosed(this);
    if (!m_ownerDeletes)
        deleteLater(); // we may be inside one of our notifiers' signals right now
}

} // namespace aisbf::cluster::detail
