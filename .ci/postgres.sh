# shellcheck shell=bash
# A throwaway PostgreSQL server on loopback for the server tests.
#
# Sourced by .ci/run: exports WORKBENCH_TEST_PG (a superuser URL) and stops the server when the
# sourcing shell exits. If WORKBENCH_TEST_PG already names a reachable server, that one is used.
# Run directly to start a server for a command and stop it afterwards:
#   bash .ci/postgres.sh python3 -m pytest -q tests/postgres
#   WB_PG_DURABLE=1 bash .ci/postgres.sh python3 benchmarks/bench_postgres.py   (fsync on)
#
# Works on a fresh Debian machine where `apt-get install postgresql` just ran: the cluster lives in
# a temp folder, owned by a non-root user (postgres refuses to run as root), with fsync off (a
# test server holds nothing worth a power cut) and password (scram) authentication on 127.0.0.1.

_wb_pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return; fi
  d=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
  if [ -x "$d/initdb" ]; then echo "$d"; return; fi
  echo "postgres.sh: no PostgreSQL binaries (apt-get install postgresql)" >&2
  return 1
}

_wb_pg_as() {  # run a command as the cluster's owner
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$_WB_PG_USER" -- "$@"
  else
    "$@"
  fi
}

_wb_pg_reachable() {
  [ -n "${WORKBENCH_TEST_PG:-}" ] || return 1
  local bin
  bin=$(_wb_pg_bin) || return 1
  "$bin/pg_isready" -q -t 3 -d "$WORKBENCH_TEST_PG" >/dev/null 2>&1
}

wb_pg_start() {
  if _wb_pg_reachable; then
    echo "postgres.sh: using the server at WORKBENCH_TEST_PG" >&2
    return 0
  fi
  local bin port pw started
  started=$(date +%s)
  bin=$(_wb_pg_bin) || return 1
  _WB_PG_USER=$(id -un)
  if [ "$(id -u)" = 0 ]; then
    _WB_PG_USER=postgres
    if ! id "$_WB_PG_USER" >/dev/null 2>&1; then
      _WB_PG_USER=wbpgtest
      id "$_WB_PG_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$_WB_PG_USER"
    fi
  fi
  _WB_PG_DIR=$(mktemp -d /tmp/wbpg.XXXXXX)
  chmod 755 "$_WB_PG_DIR"
  mkdir "$_WB_PG_DIR/data"
  pw=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$pw" > "$_WB_PG_DIR/pw"
  [ "$(id -u)" = 0 ] && chown -R "$_WB_PG_USER" "$_WB_PG_DIR"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  _wb_pg_as "$bin/initdb" -D "$_WB_PG_DIR/data" -U wbtest --pwfile="$_WB_PG_DIR/pw" \
    --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync >"$_WB_PG_DIR/initdb.log" 2>&1 || {
      cat "$_WB_PG_DIR/initdb.log" >&2; return 1; }
  rm -f "$_WB_PG_DIR/pw"
  local fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ -n "${WB_PG_DURABLE:-}" ] && fast=""  # benchmarks: a server as durable as a real one
  _wb_pg_as "$bin/pg_ctl" -D "$_WB_PG_DIR/data" -l "$_WB_PG_DIR/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $_WB_PG_DIR $fast -c max_connections=200" \
    start >/dev/null || { cat "$_WB_PG_DIR/server.log" >&2; return 1; }
  _WB_PG_BIN=$bin
  export WORKBENCH_TEST_PG="postgresql://wbtest:$pw@127.0.0.1:$port/postgres"
  echo "postgres.sh: throwaway server on 127.0.0.1:$port ($_WB_PG_DIR), up in $(( $(date +%s) - started )) s" >&2
}

wb_pg_stop() {
  if [ -n "${_WB_PG_DIR:-}" ] && [ -d "$_WB_PG_DIR" ]; then
    _wb_pg_as "$_WB_PG_BIN/pg_ctl" -D "$_WB_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$_WB_PG_DIR"
    _WB_PG_DIR=
  fi
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # Sourced: start now, stop when the sourcing shell exits (after any exit trap it already had).
  wb_pg_start
  _wb_pg_prev_trap=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")
  # shellcheck disable=SC2064
  trap "wb_pg_stop; ${_wb_pg_prev_trap:-:}" EXIT
else
  set -euo pipefail
  wb_pg_start
  trap wb_pg_stop EXIT
  if [ $# -gt 0 ]; then
    "$@"
  else
    echo "WORKBENCH_TEST_PG=$WORKBENCH_TEST_PG"
  fi
fi
