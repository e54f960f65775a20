// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "RecordedRequest.h"

namespace aisbf::test {

/** Result of trying to take one HTTP/1.x request off the front of a connection buffer. */
struct ParseOutcome
{
    enum Kind
    {
        NeedMore,
        Complete,
        Bad
    };
    Kind kind = NeedMore;
    qsizetype consumed = 0;      //!< bytes of the buffer that made up the request (Complete)
    int status = 400;            //!< what to answer (Bad)
    bool expectContinue = false; //!< headers are in, body is not, client sent Expect: 100-continue
};

/**
 * Parses the request at the front of @p buffer into @p out. Stateless: a partial request is
 * simply parsed again when more bytes arrive, which is cheap for the small bodies a mock sees.
 * Handles Content-Length and chunked request bodies.
 */
ParseOutcome parseRequest(const QByteArray &buffer, RecordedRequest &out);

/** Whether the connection stays open after answering @p request. */
bool wantsKeepAlive(const RecordedRequest &request);

} // namespace aisbf::test
