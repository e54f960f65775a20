#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Throwaway MariaDB and Redis servers for the tests, run as the current user, with every file in
# one directory, listening on 127.0.0.1 only, on free ports:
#   installer/test-servers.sh start DIR   start both (DIR is created; keep its path short: the
#                                         MariaDB socket lives in it) and print the env lines
#   installer/test-servers.sh env DIR     print the env lines of the servers running from DIR
#   installer/test-servers.sh stop DIR    stop both and delete DIR
# The env lines are what the tests read:
#   AISBF_TEST_MYSQL="host=127.0.0.1;port=N;user=aisbf;password=P;database=aisbf_test"
#   AISBF_TEST_REDIS="127.0.0.1:N"
# The aisbf user may create and drop any database named aisbf_test*, so each test can use a
# fresh one. Nothing here is meant to outlive a test run: no persistence, no system service.
set -euo pipefail

marker=.aisbf-test-servers

usage() {
    echo "usage: $0 start|env|stop DIR" >&2
    exit 64
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# A port nobody listens on now; a server that loses the race fails to bind and start retries.
free_port() {
    local p
    for _ in $(seq 1 50); do
        p=$((20000 + RANDOM % 40000))
        port_in_use "$p" || { echo "$p"; return 0; }
    done
    echo "no free port found" >&2
    return 1
}

wait_for() { # wait_for SECONDS command...
    local deadline=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.2
    done
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start_mariadb() {
    local dir=$1 me
    me=$(id -un)
    mkdir -p "$dir/mysql/data" "$dir/mysql/tmp"
    mariadb-install-db --no-defaults --datadir="$dir/mysql/data" --user="$me" \
        --skip-test-db >"$dir/mysql/install.log" 2>&1 ||
        { cat "$dir/mysql/install.log" >&2; return 1; }
    local port attempt
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        # --user is needed to run as root and ignored (with a note in the log) otherwise.
        mariadbd --no-defaults --user="$me" --datadir="$dir/mysql/data" \
            --tmpdir="$dir/mysql/tmp" --socket="$dir/mysql/mysqld.sock" \
            --pid-file="$dir/mysql/mysqld.pid" --log-error="$dir/mysql/error.log" \
            --skip-networking=0 --bind-address=127.0.0.1 --port="$port" \
            --skip-name-resolve --skip-log-bin --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=2 \
            --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
            >/dev/null 2>&1 &
        echo $! >"$dir/mysql/mysqld.pid"
        if wait_for 60 mariadb-admin --no-defaults --protocol=socket \
            --socket="$dir/mysql/mysqld.sock" -u "$me" ping && port_in_use "$port"; then
            break
        fi
        kill "$(cat "$dir/mysql/mysqld.pid")" 2>/dev/null || true
        wait_for 30 bash -c "! kill -0 $(cat "$dir/mysql/mysqld.pid") 2>/dev/null" || true
        if [ "$attempt" -eq 5 ]; then
            echo "MariaDB did not start; its log:" >&2
            tail -n 30 "$dir/mysql/error.log" >&2
            return 1
        fi
    done
    local password
    password=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)
    # The OS user that runs the server is its superuser over the socket (unix_socket auth).
    mariadb --no-defaults --protocol=socket --socket="$dir/mysql/mysqld.sock" -u "$me" <<SQL
CREATE DATABASE aisbf_test CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER 'aisbf'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON \`aisbf\\_test%\`.* TO 'aisbf'@'127.0.0.1';
SQL
    echo "export AISBF_TEST_MYSQL='host=127.0.0.1;port=$port;user=aisbf;password=$password;database=aisbf_test'" \
        >>"$dir/env"
}

start_redis() {
    local dir=$1 port attempt
    mkdir -p "$dir/redis"
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
            --dir "$dir/redis" --logfile "$dir/redis/redis.log" \
            --pidfile "$dir/redis/redis.pid" --daemonize no >/dev/null 2>&1 &
        echo $! >"$dir/redis/redis.pid"
        if wait_for 20 redis-cli -h 127.0.0.1 -p "$port" ping; then
            break
        fi
        kill "$(cat "$dir/redis/redis.pid")" 2>/dev/null || true
        if [ "$attempt" -eq 5 ]; then
            echo "Redis did not start; its log:" >&2
            tail -n 30 "$dir/redis/redis.log" >&2
            return 1
        fi
    done
    echo "export AISBF_TEST_REDIS='127.0.0.1:$port'" >>"$dir/env"
}

stop_one() { # stop_one PIDFILE NAME
    alive "$1" || return 0
    local pid
    pid=$(cat "$1")
    kill "$pid" 2>/dev/null || true
    if ! wait_for 30 bash -c "! kill -0 $pid"; then
        echo "$2 ($pid) did not stop in 30 s; killing it" >&2
        kill -9 "$pid" 2>/dev/null || true
    fi
}

[ $# -eq 2 ] || usage
dir=$2

case "$1" in
start)
    if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ] && [ ! -f "$dir/$marker" ]; then
        echo "$dir exists and was not made by $0; give an empty or new directory" >&2
        exit 1
    fi
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    touch "$dir/$marker"
    : >"$dir/env"
    chmod 600 "$dir/env"
    # A failed start leaves nothing running.
    trap '"$0" stop "$dir" >/dev/null 2>&1 || true' ERR
    start_mariadb "$dir"
    start_redis "$dir"
    trap - ERR
    cat "$dir/env"
    ;;
env)
    [ -f "$dir/env" ] || { echo "no servers started in $dir" >&2; exit 1; }
    cat "$dir/env"
    ;;
stop)
    [ -d "$dir" ] || exit 0
    [ -f "$dir/$marker" ] || { echo "$dir was not made by $0; not touching it" >&2; exit 1; }
    stop_one "$dir/redis/redis.pid" redis-server
    stop_one "$dir/mysql/mysqld.pid" mariadbd
    rm -rf "$dir"
    ;;
*)
    usage
    ;;
esac
