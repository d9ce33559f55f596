#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster for the tests: initdb in a temporary folder, listening on 127.0.0.1
# only on a free port, trusting the local user `samlgate` without a password, fsync off
# (SAMLGATE_TEST_PG_FSYNC=on keeps it on: for the benchmark, which should pay for durable commits).
#   scripts/test-postgres.sh start FOLDER   # prints the maintenance URL (postgresql://samlgate@127.0.0.1:PORT/postgres)
#   scripts/test-postgres.sh stop FOLDER    # stops it and removes FOLDER
#   scripts/test-postgres.sh halt FOLDER    # stops the server, keeping its data (an outage)
#   scripts/test-postgres.sh resume FOLDER  # starts it again on the same port
# initdb refuses to run as root: as root the server runs as `nobody`, who owns FOLDER.
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
action="${1:?start or stop}"
folder="${2:?a folder for the cluster}"
fsync="${SAMLGATE_TEST_PG_FSYNC:-off}"
if [[ "$fsync" != on && "$fsync" != off ]]; then
    echo "error: SAMLGATE_TEST_PG_FSYNC must be on or off, not '$fsync'" >&2
    exit 2
fi

as_owner() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u nobody -- "$@"; else "$@"; fi
}

start_server() {
    as_owner "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w start \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $folder -c fsync=$fsync -c max_connections=300" >/dev/null
}

case "$action" in
start)
    if [[ ! -x "$bin/initdb" ]]; then
        echo "error: PostgreSQL 15 is not installed (no $bin/initdb): run scripts/install-deps.sh" >&2
        exit 1
    fi
    mkdir -p "$folder"
    chmod 700 "$folder"
    if [[ $(id -u) -eq 0 ]]; then chown nobody "$folder"; fi
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    as_owner "$bin/initdb" -D "$folder/data" -A trust -U samlgate -E UTF8 --locale=C --no-sync >"$folder/initdb.log"
    echo "$port" >"$folder/port"
    start_server
    echo "postgresql://samlgate@127.0.0.1:$port/postgres"
    ;;
halt)
    as_owner "$bin/pg_ctl" -D "$folder/data" -m fast -w stop >/dev/null
    ;;
resume)
    port="$(cat "$folder/port")"
    start_server
    ;;
stop)
    if [[ -d "$folder/data" ]]; then as_owner "$bin/pg_ctl" -D "$folder/data" -m fast -w stop >/dev/null || true; fi
    rm -rf "$folder"
    ;;
*)
    echo "usage: $0 start|stop|halt|resume FOLDER" >&2
    exit 2
    ;;
esac
