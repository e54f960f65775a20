// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace aisbf::control {

/**
 * Secrets in config documents as the admin API shows them: every string under a secret-named
 * key ("api_key", "tokens", "*_tokens" but max_*, "*password*", "*secret*", "*_token",
 * "private_key"), however deep below it, is masked to
 * "…" + its last 4 characters ("…" alone when shorter than 12), so a screen or a log of the
 * document gives nothing away. "$VAR" references and empty values are not secrets and stay.
 */
namespace secrets {

/** Whether a value under @p key is a secret. */
bool isSecretKey(const QString &key);
/** "…abcd" for a long secret, "…" for a short one, @p value itself for "$VAR" or "". */
QString mask(const QString &value);
/** @p document with every secret masked. */
QJsonObject masked(const QJsonObject &document);

/**
 * @p incoming with each masked secret put back from @p current, so a document read from the
 * API, edited and sent back keeps the secrets it did not touch. A masked value that matches no
 * current secret at that place is listed in @p unmatched (as a JSON pointer) and left as is.
 */
QJsonObject unmasked(const QJsonObject &incoming, const QJsonObject &current,
                     QStringList *unmatched);

} // namespace secrets

} // namespace aisbf::control
