// SPDX-License-Identifier: GPL-3.0-or-later
#include "JsonPatch.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace aisbf::protocol {

namespace {

// A minimal scanner over JSON already known to be valid: it only needs to find where tokens
// start and end, never to validate them.
class Scanner
{
public:
    explicit Scanner(QByteArrayView text) : m_text(text) {}

    qsizetype pos() const { return m_pos; }
    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek() const { return atEnd() ? '\0' : m_text[m_pos]; }
    void advance() { ++m_pos; }

    void skipSpace()
    {
        while (!atEnd() && (peek() == ' ' || peek() == '\n' || peek() == '\r' || peek() == '\t'))
            ++m_pos;
    }

    // At an opening quote: moves past the closing one.
    void skipString()
    {
        ++m_pos;
        while (!atEnd()) {
            const char c = m_text[m_pos++];
            if (c == '\\')
                ++m_pos;
            else if (c == '"')
                return;
        }
    }

    void skipValue()
    {
        if (peek() == '"') {
            skipString();
            return;
        }
        if (peek() == '{' || peek() == '[') {
            int depth = 0;
            while (!atEnd()) {
                const char c = peek();
                if (c == '"') {
                    skipString();
                    continue;
                }
                ++m_pos;
                if (c == '{' || c == '[')
                    ++depth;
                else if ((c == '}' || c == ']') && --depth == 0)
                    return;
            }
            return;
        }
        while (!atEnd() && peek() != ',' && peek() != '}' && peek() != ']' && peek() != ' ' &&
               peek() != '\n' && peek() != '\r' && peek() != '\t')
            ++m_pos;
    }

private:
    QByteArrayView m_text;
    qsizetype m_pos = 0;
};

} // namespace

std::optional<QByteArray> replaceTopLevelValue(const QByteArray &json, QByteArrayView key,
                                               QByteArrayView literal)
{
    Scanner scanner(json);
    scanner.skipSpace();
    if (scanner.peek() != '{')
        return std::nullopt;
    scanner.advance();
    QByteArray out;
    qsizetype copiedUpTo = 0;
    while (true) {
        scanner.skipSpace();
        if (scanner.peek() != '"')
            break; // '}' (or malformed): done
        const qsizetype keyStart = scanner.pos() + 1;
        scanner.skipString();
        const QByteArrayView name =
            QByteArrayView(json).sliced(keyStart, scanner.pos() - 1 - keyStart);
        scanner.skipSpace();
        if (scanner.peek() != ':')
            return std::nullopt;
        scanner.advance();
        scanner.skipSpace();
        const qsizetype valueStart = scanner.pos();
        scanner.skipValue();
        if (name == key) {
            out += QByteArrayView(json).sliced(copiedUpTo, valueStart - copiedUpTo);
            out += literal;
            copiedUpTo = scanner.pos();
        }
        scanner.skipSpace();
        if (scanner.peek() != ',')
            break;
        scanner.advance();
    }
    if (out.isNull())
        return std::nullopt;
    out += QByteArrayView(json).sliced(copiedUpTo);
    return out;
}

QByteArray jsonStringLiteral(const QString &text)
{
    QByteArray array = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2); // strip '[' and ']'
}

} // namespace aisbf::protocol
