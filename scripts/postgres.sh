#!/usr/bin/env bash
# A throwaway PostgreSQL server for the score-store tests, from Debian's package.
#
#   scripts/postgres.sh install           install Debian's postgresql when no server is found
#   scripts/postgres.sh start DIR [PORT]  install if needed, init DIR, start on 127.0.0.1:PORT,
#                                         create database churn_test, print its SQLAlchemy URL
#   scripts/postgres.sh stop DIR          stop the server started in DIR
#
# Exits non-zero with one line on stderr saying why when the server cannot be had; the
# tests turn that line into their skip reason.
set -euo pipefail

die() { echo "postgres.sh: $*" >&2; exit 3; }

bindir() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -n "$found" && -x "$found/initdb" ]]; then echo "$found"; return; fi
    if command -v initdb >/dev/null; then dirname "$(command -v initdb)"; return; fi
    return 1
}

install() {
    bindir >/dev/null && return 0
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        sudo -n true 2>/dev/null || die "no PostgreSQL server installed and no root to install it (apt-get install postgresql)"
        sudo=(sudo -n)
    fi
    command -v apt-get >/dev/null || die "no PostgreSQL server installed and no apt-get to install it"
    echo "postgres.sh: installing Debian's postgresql" >&2
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends \
        postgresql >/dev/null 2>&1 \
        || { "${sudo[@]}" apt-get update -q >/dev/null 2>&1 \
             && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q \
                --no-install-recommends postgresql >/dev/null 2>&1; } \
        || die "apt-get install postgresql failed"
    bindir >/dev/null || die "postgresql installed but no initdb found"
}

# PostgreSQL refuses to run as root: as root, run its tools as the package's postgres user.
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || die "running as root and there is no postgres user"
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

start() {
    local dir=${1:?usage: postgres.sh start DIR [PORT]} port=${2:-54329} bin
    install
    bin=$(bindir)
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres "$dir"
    if [[ ! -f "$dir/data/PG_VERSION" ]]; then
        as_owner "$bin/initdb" -D "$dir/data" -U churn --auth=trust --encoding=UTF8 \
            >"$dir/initdb.log" 2>&1 || die "initdb failed: $(tail -n 1 "$dir/initdb.log")"
    fi
    if ! as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" start >/dev/null \
            || die "server did not start: $(tail -n 1 "$dir/server.log" 2>/dev/null)"
    fi
    as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U churn -d postgres -tAq \
        -c "SELECT 1 FROM pg_database WHERE datname = 'churn_test'" | grep -q 1 \
        || as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U churn churn_test \
        || die "could not create database churn_test"
    echo "postgresql+psycopg://churn@127.0.0.1:$port/churn_test"
}

stop() {
    local dir=${1:?usage: postgres.sh stop DIR} bin
    bin=$(bindir) || exit 0
    [[ -f "$dir/data/PG_VERSION" ]] || exit 0
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

case "${1:-}" in
    install) install ;;
    start) shift; start "$@" ;;
    stop) shift; stop "$@" ;;
    *) echo "usage: $0 install | start DIR [PORT] | stop DIR" >&2; exit 2 ;;
esac
