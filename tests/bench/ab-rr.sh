#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Interleaved A/B of gateway variants at request/response, concurrency 1: the tool for "did this
# change move p50/p99?" on a noisy machine, where only rounds run side by side can be compared.
#
# usage: tests/bench/ab-rr.sh ROUNDS NAME=BINARY[,usage-off] [NAME=BINARY[,usage-off] ...]
#   e.g. tests/bench/ab-rr.sh 8 before=/tmp/gw-before after=build-release/service/aisbf-gateway \
#        after-bare=build-release/service/aisbf-gateway,usage-off
# env:   BUILD_DIR=./build-release (for the mock and the load generator), RR_SECONDS=3
# Prints one line per round and variant ("round name p50 p90 p99 errors"), then the medians.
set -euo pipefail

ROUNDS=${1:?rounds}
shift
[[ $# -ge 1 ]] || { echo "give at least one NAME=BINARY" >&2; exit 2; }
BUILD_DIR=${BUILD_DIR:-./build-release}
RR_SECONDS=${RR_SECONDS:-3}
LOADGEN=$BUILD_DIR/tests/bench/aisbf-loadgen
MOCK=$BUILD_DIR/tests/support/aisbf-mock-upstream
# shellcheck source=bench-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
bench_workdir ab
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

wait_port() { # wait_port PORT
    local i
    for i in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "nothing listens on port $1" >&2
    return 1
}

start_mock "$MOCK" "$WORK"
PIDS+=("$MOCK_PID")
echo '{"model":"mock/m","messages":[{"role":"user","content":"ping"}]}' >"$WORK/body.json"

declare -A URL
NAMES=()
for spec in "$@"; do
    name=${spec%%=*}
    rest=${spec#*=}
    binary=${rest%%,*}
    usage=true
    [[ $rest == *,usage-off ]] && usage=false
    [[ -x $binary ]] || { echo "$name: $binary is not an executable" >&2; exit 2; }
    dir=$WORK/$name
    port=$(free_port)
    gateway_config "$dir" "$port" "$usage"
    QT_NO_GLIB=1 "$binary" --config-dir "$dir" >"$dir/log" 2>&1 &
    PIDS+=($!)
    wait_port "$port"
    URL[$name]=http://127.0.0.1:$port/api/v1/chat/completions
    NAMES+=("$name")
done

RESULTS=$WORK/results
for round in $(seq "$ROUNDS"); do
    for name in "${NAMES[@]}"; do
        rr_row "$LOADGEN" "$round" "$name" "${URL[$name]}" "$WORK/body.json" "$RR_SECONDS" |
            tee -a "$RESULTS"
    done
done
python3 "$(dirname "${BASH_SOURCE[0]}")/rr-medians.py" "$RESULTS"
