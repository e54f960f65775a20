// SPDX-License-Identifier: GPL-3.0-or-later
#include "MockPayloads.h"

namespace aisbf::test::payloads {

QByteArray jsonString(const QByteArray &utf8)
{
    static constexpr char hex[] = "0123456789abcdef";
    QByteArray out;
    out.reserve(utf8.size() + 2);
    out += '"';
    for (const char ch : utf8) {
        const auto u = static_cast<unsigned char>(ch);
        if (ch == '"' || ch == '\\') {
            out += '\\';
            out += ch;
        } else if (ch == '\n') {
            out += "\\n";
        } else if (u < 0x20) {
            out += "\\u00";
            out += hex[u >> 4];
            out += hex[u & 0xf];
        } else {
            out += ch;
        }
    }
    out += '"';
    return out;
}

QByteArray modelsBody(const QStringList &models)
{
    QByteArray out = R"({"object":"list","data":[)";
    for (qsizetype i = 0; i < models.size(); ++i) {
        if (i > 0)
            out += ',';
        out += R"({"id":)" + jsonString(models.at(i).toUtf8()) +
               R"(,"object":"model","created":0,"owned_by":"mock"})";
    }
    out += "]}";
    return out;
}

namespace {

QByteArray head(const Completion &c, const char *object)
{
    return R"({"id":")" + c.id + R"(","object":")" + object + R"(","created":)" +
           QByteArray::number(c.created) + R"(,"model":)" + jsonString(c.model);
}

QByteArray usage(int prompt, int completion)
{
    return R"("usage":{"prompt_tokens":)" + QByteArray::number(prompt) +
           R"(,"completion_tokens":)" + QByteArray::number(completion) + R"(,"total_tokens":)" +
           QByteArray::number(prompt + completion) + '}';
}

} // namespace

QByteArray completionBody(const Completion &c, const QByteArray &content, int completionTokens)
{
    return head(c, "chat.completion") +
           R"(,"choices":[{"index":0,"message":{"role":"assistant","content":)" +
           jsonString(content) + R"(},"finish_reason":"stop"}],)" +
           usage(c.promptTokens, completionTokens) + '}';
}

QByteArray toolCallBody(const Completion &c, const QByteArray &callId, const QByteArray &name,
                        const QByteArray &arguments, int completionTokens)
{
    return head(c, "chat.completion") +
           R"(,"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[)" +
           R"({"id":)" + jsonString(callId) + R"(,"type":"function","function":{"name":)" +
           jsonString(name) + R"(,"arguments":)" + jsonString(arguments) +
           R"(}}]},"finish_reason":"tool_calls"}],)" + usage(c.promptTokens, completionTokens) +
           '}';
}

QByteArray chunkEvent(const Completion &c, const QByteArray &delta, const QByteArray &finishReason)
{
    return "data: " + head(c, "chat.completion.chunk") + R"(,"choices":[{"index":0,"delta":)" +
           delta + R"(,"finish_reason":)" + finishReason + "}]}\n\n";
}

QByteArray usageEvent(const Completion &c, int completionTokens)
{
    return "data: " + head(c, "chat.completion.chunk") + R"(,"choices":[],)" +
           usage(c.promptTokens, completionTokens) + "}\n\n";
}

QByteArray errorBody(int status, const QByteArray &message)
{
    const QByteArray type = status == 429   ? "rate_limit_exceeded"
                            : status >= 500 ? "server_error"
                                            : "invalid_request_error";
    return R"({"error":{"message":)" + jsonString(message) + R"(,"type":")" + type +
           R"(","param":null,"code":)" + QByteArray::number(status) + "}}";
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 413:
        return "Payload Too Large";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "Status";
    }
}

QByteArray response(int status, const QByteArray &contentType, const QByteArray &body, bool close,
                    const QByteArray &extraHeaders)
{
    QByteArray out;
    out.reserve(160 + extraHeaders.size() + body.size());
    out += "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) +
           "\r\nContent-Type: " + contentType +
           "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += extraHeaders;
    if (close)
        out += "Connection: close\r\n";
    out += "\r\n";
    out += body;
    return out;
}

QByteArray streamHead(bool close, const QByteArray &contentType)
{
    QByteArray out = "HTTP/1.1 200 OK\r\nContent-Type: " + contentType +
                     "\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n";
    if (close)
        out += "Connection: close\r\n";
    out += "\r\n";
    return out;
}

QByteArray httpChunk(const QByteArray &data)
{
    return QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n";
}

} // namespace aisbf::test::payloads
