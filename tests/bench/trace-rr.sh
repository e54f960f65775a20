#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Which of the gateway's p99 requests overlap a usage write? A run of rr c=1 through a gateway
# that records usage, with both sides traced on one clock (CLOCK_MONOTONIC): aisbf-loadgen
# --trace writes each request's start and latency, the gateway's usage writer each write's
# start and ends (AISBF_USAGE_TRACE, saved at exit); tail-overlap.py lines them up. Unlike an
# A/B of p99 medians, this answers within one run, so the VM's hour-to-hour noise drops out.
#
# usage: tests/bench/trace-rr.sh [GATEWAY_BINARY] [SECONDS] [PRELOAD_SECONDS_AT_C64]
#   e.g. tests/bench/trace-rr.sh build-release/service/aisbf-gateway 15
# env:   BUILD_DIR=./build-release (mock, load generator), KEEP_WORK=1 (keep the traces)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD_DIR=${BUILD_DIR:-./build-release}
GATEWAY=${1:-$BUILD_DIR/service/aisbf-gateway}
SECONDS_TRACED=${2:-15}
PRELOAD=${3:-0}
LOADGEN=$BUILD_DIR/tests/bench/aisbf-loadgen
MOCK=$BUILD_DIR/tests/support/aisbf-mock-upstream
for tool in "$GATEWAY" "$LOADGEN" "$MOCK"; do
    [[ -x $tool ]] || { echo "missing $tool (build the tree first)" >&2; exit 2; }
done
# shellcheck source=bench-lib.sh
source "$HERE/bench-lib.sh"
bench_workdir trace
start_mock "$MOCK" "$WORK"
PIDS+=("$MOCK_PID")
PORT=$(free_port)
gateway_config "$WORK/config" "$PORT" true
AISBF_USAGE_TRACE=$WORK/writes.trace QT_NO_GLIB=1 "$GATEWAY" --config-dir "$WORK/config" \
    >"$WORK/gateway.log" 2>&1 &
GATEWAY_PID=$!
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/health" && break; sleep 0.05; done
echo '{"model":"mock/m","messages":[{"role":"user","content":"ping"}]}' >"$WORK/body.json"
URL=http://127.0.0.1:$PORT/api/v1/chat/completions

if [[ $PRELOAD != 0 ]]; then # the state a full benchmark leaves: a database with rows, a warm heap
    "$LOADGEN" --mode rr --url "$URL" --body-file "$WORK/body.json" --concurrency 64 \
        --duration "$PRELOAD" >/dev/null
fi
"$LOADGEN" --mode rr --url "$URL" --body-file "$WORK/body.json" --concurrency 1 \
    --duration "$SECONDS_TRACED" --warmup 1 --trace "$WORK/requests.trace"
kill -TERM "$GATEWAY_PID"
wait "$GATEWAY_PID" || true # SIGTERM drains, stops the writer, which saves its trace
python3 "$HERE/tail-overlap.py" "$WORK/requests.trace" "$WORK/writes.trace"
