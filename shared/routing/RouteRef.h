// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace aisbf::routing {

/** What a "model" string names, by syntax alone (resolution against config happens later). */
struct RouteRef
{
    enum class Kind
    {
        Invalid,
        ProviderModel,     ///< "provider/model" (model may itself contain '/')
        Rotation,          ///< "rotation/name"
        Autoselect,        ///< "autoselect/name"
        UserProviderModel, ///< "user-provider/provider/model"
        UserRotation,      ///< "user-rotation/name"
        UserAutoselect,    ///< "user-autoselect/name"
        Bare,              ///< "name": a rotation or autoselect id, or a model of a given provider
    };

    Kind kind = Kind::Invalid;
    QString provider; ///< ProviderModel / UserProviderModel
    QString name;     ///< model name, rotation id or autoselect id

    static RouteRef parse(const QString &text);
    bool isValid() const { return kind != Kind::Invalid; }
    /** Canonical text form ("rotation/x", "p/m", ...). */
    QString toString() const;
};

} // namespace aisbf::routing
