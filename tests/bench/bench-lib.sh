# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by ab-rr.sh, trace-rr.sh and autoselect-rr.sh (sourced): a free port, the mock upstream,
# the config of a gateway in front of it, and one measured rr round.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_mock MOCK WORK: starts the zero-delay mock upstream; sets MOCK_PID and MOCK_PORT.
start_mock() {
    QT_NO_GLIB=1 "$1" --host 127.0.0.1 --port 0 --models m >"$2/mock.out" 2>/dev/null &
    MOCK_PID=$!
    for _ in $(seq 100); do grep -q '^listening' "$2/mock.out" 2>/dev/null && break; sleep 0.05; done
    MOCK_PORT=$(awk '/^listening/ {print $2}' "$2/mock.out")
    [[ -n $MOCK_PORT ]] || { echo "the mock upstream did not start" >&2; return 1; }
}

# gateway_config DIR PORT USAGE(true|false): a gateway on PORT with provider "mock" (model "m")
# pointing at MOCK_PORT, SQLite in DIR, usage recorded or not.
gateway_config() {
    mkdir -p "$1"
    cat >"$1/aisbf.json" <<JSON
{"server":{"host":"127.0.0.1","port":$2},"database":{"type":"sqlite","sqlite_path":"$1/aisbf.db"},
 "cache":{"type":"memory"},"usage":{"record":$3}}
JSON
    cat >"$1/providers.json" <<JSON
{"providers":{"mock":{"id":"mock","type":"openai","endpoint":"http://127.0.0.1:$MOCK_PORT/v1",
 "api_key_required":false,"models":[{"name":"m"}]}}}
JSON
    echo '{"rotations":{}}' >"$1/rotations.json"
    echo '{}' >"$1/autoselect.json"
}

# rr_row LOADGEN ROUND NAME URL BODY_FILE SECONDS: one request/response run at concurrency 1
# (1 s warm-up), printed as "ROUND NAME p50 p90 p99 errors" (microseconds).
rr_row() {
    "$1" --mode rr --url "$4" --body-file "$5" --concurrency 1 --duration "$6" --warmup 1 |
        python3 -c 'import json,sys; d=json.load(sys.stdin); print(sys.argv[1], sys.argv[2], d["p50_us"], d["p90_us"], d["p99_us"], d["errors"])' \
            "$2" "$3"
}

# bench_workdir NAME: a fresh temp directory in WORK and an empty PIDS; on exit the processes in
# PIDS are killed and WORK is removed (kept, and said so, when KEEP_WORK is set).
bench_workdir() {
    WORK=$(mktemp -d "/tmp/aisbf-$1.XXXXXX")
    PIDS=()
    trap bench_cleanup EXIT
}

bench_cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [[ -n ${KEEP_WORK:-} ]]; then echo "work files kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
