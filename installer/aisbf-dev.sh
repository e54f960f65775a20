#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# One entry point for a fresh Debian 12 machine:
#   installer/aisbf-dev.sh run    install what is missing, build, start the gateway
#                                 (embedded default config: SQLite, memory cache, 127.0.0.1:17765)
#   installer/aisbf-dev.sh test   install what is missing, build, run every test (ctest) with a
#                                 throwaway MariaDB and Redis (installer/test-servers.sh) for
#                                 the store tests; both are stopped when ctest ends
#   installer/aisbf-dev.sh bench  install what is missing, build, run the benchmark
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${AISBF_BUILD_DIR:-"$here/build"}

packages=(
    build-essential cmake ninja-build pkg-config
    qt6-base-dev
    libqt6sql6-sqlite libsqlite3-dev libhttp-parser-dev libssl-dev libhiredis-dev
    libqt6sql6-mysql curl
    # aisbf-control (the desktop app): Qt Quick, Controls, Charts and their QML modules
    qt6-declarative-dev qt6-charts-dev
    qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
    qml6-module-qtquick-templates qml6-module-qtquick-window qml6-module-qtqml-workerscript
    qml6-module-qtqml qml6-module-qtqml-models qml6-module-qtcharts qml6-module-qtquick-shapes
    qml6-module-qtcore qml6-module-qttest
)
bench_packages=(nginx-light)
# The store tests run every case on SQLite and on MariaDB; the cluster code talks to Redis.
test_packages=(
    mariadb-server redis-server
    libqt6sql6-mysql libqt6sql6-sqlite
)
sdk_dir="$here/tests/sdk"

need_sudo() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_packages() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "installing: ${missing[*]}"
        need_sudo apt-get update -qq
        need_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
}

# The SDK conformance tests run the official npm clients (openai, @anthropic-ai/sdk, ollama)
# with Node.js; Debian's nodejs (18) is enough. npm ci installs exactly the lock file.
install_sdk_clients() {
    command -v node >/dev/null && command -v npm >/dev/null || install_packages nodejs npm
    local stamp="$sdk_dir/node_modules/.package-lock.json"
    if [ ! -f "$stamp" ] || [ "$sdk_dir/package-lock.json" -nt "$stamp" ]; then
        (cd "$sdk_dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
}

build() {
    cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${1:-RelWithDebInfo}" >/dev/null
    cmake --build "$build_dir" --parallel "$(nproc)"
}

case "${1:-}" in
run)
    install_packages "${packages[@]}"
    build
    shift
    exec "$build_dir/service/aisbf-gateway" "$@"
    ;;
test)
    install_packages "${packages[@]}" "${test_packages[@]}"
    install_sdk_clients
    build
    # Throwaway servers, as the current user, on free ports; a short path for the MySQL socket.
    servers_dir=$(mktemp -d "${TMPDIR:-/tmp}/aisbf-servers.XXXXXX")
    trap '"$here/installer/test-servers.sh" stop "$servers_dir"' EXIT
    "$here/installer/test-servers.sh" start "$servers_dir" >/dev/null
    eval "$("$here/installer/test-servers.sh" env "$servers_dir")"
    # QT_NO_GLIB: the gateway's own choice of event dispatcher, so tests run what ships.
    QT_NO_GLIB=1 QT_QPA_PLATFORM=offscreen ctest --test-dir "$build_dir" --output-on-failure \
        --timeout 300
    ;;
bench)
    install_packages "${packages[@]}" "${bench_packages[@]}"
    build_dir=${AISBF_BUILD_DIR:-"$here/build-release"}
    build Release
    BUILD_DIR="$build_dir" "$here/tests/bench/run-bench.sh"
    ;;
*)
    echo "usage: $0 run [gateway flags] | test | bench" >&2
    exit 64
    ;;
esac
