// SPDX-License-Identifier: GPL-3.0-or-later
#include "RouteRef.h"

namespace aisbf::routing {

namespace {

struct Prefix
{
    QLatin1String text;
    RouteRef::Kind kind;
};

// Longest prefixes first so "user-provider/" is not read as provider "user-provider".
constexpr Prefix kPrefixes[] = {
    {QLatin1String("user-provider/"), RouteRef::Kind::UserProviderModel},
    {QLatin1String("user-rotation/"), RouteRef::Kind::UserRotation},
    {QLatin1String("user-autoselect/"), RouteRef::Kind::UserAutoselect},
    {QLatin1String("rotation/"), RouteRef::Kind::Rotation},
    {QLatin1String("autoselect/"), RouteRef::Kind::Autoselect},
};

RouteRef splitProviderModel(RouteRef::Kind kind, QStringView text)
{
    const qsizetype slash = text.indexOf(u'/');
    if (slash <= 0 || slash == text.size() - 1)
        return {};
    return {kind, text.left(slash).toString(), text.mid(slash + 1).toString()};
}

} // namespace

RouteRef RouteRef::parse(const QString &text)
{
    const QStringView view(text);
    if (view.trimmed().isEmpty())
        return {};
    for (const Prefix &prefix : kPrefixes) {
        if (!view.startsWith(prefix.text))
            continue;
        const QStringView rest = view.mid(prefix.text.size());
        if (rest.isEmpty())
            return {};
        if (prefix.kind == Kind::UserProviderModel)
            return splitProviderModel(prefix.kind, rest);
        return {prefix.kind, {}, rest.toString()};
    }
    if (view.contains(u'/'))
        return splitProviderModel(Kind::ProviderModel, view);
    return {Kind::Bare, {}, text};
}

QString RouteRef::toString() const
{
    switch (kind) {
    case Kind::Invalid:
        return {};
    case Kind::ProviderModel:
        return provider + u'/' + name;
    case Kind::Rotation:
        return QLatin1String("rotation/") + name;
    case Kind::Autoselect:
        return QLatin1String("autoselect/") + name;
    case Kind::UserProviderModel:
        return QLatin1String("user-provider/") + provider + u'/' + name;
    case Kind::UserRotation:
        return QLatin1String("user-rotation/") + name;
    case Kind::UserAutoselect:
        return QLatin1String("user-autoselect/") + name;
    case Kind::Bare:
        return name;
    }
    return {};
}

} // namespace aisbf::routing
