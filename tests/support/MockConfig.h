// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace aisbf::test {

/** What MockUpstream answers when no fault is active. */
struct MockConfig
{
    QStringList models{QStringLiteral("mock-model")};
    QString completionText = QStringLiteral("pong");
    int streamChunks = 5;     //!< SSE events per streamed completion, [DONE] not counted
    int streamIntervalMs = 0; //!< gap between two SSE events
    int recordLimit = -1;     //!< requests kept for requests(); -1 = all, 0 = none
    /// How a stream's last event is written; some servers omit the final blank line.
    QByteArray doneEvent = QByteArrayLiteral("data: [DONE]\n\n");
};

} // namespace aisbf::test
