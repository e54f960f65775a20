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
    /** N: OpenAI SSE events per streamed completion ([DONE] not counted); the other dialects'
     *  text deltas / parts / lines per stream. */
    int streamChunks = 5;
    int streamIntervalMs = 0; //!< gap between two stream events (text deltas)
    int recordLimit = -1;     //!< requests kept for requests(); -1 = all, 0 = none
    /// How an OpenAI stream's last event is written; some servers omit the final blank line.
    QByteArray doneEvent = QByteArrayLiteral("data: [DONE]\n\n");
};

} // namespace aisbf::test
