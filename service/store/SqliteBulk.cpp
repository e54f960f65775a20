// SPDX-License-Identifier: GPL-3.0-or-later
#include "SqliteBulk.h"

#include <QSqlDriver>

#include <sqlite3.h>

namespace aisbf::store {

namespace {

int bind(sqlite3_stmt *statement, int index, const QVariant &value)
{
    if (value.isNull())
        return sqlite3_bind_null(statement, index);
    switch (value.typeId()) {
    case QMetaType::Bool:
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
        return sqlite3_bind_int64(statement, index, value.toLongLong());
    case QMetaType::Double:
        return sqlite3_bind_double(statement, index, value.toDouble());
    case QMetaType::QByteArray: {
        const auto *bytes = static_cast<const QByteArray *>(value.constData());
        return sqlite3_bind_blob64(statement, index, bytes->constData(),
                                   sqlite3_uint64(bytes->size()), SQLITE_TRANSIENT);
    }
    default: {
        const QByteArray text = value.toString().toUtf8();
        return sqlite3_bind_text(statement, index, text.constData(), int(text.size()),
                                 SQLITE_TRANSIENT);
    }
    }
}

StoreError failure(sqlite3 *handle, int code)
{
    StoreError error;
    // The same kinds the QtSql path reports, so callers treat both alike.
    error.kind =
        (code & 0xff) == SQLITE_CONSTRAINT ? StoreError::Kind::Constraint : StoreError::Kind::Query;
    error.message = QStringLiteral("a statement failed");
    error.sqlError = QString::fromUtf8(sqlite3_errmsg(handle));
    return error;
}

} // namespace

std::optional<Result<qint64>> sqliteExecRows(QSqlDatabase &db, const QString &sql,
                                             qsizetype rowCount, const SqliteRowBinder &bindRow)
{
    const QVariant handleValue = db.driver() ? db.driver()->handle() : QVariant();
    if (!handleValue.isValid() || qstrcmp(handleValue.typeName(), "sqlite3*") != 0)
        return std::nullopt;
    sqlite3 *handle = *static_cast<sqlite3 *const *>(handleValue.constData());
    if (!handle)
        return std::nullopt;
    sqlite3_stmt *statement = nullptr;
    const QByteArray text = sql.toUtf8();
    if (const int code =
            sqlite3_prepare_v2(handle, text.constData(), int(text.size()), &statement, nullptr);
        code != SQLITE_OK)
        return Result<qint64>(failure(handle, code));
    qint64 affected = 0;
    for (qsizetype row = 0; row < rowCount; ++row) {
        int code = bindRow(statement, row);
        if (code == SQLITE_OK)
            code = sqlite3_step(statement);
        if (code != SQLITE_DONE) {
            StoreError error = failure(handle, code);
            sqlite3_finalize(statement);
            return Result<qint64>(std::move(error));
        }
        affected += sqlite3_changes(handle);
        sqlite3_reset(statement); // every parameter is bound again for the next row
    }
    sqlite3_finalize(statement);
    return Result<qint64>(affected);
}

std::optional<Result<qint64>> sqliteExecEach(QSqlDatabase &db, const QString &sql,
                                             const QList<QVariantList> &rows)
{
    return sqliteExecRows(db, sql, rows.size(), [&rows](sqlite3_stmt *statement, qsizetype row) {
        const QVariantList &values = rows.at(row);
        sqlite3_clear_bindings(statement); // a short row leaves the rest NULL
        int code = SQLITE_OK;
        for (qsizetype i = 0; i < values.size() && code == SQLITE_OK; ++i)
            code = bind(statement, int(i) + 1, values.at(i));
        return code;
    });
}

} // namespace aisbf::store
