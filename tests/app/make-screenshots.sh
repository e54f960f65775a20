#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Regenerates resources/screenshots/<page>.png for the README: builds aisbf-gateway,
# aisbf-control and the end-to-end test, which starts a gateway on a temp config whose providers
# are mock upstreams (one rotation entry failing, so the graph shows a cooldown), sends traffic
# and renders every page offscreen at 1280x800.
#   tests/app/make-screenshots.sh [BUILD_DIR]     (default: build-screenshots/ in the repo)
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$repo/build-screenshots}
out=$repo/resources/screenshots

cmake -S "$repo" -B "$build" -G Ninja >/dev/null
cmake --build "$build" --target aisbf-gateway aisbf-control tst_control_e2e
mkdir -p "$out"
AISBF_SCREENSHOT_DIR=$out QT_QPA_PLATFORM=offscreen QT_NO_GLIB=1 \
    "$build/tests/app/tst_control_e2e" screenshots
ls -l "$out"/*.png
