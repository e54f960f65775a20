// SPDX-License-Identifier: GPL-3.0-or-later
// Translation cost per streamed chunk: each dialect's stream decoder (native bytes -> OpenAI
// chunk objects) and each client encoder (OpenAI chunk objects -> client bytes), fed one event
// per call as the network delivers them. Prints µs per chunk (median of several runs).
//
// usage: aisbf-translate-bench [chunks-per-run] [runs]

#include <translate/ClientCodec.h>
#include <translate/OpenAiShapes.h>
#include <translate/OpenAiStream.h>
#include <translate/ProviderTranslator.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

using namespace aisbf::translate;

namespace {

// One network read per event, in each dialect's wire format; the token text is typical of
// a streamed answer (a word or two per chunk).
QByteArray token(int i)
{
    return "tok" + QByteArray::number(i) + ' ';
}

QList<QByteArray> anthropicStream(int chunks)
{
    QList<QByteArray> reads{
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
        "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],"
        "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,"
        "\"output_tokens\":1}}}\n\n",
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
        "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"};
    for (int i = 0; i < chunks; ++i)
        reads.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\","
                     "\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"" +
                     token(i) + "\"}}\n\n");
    reads.append("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}"
                 "\n\nevent: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":"
                 "{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":"
                 "{\"output_tokens\":64}}\n\nevent: message_stop\ndata: "
                 "{\"type\":\"message_stop\"}\n\n");
    return reads;
}

QList<QByteArray> geminiStream(int chunks)
{
    QList<QByteArray> reads;
    for (int i = 0; i < chunks; ++i) {
        const bool last = i == chunks - 1;
        reads.append("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"" + token(i) +
                     "\"}],\"role\":\"model\"}" +
                     (last ? QByteArray(",\"finishReason\":\"STOP\"") : QByteArray()) +
                     ",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":12,"
                     "\"candidatesTokenCount\":" +
                     QByteArray::number(i + 1) + ",\"totalTokenCount\":" +
                     QByteArray::number(i + 13) + "},\"modelVersion\":\"m\"}\r\n\r\n");
    }
    return reads;
}

QList<QByteArray> ollamaStream(int chunks)
{
    QList<QByteArray> reads;
    for (int i = 0; i < chunks; ++i)
        reads.append("{\"model\":\"m\",\"created_at\":\"2026-11-24T06:00:00.000000Z\","
                     "\"message\":{\"role\":\"assistant\",\"content\":\"" +
                     token(i) + "\"},\"done\":false}\n");
    reads.append("{\"model\":\"m\",\"created_at\":\"2026-11-24T06:00:00.000000Z\",\"message\":"
                 "{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":"
                 "\"stop\",\"total_duration\":1,\"prompt_eval_count\":12,\"eval_count\":64}\n");
    return reads;
}

QList<QByteArray> openAiStream(int chunks)
{
    QList<QByteArray> reads;
    for (int i = 0; i < chunks; ++i)
        reads.append("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
                     "\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":"
                     "{\"content\":\"" +
                     token(i) + "\"},\"finish_reason\":null}]}\n\n");
    reads.append("data: [DONE]\n\n");
    return reads;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

/** µs per chunk of @p decoderFactory's decoder over @p reads (chunks content events). */
double decodeCost(const std::function<std::unique_ptr<StreamDecoder>()> &decoderFactory,
                  const QList<QByteArray> &reads, int chunks, int runs, qsizetype *produced)
{
    std::vector<double> perChunk;
    for (int run = 0; run < runs; ++run) {
        auto decoder = decoderFactory();
        qsizetype count = 0;
        QElapsedTimer timer;
        timer.start();
        for (const QByteArray &read : reads)
            count += decoder->feed(read).chunks.size();
        count += decoder->finish().chunks.size();
        perChunk.push_back(double(timer.nsecsElapsed()) / 1000.0 / chunks);
        *produced = count;
    }
    return median(perChunk);
}

double encodeCost(const std::function<std::unique_ptr<StreamEncoder>()> &encoderFactory,
                  const QList<QJsonObject> &chunks, int runs, qsizetype *bytes)
{
    std::vector<double> perChunk;
    for (int run = 0; run < runs; ++run) {
        auto encoder = encoderFactory();
        qsizetype written = 0;
        QElapsedTimer timer;
        timer.start();
        for (const QJsonObject &chunk : chunks)
            written += encoder->chunk(chunk).size();
        written += encoder->finish().size();
        perChunk.push_back(double(timer.nsecsElapsed()) / 1000.0 / chunks.size());
        *bytes = written;
    }
    return median(perChunk);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int chunks = argc > 1 ? std::max(1, atoi(argv[1])) : 20000;
    const int runs = argc > 2 ? std::max(1, atoi(argv[2])) : 7;
    const QString model = QStringLiteral("m");

    std::printf("| stage | µs per chunk (median of %d runs of %d chunks) | output |\n", runs,
                chunks);
    std::printf("|---|---|---|\n");
    struct DecodeCase
    {
        const char *name;
        std::function<std::unique_ptr<StreamDecoder>()> factory;
        QList<QByteArray> reads;
    };
    const QList<DecodeCase> decoders{
        {"anthropic SSE -> OpenAI chunks",
         [&] { return providerTranslator(ProviderDialect::Anthropic).streamDecoder(model); },
         anthropicStream(chunks)},
        {"gemini SSE -> OpenAI chunks",
         [&] { return providerTranslator(ProviderDialect::Google).streamDecoder(model); },
         geminiStream(chunks)},
        {"ollama NDJSON -> OpenAI chunks",
         [&] { return providerTranslator(ProviderDialect::Ollama).streamDecoder(model); },
         ollamaStream(chunks)},
        {"openai SSE -> OpenAI chunks (for Anthropic/Ollama clients)",
         [] { return openAiStreamDecoder(); }, openAiStream(chunks)},
    };
    for (const DecodeCase &c : decoders) {
        qsizetype produced = 0;
        const double cost = decodeCost(c.factory, c.reads, chunks, runs, &produced);
        std::printf("| %s | %.2f | %lld chunks |\n", c.name, cost, qlonglong(produced));
    }

    QList<QJsonObject> openAiChunks;
    const QString id = openai::newCompletionId();
    openAiChunks.append(openai::chunk(id, 1, model,
                                      {{QStringLiteral("role"), QStringLiteral("assistant")},
                                       {QStringLiteral("content"), QString()}}));
    for (int i = 0; i < chunks; ++i)
        openAiChunks.append(openai::chunk(
            id, 1, model, {{QStringLiteral("content"), QString::fromLatin1(token(i))}}));
    openAiChunks.append(openai::chunk(id, 1, model, {}, QStringLiteral("stop")));
    openAiChunks.append(openai::usageChunk(id, 1, model, openai::usage(12, chunks)));
    struct EncodeCase
    {
        const char *name;
        std::function<std::unique_ptr<StreamEncoder>()> factory;
    };
    const QList<EncodeCase> encoders{
        {"OpenAI chunks -> anthropic SSE (client)",
         [&] {
             return clientCodec(ClientDialect::Anthropic).streamEncoder(model);
         }},
        {"OpenAI chunks -> ollama NDJSON (client)",
         [&] {
             return clientCodec(ClientDialect::Ollama).streamEncoder(model);
         }},
        {"OpenAI chunks -> openai SSE (client of a native upstream)",
         [] {
             return openAiStreamEncoder();
         }},
    };
    for (const EncodeCase &c : encoders) {
        qsizetype bytes = 0;
        const double cost = encodeCost(c.factory, openAiChunks, runs, &bytes);
        std::printf("| %s | %.2f | %lld bytes |\n", c.name, cost, qlonglong(bytes));
    }
    return 0;
}
