#!/usr/bin/env bash
# The test `pg.server`: the cluster that `pg.start` started answers at
# $CLUA_PG_URL, is PostgreSQL 15, has the URL's database, and listens on its
# socket directory only (no TCP). Fails when there is no server.
#   server.sh DIR     (DIR: the cluster's directory, as given to cluster.sh)
set -u
dir=$1
failures=0
fail() { echo "FAIL (pg.server): $*" >&2; failures=$((failures + 1)); }

[ -n "${CLUA_PG_URL:-}" ] || { echo "FAIL (pg.server): CLUA_PG_URL is not set" >&2; exit 1; }
want=$(bash "$(dirname "$0")/cluster.sh" url "$dir")
[ "$CLUA_PG_URL" = "$want" ] || fail "CLUA_PG_URL is $CLUA_PG_URL, cluster.sh url gives $want"

# expect SQL EXPECTED: psql's one-line answer on $CLUA_PG_URL is EXPECTED.
expect() {
  local got
  got=$(psql -XAtq -v ON_ERROR_STOP=1 -d "$CLUA_PG_URL" -c "$1" 2>&1)
  [ "$got" = "$2" ] || fail "$1: expected '$2', got '$got'"
}

# No server: one message, not one per query.
out=$(psql -XAtq -d "$CLUA_PG_URL" -c 'SELECT 1' 2>&1) ||
  { echo "FAIL (pg.server): no server at $CLUA_PG_URL: $out" >&2; exit 1; }
expect "SELECT current_setting('server_version_num')::int / 10000" 15
expect "SELECT current_database()" warehouse
expect "SELECT current_user" postgres
expect "SHOW listen_addresses" ""
expect "SHOW unix_socket_directories" "$(realpath -m "$dir")"
expect "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = 'warehouse'" UTF8

[ "$failures" = 0 ] || exit 1
echo "pg.server: ok (PostgreSQL 15 at $CLUA_PG_URL)"
