// SPDX-License-Identifier: GPL-3.0-or-later
#include "MockReply.h"

#include <QDateTime>
#include <QJsonArray>

namespace aisbf::test {

namespace {

QList<QByteArray> words(const QByteArray &text)
{
    QList<QByteArray> out;
    for (const QByteArray &w : text.split(' '))
        if (!w.isEmpty())
            out.append(w);
    return out;
}

} // namespace

namespace reply {

QByteArray toolArgumentPiece(int index)
{
    static const char *const pieces[kToolArgumentPieces] = {R"({"city":)", R"("Paris",)",
                                                            R"("days":)", "3}"};
    return index >= 0 && index < kToolArgumentPieces ? QByteArray(pieces[index]) : QByteArray();
}

QByteArray thinkingPiece(int index)
{
    static const char *const pieces[kThinkingPieces] = {"Thinking it over. ",
                                                        "The answer is ready."};
    return index >= 0 && index < kThinkingPieces ? QByteArray(pieces[index]) : QByteArray();
}

QByteArray thinkingText()
{
    QByteArray out;
    for (int i = 0; i < kThinkingPieces; ++i)
        out += thinkingPiece(i);
    return out;
}

QByteArray rfc3339Now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toUtf8();
}

qsizetype textChars(const QJsonValue &value)
{
    if (value.isString())
        return value.toString().size();
    qsizetype chars = 0;
    if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (const QJsonValue &v : array)
            chars += textChars(v);
    } else if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            const bool isText =
                it.key() == QLatin1String("text") || it.key() == QLatin1String("content");
            if (isText || !it.value().isString())
                chars += textChars(it.value());
        }
    }
    return chars;
}

int headerInt(const RecordedRequest &request, const QByteArray &name, int fallback, int max)
{
    bool ok = false;
    const int v = request.header(name).toInt(&ok);
    return ok && v >= 0 ? qMin(v, max) : fallback;
}

} // namespace reply

int Reply::pieceCount(int nominal) const
{
    return roundTrip ? int(words(text).size()) : qMax(0, nominal);
}

QByteArray Reply::piece(int index) const
{
    if (!roundTrip)
        return "tok" + QByteArray::number(index) + ' ';
    const QList<QByteArray> w = words(text);
    if (index < 0 || index >= w.size())
        return {};
    return index + 1 < w.size() ? w.at(index) + ' ' : w.at(index);
}

int Reply::textTokens() const
{
    return int(words(text).size());
}

Reply baseReply(const MockConfig &config, const RecordedRequest &request, bool stream,
                const QByteArray &toolName, bool lastIsToolResult)
{
    Reply r;
    r.chunks = qMax(1, reply::headerInt(request, QByteArrayLiteral("x-mock-chunks"),
                                        config.streamChunks, 1000000));
    r.intervalMs = reply::headerInt(request, QByteArrayLiteral("x-mock-interval-ms"),
                                    config.streamIntervalMs, 3600000);
    if (const auto it = request.headers.constFind(QByteArrayLiteral("x-mock-thinking"));
        it != request.headers.cend()) {
        const QByteArray thinking = it->trimmed().toLower();
        r.thinking = thinking == "1" || thinking == "true";
    }
    r.roundTrip = lastIsToolResult;
    if (lastIsToolResult)
        r.text = reply::kToolResultText;
    else if (!stream) // a stream says "tok0 tok1 ..."
        r.text = config.completionText.toUtf8();
    if (!lastIsToolResult)
        r.toolName = toolName;
    return r;
}

} // namespace aisbf::test
