# SPDX-License-Identifier: GPL-3.0-or-later
# One INTERFACE target carries the language level, warnings and strict Qt defines for every target.
add_library(aisbf_options INTERFACE)
target_compile_features(aisbf_options INTERFACE cxx_std_20)
target_compile_options(aisbf_options INTERFACE -Wall -Wextra -Wpedantic -Wno-gnu-zero-variadic-macro-arguments)
target_compile_definitions(aisbf_options INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_FOREACH
    QT_USE_QSTRINGBUILDER
    QT_NO_KEYWORDS
    AISBF_VERSION="${PROJECT_VERSION}")
