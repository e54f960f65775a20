#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Gateway benchmark: the same load against the mock upstream directly, through nginx (the
# reference C proxy) and through aisbf-gateway, all on loopback, rounds interleaved.
#
# usage: tests/bench/run-bench.sh [BUILD_DIR]        (builds nothing)
# env:   BUILD_DIR=./build ROUNDS=5 RR_SECONDS=3 WARMUP_SECONDS=1 STREAMS=1000
#        STREAM_CHUNKS=64 STREAM_INTERVAL_MS=20 STALL_MS=100
#        MODES="rr1 rr64 stream" (a subset runs only those measurements, e.g. MODES=rr1)
#        TARGETS="direct nginx gateway gateway-anthropic"
#        (also: gateway-bare = usage not recorded; gateway-auth = auth on, a user's token with
#        tier limits, usage recorded: the control plane's cost is gateway-auth - gateway-bare)
#        (gateway-anthropic: the same gateway, to a provider of type anthropic on the same mock,
#        so every request and chunk is translated OpenAI -> Anthropic -> OpenAI)
#        (gateway-b: as gateway, from the binary GATEWAY_B: an A/B of two builds under every
#        mode, e.g. GATEWAY_B=/tmp/aisbf-gateway-before TARGETS="direct nginx gateway gateway-b")
#        LOADGEN=... MOCK=... GATEWAY=... NGINX=nginx KEEP_WORK=1 (keep the temp dir and logs)
set -euo pipefail

BUILD_DIR=${1:-${BUILD_DIR:-./build}}
ROUNDS=${ROUNDS:-5}
RR_SECONDS=${RR_SECONDS:-3}
WARMUP_SECONDS=${WARMUP_SECONDS:-1}
STREAMS=${STREAMS:-1000}
STREAM_CHUNKS=${STREAM_CHUNKS:-64}
STREAM_INTERVAL_MS=${STREAM_INTERVAL_MS:-20}
STALL_MS=${STALL_MS:-100}
TARGETS=${TARGETS:-"direct nginx gateway gateway-anthropic"}
MODES=${MODES:-"rr1 rr64 stream"}
LOADGEN=${LOADGEN:-$BUILD_DIR/tests/bench/aisbf-loadgen}
MOCK=${MOCK:-$BUILD_DIR/tests/support/aisbf-mock-upstream}
GATEWAY=${GATEWAY:-$BUILD_DIR/service/aisbf-gateway}
NGINX=${NGINX:-nginx}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

WORK=$(mktemp -d /tmp/aisbf-bench.XXXXXX)
PIDS=()

log() { echo "[bench] $*" >&2; }

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [[ ${KEEP_WORK:-0} == 1 ]]; then log "logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_port PORT PID NAME: until PORT accepts connections, or fail if PID died / 15 s passed.
wait_port() {
    for _ in $(seq 150); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        kill -0 "$2" 2>/dev/null || { log "$3 exited during start-up"; return 1; }
        sleep 0.1
    done
    log "$3 did not listen on port $1"
    return 1
}

for tool in "$LOADGEN" "$MOCK"; do
    [[ -x $tool ]] || { log "missing $tool (build the tree first, or set LOADGEN/MOCK)"; exit 2; }
done
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# Everything shares the CPU with the load generator; other busy processes skew the figures.
log "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"

# --- mock upstream -------------------------------------------------------------------------
# The stream shape is also the mock's default, so it holds even if a proxy drops X-Mock-* headers.
QT_NO_GLIB=1 "$MOCK" --host 127.0.0.1 --port 0 --models m \
    --chunks "$STREAM_CHUNKS" --interval-ms "$STREAM_INTERVAL_MS" >"$WORK/mock.out" 2>"$WORK/mock.err" &
MOCK_PID=$!
PIDS+=("$MOCK_PID")
for _ in $(seq 100); do grep -q '^listening' "$WORK/mock.out" && break; sleep 0.05; done
MOCK_PORT=$(awk '/^listening/ {print $2}' "$WORK/mock.out")
[[ -n $MOCK_PORT ]] || { log "mock upstream did not start: $(cat "$WORK/mock.err")"; exit 1; }
log "mock upstream on port $MOCK_PORT (pid $MOCK_PID)"

declare -A URL_BASE=([direct]="http://127.0.0.1:$MOCK_PORT/v1")
declare -A SERVER_PID=()

# --- nginx -----------------------------------------------------------------------------------
start_nginx() {
    local port dir=$WORK/nginx user_line=""
    port=$(free_port)
    mkdir -p "$dir/tmp"
    [[ $(id -u) == 0 ]] && user_line="user root root;"
    cat >"$dir/nginx.conf" <<CONF
$user_line
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile 16384;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 8192; }
http {
    access_log off;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    keepalive_requests 1000000;
    upstream mock {
        server 127.0.0.1:$MOCK_PORT;
        keepalive 128;
        keepalive_requests 1000000;
    }
    server {
        listen 127.0.0.1:$port;
        location / {
            proxy_pass http://mock;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
        }
    }
}
CONF
    "$NGINX" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" &
    local pid=$!
    PIDS+=("$pid")
    wait_port "$port" "$pid" nginx || return 1
    URL_BASE[nginx]="http://127.0.0.1:$port/v1"
    # Measure the worker, not the master.
    local worker=""
    for _ in $(seq 50); do
        worker=$(pgrep -P "$pid" | head -n1 || true)
        [[ -n $worker ]] && break
        sleep 0.1
    done
    SERVER_PID[nginx]=${worker:-$pid}
    log "nginx on port $port (master $pid)"
}

# --- gateway ---------------------------------------------------------------------------------
# start_gateway NAME: "gateway" as shipped (auth off, usage recorded), "gateway-bare" (usage
# not recorded: the gateway alone), "gateway-auth" (auth on; a user's token whose tier has
# limits, so every request is authenticated, rate-limited and recorded).
declare -A AUTH_HEADER
start_gateway() {
    local name=$1 port dir=$WORK/$1-config auth=false usage=true
    [[ $name == gateway-bare ]] && usage=false
    [[ $name == gateway-auth ]] && auth=true
    port=$(free_port)
    mkdir -p "$dir"
    cat >"$dir/aisbf.json" <<JSON
{"server":{"host":"127.0.0.1","port":$port},"auth":{"enabled":$auth,"tokens":["bench-operator-token"]},
 "database":{"type":"sqlite","sqlite_path":"$dir/aisbf.db"},"cache":{"type":"memory"},
 "usage":{"record":$usage}}
JSON
    cat >"$dir/providers.json" <<JSON
{"providers":{"mock":{"id":"mock","type":"openai","endpoint":"http://127.0.0.1:$MOCK_PORT/v1",
 "api_key_required":false,"models":[{"name":"m"}]},
 "mockan":{"id":"mockan","type":"anthropic","endpoint":"http://127.0.0.1:$MOCK_PORT/v1",
 "api_key_required":false,"models":[{"name":"m"}]}}}
JSON
    echo '{"rotations":{}}' >"$dir/rotations.json"
    echo '{}' >"$dir/autoselect.json"
    local binary=$GATEWAY
    [[ $name == gateway-b ]] && binary=${GATEWAY_B:?GATEWAY_B: the second gateway binary}
    QT_NO_GLIB=1 "$binary" --config-dir "$dir" --host 127.0.0.1 --port "$port" \
        >"$WORK/$name.log" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    if ! wait_port "$port" "$pid" "$name"; then
        tail -n 20 "$WORK/$name.log" >&2
        return 1
    fi
    URL_BASE[$name]="http://127.0.0.1:$port/api/v1"
    SERVER_PID[$name]=$pid
    if [[ $name == gateway-auth ]]; then
        # Limits high enough never to refuse the benchmark, but checked on every request.
        local admin=(-sf -H 'Authorization: Bearer bench-operator-token')
        local api="http://127.0.0.1:$port/api/admin" token
        curl "${admin[@]}" -o /dev/null "$api/tiers" -d '{"name":"bench","requests_per_minute":100000000,"requests_per_day":1000000000,"requests_per_month":1000000000,"tokens_per_minute":1000000000}' &&
            curl "${admin[@]}" -o /dev/null "$api/users" -d '{"username":"bench","password":"bench-password-long","tier_id":1}' &&
            token=$(curl "${admin[@]}" "$api/users/bench/tokens" -d '{"name":"bench","requests_per_minute":100000000}' |
                python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])') || {
            log "$name: could not create the bench user and token"
            return 1
        }
        AUTH_HEADER[$name]="Authorization: Bearer $token"
    fi
    log "$name on port $port (pid $pid)"
}

ACTIVE=()
for target in $TARGETS; do
    case $target in
    direct) ACTIVE+=(direct) ;;
    nginx) if start_nginx; then ACTIVE+=(nginx); else log "nginx failed to start: skipped"; fi ;;
    gateway-anthropic)
        if [[ -n ${SERVER_PID[gateway]:-} ]]; then
            URL_BASE[gateway-anthropic]=${URL_BASE[gateway]}
            SERVER_PID[gateway-anthropic]=${SERVER_PID[gateway]}
            ACTIVE+=(gateway-anthropic)
        else
            log "gateway-anthropic needs the gateway target before it: skipped"
        fi
        ;;
    gateway | gateway-b | gateway-bare | gateway-auth)
        if [[ ! -x $GATEWAY ]]; then
            log "gateway binary not found at $GATEWAY: running direct + nginx only"
        elif start_gateway "$target"; then
            ACTIVE+=("$target")
        else
            log "$target failed to start: skipped"
        fi
        ;;
    *) log "unknown target $target"; exit 2 ;;
    esac
done

body() { # body MODEL STREAM
    printf '{"model":"%s",%s"messages":[{"role":"user","content":"ping"}]}' "$1" \
        "$([[ $2 == 1 ]] && echo '"stream":true,')"
}
for target in "${ACTIVE[@]}"; do
    model=m
    [[ $target == gateway* ]] && model=mock/m
    [[ $target == gateway-anthropic ]] && model=mockan/m
    body "$model" 0 >"$WORK/$target.rr.json"
    body "$model" 1 >"$WORK/$target.stream.json"
    # A first request proves the path works before anything is timed.
    if ! curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' \
        ${AUTH_HEADER[$target]:+-H "${AUTH_HEADER[$target]}"} --data-binary "@$WORK/$target.rr.json" "${URL_BASE[$target]}/chat/completions"; then
        log "warning: a first request through $target failed; its figures will show errors"
    fi
done

RESULTS=$WORK/results.txt
: >"$RESULTS"

run_rr() { # run_rr TARGET ROUND CONCURRENCY
    local out
    local auth=()
    [[ -n ${AUTH_HEADER[$1]:-} ]] && auth=(--header "${AUTH_HEADER[$1]}")
    out=$("$LOADGEN" --mode rr --url "${URL_BASE[$1]}/chat/completions" "${auth[@]}" \
        --body-file "$WORK/$1.rr.json" --concurrency "$3" \
        --duration "$RR_SECONDS" --warmup "$WARMUP_SECONDS")
    echo "$1 rr$3 $2 $out" >>"$RESULTS"
    log "round $2 $1 rr c=$3: $out"
}

# rss_sampler PID FILE: peak VmRSS (kB) while running; VmHWM is added when stopped.
rss_sampler() {
    local peak=0 rss
    while kill -0 "$1" 2>/dev/null; do
        rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0)
        # Written aside and renamed: killed halfway, the sampler must not leave an empty file.
        ((rss > peak)) && peak=$rss && echo "$peak" >"$2.new" && mv -f "$2.new" "$2"
        sleep 0.1
    done
}

run_stream() { # run_stream TARGET ROUND
    local out sampler="" pid=${SERVER_PID[$1]:-} rss_kb=0 hwm_kb=0
    if [[ -n $pid ]]; then
        echo 0 >"$WORK/rss"
        rss_sampler "$pid" "$WORK/rss" &
        sampler=$!
    fi
    local auth=()
    [[ -n ${AUTH_HEADER[$1]:-} ]] && auth=(--header "${AUTH_HEADER[$1]}")
    out=$("$LOADGEN" --mode stream --streams "$STREAMS" --url "${URL_BASE[$1]}/chat/completions" \
        "${auth[@]}" \
        --body-file "$WORK/$1.stream.json" --header "X-Mock-Chunks: $STREAM_CHUNKS" \
        --header "X-Mock-Interval-Ms: $STREAM_INTERVAL_MS" --header 'Accept: text/event-stream' \
        --expect-events "$STREAM_CHUNKS" --stall-ms "$STALL_MS")
    if [[ -n $sampler ]]; then
        kill "$sampler" 2>/dev/null || true
        wait "$sampler" 2>/dev/null || true
        rss_kb=$(cat "$WORK/rss" 2>/dev/null)
        rss_kb=${rss_kb:-0}
        hwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    fi
    echo "$1 stream $2 ${out%\}},\"rss_kb\":$rss_kb,\"hwm_kb\":$hwm_kb}" >>"$RESULTS"
    log "round $2 $1 stream: $out rss=${rss_kb}kB hwm=${hwm_kb}kB"
}

# The order within a round turns by one place each round (direct stays first: it is the
# baseline the others are measured against), so that a target's place is not a constant bias:
# in session 11, gateway variants that swapped places between runs moved by 20-40 µs in p99.
ORDER=()
for target in "${ACTIVE[@]}"; do [[ $target != direct ]] && ORDER+=("$target"); done
for round in $(seq "$ROUNDS"); do
    shift_by=$(((round - 1) % (${#ORDER[@]} > 0 ? ${#ORDER[@]} : 1)))
    ROUND_ORDER=("${ORDER[@]:$shift_by}" "${ORDER[@]:0:$shift_by}")
    [[ " ${ACTIVE[*]} " == *" direct "* ]] && ROUND_ORDER=(direct "${ROUND_ORDER[@]}")
    log "round $round order: ${ROUND_ORDER[*]}"
    [[ " $MODES " == *" rr1 "* ]] && for target in "${ROUND_ORDER[@]}"; do run_rr "$target" "$round" 1; done
    [[ " $MODES " == *" rr64 "* ]] && for target in "${ROUND_ORDER[@]}"; do run_rr "$target" "$round" 64; done
    [[ " $MODES " == *" stream "* ]] && for target in "${ROUND_ORDER[@]}"; do run_stream "$target" "$round"; sleep 1; done
done

log "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$HERE/bench-report.py" "$RESULTS" "$STREAMS" "${ACTIVE[@]}"
