// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

namespace aisbf::protocol {

/** An error as OpenAI clients expect it: {"error":{"message","type","param","code"}}. */
struct OpenAiError
{
    int status = 500;
    QString message;
    QByteArray type; ///< invalid_request_error, authentication_error, not_found_error, ...
    QByteArray code; ///< machine-readable detail, e.g. "model_not_found"; may be empty
    QString param;   ///< offending request field, may be empty

    /** The type OpenAI uses for an HTTP status when none is given. */
    static QByteArray typeForStatus(int status);
    QByteArray toJson() const;
    /** As an SSE event ("data: {...}\n\n") for errors after a stream has started. */
    QByteArray toSseEvent() const;
};

} // namespace aisbf::protocol
