// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <translate/ProviderTranslator.h>

#include <functional>
#include <memory>

/** Fixture reading and stream helpers shared by the tst_translate_* tests. */
namespace aisbf::test::fixtures {

/** tests/data/translate/<path>; empty (and a warning) when missing. */
QByteArray read(const QString &path);
/** The fixture as a JSON object; empty (and a warning) when missing or not an object. */
QJsonObject readJson(const QString &path);
/** @p bytes in pieces of @p size bytes (size 1 splits every UTF-8 character). */
QList<QByteArray> splitEvery(const QByteArray &bytes, qsizetype size);

/** @p object as compact JSON bytes (for QCOMPARE of objects with readable failures). */
QByteArray compact(const QJsonObject &object);

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
 * Checks a stream fixture: @p body fed whole to a decoder from @p makeDecoder must give
 * @p expected's "merged" (as mergeChunks), an error containing its "error" (or none) and its
 * "finished"; fed in pieces of each of @p sizes, exactly the same chunks, error and end.
 * Failures are reported from here (the caller's test function then ends).
 */
void verifyStream(const std::function<std::unique_ptr<translate::StreamDecoder>()> &makeDecoder,
                  const QByteArray &body, const QJsonObject &expected,
                  const QList<qsizetype> &sizes);

/**
 * Folds OpenAI chat.completion.chunk objects into what a client SDK would assemble:
 * {"role", "content", "reasoning_content", "tool_calls": [{id, type, function{name, arguments}}],
 *  "finish_reason", "usage"}; keys absent when nothing set them. Also checks each chunk's
 * shape (object, id, choices) and returns {"shape_error": "..."} at the first bad one.
 */
QJsonObject mergeChunks(const QList<QJsonObject> &chunks);

} // namespace aisbf::test::fixtures
