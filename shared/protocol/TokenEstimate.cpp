// SPDX-License-Identifier: GPL-3.0-or-later
#include "TokenEstimate.h"

#include <QJsonObject>

namespace aisbf::protocol {

namespace {

constexpr qint64 kBytesPerToken = 4;
constexpr qint64 kTokensPerMessage = 4; // role + separators, as in OpenAI's counting guide
constexpr qint64 kTokensPerImage = 765; // a high-detail 512x512 tile set, OpenAI's figure

qint64 textBytes(const QJsonValue &content, qint64 *images)
{
    if (content.isString())
        return content.toString().toUtf8().size();
    qint64 bytes = 0;
    const QJsonArray parts = content.toArray();
    for (const QJsonValue &part : parts) {
        const QJsonObject object = part.toObject();
        if (object.value(QLatin1String("type")).toString() == QLatin1String("text"))
            bytes += object.value(QLatin1String("text")).toString().toUtf8().size();
        else
            ++*images;
    }
    return bytes;
}

} // namespace

qint64 estimatePromptTokens(const QJsonArray &messages)
{
    qint64 bytes = 0;
    qint64 images = 0;
    for (const QJsonValue &value : messages) {
        const QJsonObject message = value.toObject();
        bytes += textBytes(message.value(QLatin1String("content")), &images);
        // Tool calls carry their arguments as text the model reads back.
        const QJsonArray calls = message.value(QLatin1String("tool_calls")).toArray();
        for (const QJsonValue &call : calls) {
            const QJsonObject function =
                call.toObject().value(QLatin1String("function")).toObject();
            bytes += function.value(QLatin1String("arguments")).toString().toUtf8().size();
            bytes += function.value(QLatin1String("name")).toString().size();
        }
    }
    return (bytes + kBytesPerToken - 1) / kBytesPerToken + kTokensPerMessage * messages.size() +
           images * kTokensPerImage;
}

} // namespace aisbf::protocol
