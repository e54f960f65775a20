// SPDX-License-Identifier: GPL-3.0-or-later
#include "TranslateFixtures.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QTest>

namespace aisbf::test::fixtures {

QByteArray read(const QString &path)
{
    QFile file(QStringLiteral(AISBF_TEST_DATA_DIR "/translate/") + path);
    if (!file.open(QIODevice::ReadOnly)) {
        qWarning("fixture %s: %s", qPrintable(file.fileName()), qPrintable(file.errorString()));
        return {};
    }
    return file.readAll();
}

QJsonObject readJson(const QString &path)
{
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(read(path), &error);
    if (!document.isObject())
        qWarning("fixture %s is not a JSON object: %s", qPrintable(path),
                 qPrintable(error.errorString()));
    return document.object();
}

QList<QByteArray> splitEvery(const QByteArray &bytes, qsizetype size)
{
    QList<QByteArray> pieces;
    for (qsizetype at = 0; at < bytes.size(); at += size)
        pieces.append(bytes.mid(at, size));
    return pieces;
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

void verifyStream(const std::function<std::unique_ptr<translate::StreamDecoder>()> &makeDecoder,
                  const QByteArray &body, const QJsonObject &expected,
                  const QList<qsizetype> &sizes)
{
    QVERIFY(!body.isEmpty());
    const QByteArray expectedMerged = compact(expected.value(QLatin1String("merged")).toObject());
    const QString expectedError = expected.value(QLatin1String("error")).toString();

    const StreamRun whole = runStream(*makeDecoder(), {body});
    QCOMPARE(compact(mergeChunks(whole.chunks)), expectedMerged);
    if (expectedError.isEmpty())
        QCOMPARE(whole.error, QString());
    else
        QVERIFY2(whole.error.contains(expectedError), qPrintable(whole.error));
    QCOMPARE(whole.finished, expected.value(QLatin1String("finished")).toBool());

    for (const qsizetype size : sizes) {
        const StreamRun split = runStream(*makeDecoder(), splitEvery(body, size));
        QCOMPARE(compact(mergeChunks(split.chunks)), expectedMerged);
        QCOMPARE(split.chunks.size(), whole.chunks.size());
        QCOMPARE(split.error, whole.error);
        QCOMPARE(split.finished, whole.finished);
    }
}

StreamRun runStream(translate::StreamDecoder &decoder, const QList<QByteArray> &pieces)
{
    StreamRun run;
    for (const QByteArray &piece : pieces) {
        const translate::StreamDecoder::Output out = decoder.feed(piece);
        run.chunks += out.chunks;
        if (!out.error.isEmpty()) {
            run.error = out.error;
            return run;
        }
    }
    const translate::StreamDecoder::Output out = decoder.finish();
    run.chunks += out.chunks;
    run.error = out.error;
    run.finished = out.finished;
    return run;
}

QJsonObject mergeChunks(const QList<QJsonObject> &chunks)
{
    QJsonObject merged;
    QString content;
    QString reasoning;
    bool sawContent = false;
    bool sawReasoning = false;
    QMap<int, QJsonObject> toolCalls; // by tool call index
    for (const QJsonObject &chunk : chunks) {
        if (chunk.value(QLatin1String("object")).toString() !=
                QLatin1String("chat.completion.chunk") ||
            chunk.value(QLatin1String("id")).toString().isEmpty() ||
            !chunk.value(QLatin1String("choices")).isArray()) {
            return {{QStringLiteral("shape_error"),
                     QString::fromUtf8(QJsonDocument(chunk).toJson(QJsonDocument::Compact))}};
        }
        if (chunk.contains(QLatin1String("usage")) &&
            chunk.value(QLatin1String("usage")).isObject())
            merged.insert(QStringLiteral("usage"), chunk.value(QLatin1String("usage")));
        for (const QJsonValue &choiceValue : chunk.value(QLatin1String("choices")).toArray()) {
            const QJsonObject choice = choiceValue.toObject();
            const QJsonObject delta = choice.value(QLatin1String("delta")).toObject();
            if (delta.contains(QLatin1String("role")))
                merged.insert(QStringLiteral("role"), delta.value(QLatin1String("role")));
            if (delta.value(QLatin1String("content")).isString()) {
                sawContent = true;
                content += delta.value(QLatin1String("content")).toString();
            }
            if (delta.value(QLatin1String("reasoning_content")).isString()) {
                sawReasoning = true;
                reasoning += delta.value(QLatin1String("reasoning_content")).toString();
            }
            for (const QJsonValue &callValue : delta.value(QLatin1String("tool_calls")).toArray()) {
                const QJsonObject call = callValue.toObject();
                const int index = call.value(QLatin1String("index")).toInt(-1);
                QJsonObject &into = toolCalls[index];
                for (const char *key : {"id", "type"}) {
                    if (call.value(QLatin1String(key)).isString())
                        into.insert(QLatin1String(key), call.value(QLatin1String(key)));
                }
                const QJsonObject function = call.value(QLatin1String("function")).toObject();
                QJsonObject intoFunction = into.value(QLatin1String("function")).toObject();
                if (function.value(QLatin1String("name")).isString())
                    intoFunction.insert(QStringLiteral("name"),
                                        function.value(QLatin1String("name")));
                const QString arguments =
                    intoFunction.value(QLatin1String("arguments")).toString() +
                    function.value(QLatin1String("arguments")).toString();
                intoFunction.insert(QStringLiteral("arguments"), arguments);
                into.insert(QStringLiteral("function"), intoFunction);
            }
            if (choice.value(QLatin1String("finish_reason")).isString())
                merged.insert(QStringLiteral("finish_reason"),
                              choice.value(QLatin1String("finish_reason")));
        }
    }
    if (sawContent)
        merged.insert(QStringLiteral("content"), content);
    if (sawReasoning)
        merged.insert(QStringLiteral("reasoning_content"), reasoning);
    if (!toolCalls.isEmpty()) {
        QJsonArray calls;
        for (const QJsonObject &call : std::as_const(toolCalls))
            calls.append(call);
        merged.insert(QStringLiteral("tool_calls"), calls);
    }
    return merged;
}

} // namespace aisbf::test::fixtures
