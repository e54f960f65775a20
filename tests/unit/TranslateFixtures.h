// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <translate/ProviderTranslator.h>

/** Fixture reading and stream helpers shared by the tst_translate_* tests. */
namespace aisbf::test::fixtures {

/** tests/data/translate/<path>; empty (and a warning) when missing. */
QByteArray read(const QString &path);
/** The fixture as a JSON object; empty (and a warning) when missing or not an object. */
QJsonObject readJson(const QString &path);
/** @p bytes in pieces of @p size bytes (size 1 splits every UTF-8 character). */
QList<QByteArray> splitEvery(const QByteArray &bytes, qsizetype size);

/** What a stream decoder made of a whole stream. */
struct StreamRun
{
    QList<QJsonObject> chunks;
    QString error;
    bool finished = false;
};

/** Feeds @p pieces to @p decoder as the network would, stopping at the first error, then ends
 *  the body (finish()). */
StreamRun runStream(translate::StreamDecoder &decoder, const QList<QByteArray> &pieces);

/**
 * Folds OpenAI chat.completion.chunk objects into what a client SDK would assemble:
 * {"role", "content", "reasoning_content", "tool_calls": [{id, type, function{name, arguments}}],
 *  "finish_reason", "usage"}; keys absent when nothing set them. Also checks each chunk's
 * shape (object, id, choices) and returns {"shape_error": "..."} at the first bad one.
 */
QJsonObject mergeChunks(const QList<QJsonObject> &chunks);

} // namespace aisbf::test::fixtures
