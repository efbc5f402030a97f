# The script cases against PostgreSQL (issue 14: every destination-independent
# case runs against both destinations). run_case.sh sources this when
# CLUA_DEST=pg (the ctest tests script_pg.NAME). The case itself is the
# SQLite one, unchanged:
# - it gets a database of its own on the fixture's server ($CLUA_PG_URL),
#   c_NAME, made afresh and dropped at the end, so cases run in parallel and
#   each schema can have the name the runtime gives it;
# - $CLUA is pg_dest_wrap.sh, which turns each output directory into a
#   schema of that database (--output DIR -> schema DIR's name; no --output
#   -> the runtime's own, the script's) and then becomes connector-lua;
# - before the case reads a DIR/warehouse.db (sqlite3, expect_sql, dump_db,
#   python3, cp) that a run has written since, the schema is mirrored into
#   DIR/warehouse.db as SQLite would hold it (pg_mirror.py), so every
#   expect_sql checks the rows PostgreSQL holds; only then, so that a run
#   costs no more than it does (the timing cases) and a failed run that
#   made no schema leaves no file; rm of a mirror drops its schema (rm -rf o
#   starts o afresh with SQLite).
# Cases whose subject is the SQLite file or the directory are not run here:
# tests/script/sqlite_only.txt lists them, each with its reason.

if [ -z "${CLUA_PG_URL:-}" ] || [[ $CLUA_PG_URL != *\?* ]]; then
  echo "CLUA_DEST=pg needs CLUA_PG_URL (postgresql://...?host=...): run it through ctest (fixture pg)" >&2
  exit 1
fi
PGD_ROOT=$ROOT
PGD_CLUA=$CLUA
PGD_WORK=$(realpath "$WORK")
PGD_META=$(mktemp -d "${TMPDIR:-/tmp}/clua-pgd.XXXXXX")
mkdir "$PGD_META/dirty" "$PGD_META/mirrored"
PGD_DB=$(basename "$CASE" .sh)
PGD_DB=$(printf '%s' "$PGD_DB" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9_' '_')
PGD_DB=c_${PGD_DB:0:56}
# The fixture's URL with the case's database in place of its own.
PGD_ADMIN=$CLUA_PG_URL
PGD_URL=${CLUA_PG_URL%%\?*}
PGD_URL=${PGD_URL%/*}/$PGD_DB?${CLUA_PG_URL#*\?}
export PGD_ROOT PGD_CLUA PGD_WORK PGD_META PGD_URL
CLUA=$ROOT/tests/script/pg_dest_wrap.sh
# shellcheck source=/dev/null
. "$ROOT/tests/script/pg_dest_map.sh"

pgd_admin() {
  PGOPTIONS='-c client_min_messages=warning' psql -XAtq -v ON_ERROR_STOP=1 -d "$PGD_ADMIN" -c "$1" > /dev/null
}
pgd_admin "DROP DATABASE IF EXISTS $PGD_DB WITH (FORCE)" &&
  pgd_admin "CREATE DATABASE $PGD_DB" || {
  echo "could not make the database $PGD_DB on $CLUA_PG_URL" >&2
  exit 1
}
trap 'cd /; command rm -rf "$WORK" "$PGD_META"; pgd_admin "DROP DATABASE IF EXISTS $PGD_DB WITH (FORCE)"' EXIT

# pgd_sync: mirrors the schema of each directory a run has written since its
# last mirror (or is writing now) into DIR/warehouse.db; $PGD_META/mirrored/
# says which directories have a mirror (pgd_removed).
pgd_sync() {
  local mark key schema pid alive
  for mark in "$PGD_META"/dirty/*; do
    [ -e "$mark" ] || continue
    key=${mark##*/}
    key=${key//%//}
    alive=0
    while read -r pid; do kill -0 "$pid" 2> /dev/null && alive=1; done < "$mark"
    [ "$alive" = 1 ] || command rm -f "$mark"
    schema=$(pgd_lookup "$key") || continue
    command python3 -S "$ROOT/tests/script/pg_mirror.py" "$PGD_URL" "$schema" "$key/warehouse.db" ||
      fail "could not mirror schema $schema into $key/warehouse.db"
    if [ -e "$key/warehouse.db" ]; then
      : > "$PGD_META/mirrored/${mark##*/}"
    else
      command rm -f "$PGD_META/mirrored/${mark##*/}"
    fi
  done
}

# pgd_removed: a case that removes DIR/warehouse.db (rm -rf o) starts that
# directory afresh, as with SQLite: its schema is dropped.
pgd_removed() {
  local flag key schema
  for flag in "$PGD_META"/mirrored/*; do
    [ -e "$flag" ] || continue
    key=${flag##*/}
    key=${key//%//}
    [ ! -e "$key/warehouse.db" ] || continue
    command rm -f "$flag" "$PGD_META/dirty/${flag##*/}"
    schema=$(pgd_lookup "$key") && [ -n "$schema" ] || continue
    PGOPTIONS='-c client_min_messages=warning' psql -XAtq -v ON_ERROR_STOP=1 -d "$PGD_URL" \
      -c "DROP SCHEMA IF EXISTS \"$schema\" CASCADE" || fail "could not drop schema $schema"
  done
}

# pgd_exec DB SQL: db_exec's PostgreSQL side: SQL in the schema of DB's
# directory, which is then mirrored again.
pgd_exec() {
  local key schema
  key=$(pgd_key "$(dirname "$1")")
  schema=$(pgd_lookup "$key") || { fail "db_exec: no schema stands for $1"; return 1; }
  psql -XAtq -v ON_ERROR_STOP=1 -d "$PGD_URL" -c "SET search_path TO \"$schema\"" -c "$2" ||
    fail "db_exec on schema $schema: $2"
  : >> "$PGD_META/dirty/${key//\//%}"
}

# sqlite3 ..., python3 ... (a case's own reader) and cp ... read the mirror as it is now.
sqlite3() {
  pgd_sync
  command sqlite3 "$@"
}
python3() {
  pgd_sync
  command python3 "$@"
}
cp() {
  pgd_sync
  command cp "$@"
}
# rm ...: what it removes is gone from the destination too (pgd_removed).
rm() {
  pgd_sync
  command rm "$@"
  local rc=$?
  pgd_removed
  return $rc
}
