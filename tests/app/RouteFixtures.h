// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonDocument>
#include <QJsonObject>

// Config documents as GET /api/admin/config/{doc} serves them, for the route editor tests.
// (In a header: moc 6.4 loses the test class after multi-line raw strings in the .cpp.)
namespace aisbf::test::routes {

inline QJsonObject obj(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

inline QJsonObject providersDoc()
{
    return obj(R"({"providers":{
        "openai":{"id":"openai","name":"OpenAI","type":"openai","endpoint":"https://api.openai.com/v1",
                  "api_key_required":true,"api_key":"$OPENAI_API_KEY","models":[{"name":"gpt-4o"},{"name":"gpt-4o-mini"}]},
        "local":{"id":"local","name":"Local","type":"openai","endpoint":"http://127.0.0.1:11434/v1",
                 "api_key_required":false,"api_key":"…abcd","models":[{"name":"qwen"}]}}})");
}

inline QJsonObject rotationsDoc()
{
    return obj(R"({"rotations":{"coding":{"model_name":"coding","providers":[
        {"provider_id":"openai","model":"gpt-4o","weight":6},{"provider_id":"local","model":"qwen","weight":3}]}}})");
}

inline QJsonObject serverDoc()
{
    return obj(
        R"({"server":{"host":"127.0.0.1","port":17765},"auth":{"enabled":false,"tokens":[]}})");
}

} // namespace aisbf::test::routes
