// SPDX-License-Identifier: GPL-3.0-or-later
#include "MockRoutes.h"

namespace aisbf::test {

QByteArray pathOf(const RecordedRequest &request)
{
    const qsizetype q = request.path.indexOf('?');
    return q >= 0 ? request.path.left(q) : request.path;
}

Dialect dialectOf(const RecordedRequest &request)
{
    const QByteArray path = pathOf(request);
    if (path.startsWith("/api/"))
        return Dialect::Ollama;
    if (path.startsWith("/v1beta/") || path.contains(":generateContent") ||
        path.contains(":streamGenerateContent"))
        return Dialect::Gemini;
    if (path == "/v1/messages" || path == "/messages")
        return Dialect::Anthropic;
    if (path == "/v1/chat/completions")
        return Dialect::OpenAi;
    // Shared paths (/v1/models, /models) and unknown ones: the dialect's auth headers decide.
    if (request.headers.contains("anthropic-version"))
        return Dialect::Anthropic;
    if (request.headers.contains("x-goog-api-key"))
        return Dialect::Gemini;
    return Dialect::OpenAi;
}

QByteArray dialectErrorBody(Dialect dialect, int status, const QByteArray &message)
{
    switch (dialect) {
    case Dialect::Anthropic:
        return anthropic::errorBody(status, message);
    case Dialect::Gemini:
        return gemini::errorBody(status, message);
    case Dialect::Ollama:
        return ollama::errorBody(message);
    case Dialect::OpenAi:
        break;
    }
    return payloads::errorBody(status, message);
}

RouteResult route(const MockConfig &config, const RecordedRequest &request, bool close,
                  quint64 sequence)
{
    switch (dialectOf(request)) {
    case Dialect::Anthropic:
        return anthropic::route(config, request, close, sequence);
    case Dialect::Gemini:
        return gemini::route(config, request, close, sequence);
    case Dialect::Ollama:
        return ollama::route(config, request, close, sequence);
    case Dialect::OpenAi:
        break;
    }
    return openai::route(config, request, close, sequence);
}

} // namespace aisbf::test
