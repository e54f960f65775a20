#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# What an autoselect policy adds to a request, end to end: one gateway, request/response at
# concurrency 1, rounds alternating between a rotation called directly and policies over it that
# decide locally (no selection model): one route left, and a BM25 match among three with the
# privacy check on. Also the pieces alone (aisbf-autoselect-bench).
#
# usage: tests/bench/autoselect-rr.sh [BUILD_DIR] (default ./build-release)
# env:   ROUNDS=6, RR_SECONDS=3
set -euo pipefail

BUILD_DIR=${1:-./build-release}
ROUNDS=${ROUNDS:-6}
RR_SECONDS=${RR_SECONDS:-3}
LOADGEN=$BUILD_DIR/tests/bench/aisbf-loadgen
MOCK=$BUILD_DIR/tests/support/aisbf-mock-upstream
GATEWAY=$BUILD_DIR/service/aisbf-gateway
# shellcheck source=bench-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
bench_workdir autoselect


start_mock "$MOCK" "$WORK"
PIDS+=("$MOCK_PID")
port=$(free_port)
gateway_config "$WORK/gw" "$port" false
cat >"$WORK/gw/rotations.json" <<'JSON'
{"rotations":{"r":{"providers":[{"provider_id":"mock","model":"m"}]},
              "s":{"providers":[{"provider_id":"mock","model":"m"}]},
              "t":{"providers":[{"provider_id":"mock","model":"m"}]}}}
JSON
cat >"$WORK/gw/autoselect.json" <<'JSON'
{"one":{"available_models":[{"model_id":"rotation/r","description":"everything"}]},
 "semantic":{"classify_privacy":true,"classify_semantic":true,"fallback":"rotation/r",
   "available_models":[
     {"model_id":"rotation/r","description":"Private code, logs, secrets, customer data.","privacy":true},
     {"model_id":"rotation/s","description":"GPU-heavy long refactors of build scripts."},
     {"model_id":"rotation/t","description":"Fast hosted answers to trivia questions."}]}}
JSON
QT_NO_GLIB=1 "$GATEWAY" --config-dir "$WORK/gw" >"$WORK/gw/log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
URL=http://127.0.0.1:$port/api/v1/chat/completions
PROMPT="a long GPU-heavy refactor of the build scripts, please"
for name in rotation/r autoselect/one autoselect/semantic; do
    printf '{"model":"%s","messages":[{"role":"user","content":"%s"}]}' "$name" "$PROMPT" \
        >"$WORK/${name//\//_}.json"
done

RESULTS=$WORK/results
for round in $(seq "$ROUNDS"); do
    for name in rotation/r autoselect/one autoselect/semantic; do
        rr_row "$LOADGEN" "$round" "$name" "$URL" "$WORK/${name//\//_}.json" "$RR_SECONDS" |
            tee -a "$RESULTS"
    done
done
python3 "$(dirname "${BASH_SOURCE[0]}")/rr-medians.py" "$RESULTS"
echo
"$BUILD_DIR/tests/bench/aisbf-autoselect-bench"
