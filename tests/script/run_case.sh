#!/usr/bin/env bash
# Runs one script-level test case through the real binary.
#   run_case.sh CASE.sh CONNECTOR_LUA PROJECT_DIR
# The case runs in a fresh temporary directory (its working directory), with
# the helpers below; any failed expectation fails the case, and each one says
# what it expected and what it got.
set -u
CASE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
CLUA=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
ROOT=$(cd "$3" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/clua-case.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
FAILURES=0
RC=0

fail() {
  # The line is the case's own: where it called the expectation, or the
  # shared helper (tests/script/lib/, last_checkpoint.sh) that called it.
  local i line=${BASH_LINENO[1]}
  for ((i = 1; i < ${#BASH_LINENO[@]}; i++)); do
    [ "${BASH_SOURCE[i + 1]:-}" = "$CASE" ] && { line=${BASH_LINENO[i]}; break; }
  done
  echo "FAIL (${CASE##*/}:$line): $*" >&2
  FAILURES=$((FAILURES + 1))
}

# write FILE: the case's heredoc becomes FILE (a script, a JSON file ...).
write() { mkdir -p "$(dirname "$1")"; cat > "$1"; }

# run ARGS...: runs connector-lua; stdout in ./out, stderr in ./err, status in $RC.
# With CLUA_VALGRIND=1 it runs under valgrind memcheck: any memory error or
# definite leak makes the exit status 99, which no expectation accepts.
run() {
  if [ "${CLUA_VALGRIND:-0}" = 1 ]; then
    valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
      "$CLUA" "$@" > out 2> err
  else
    "$CLUA" "$@" > out 2> err
  fi
  RC=$?
}

show_output() { echo "--- stdout:" >&2; cat out >&2; echo "--- stderr:" >&2; cat err >&2; }

expect_exit() {
  if [ "$RC" != "$1" ]; then fail "exit status $RC, expected $1"; show_output; fi
}

# expect_out TEXT / expect_err TEXT: the output holds TEXT (fixed string).
expect_out() { grep -qF -- "$1" out || { fail "stdout lacks: $1"; show_output; }; }
expect_err() { grep -qF -- "$1" err || { fail "stderr lacks: $1"; show_output; }; }
expect_no_err() { ! grep -qF -- "$1" err || { fail "stderr has: $1"; show_output; }; }
expect_no_out() { ! grep -qF -- "$1" out || { fail "stdout has: $1"; show_output; }; }

# dump_db DB: the database as SQL (sqlite3 .dump), without the journal of
# syncs (_clua_sync*), which every run that opens the database adds to,
# failed or not: what "the data did not change" compares.
dump_db() { sqlite3 -batch "$1" .dump | grep -v '_clua_sync'; }

# expect_sql DB SQL EXPECTED: sqlite3's output (rows as a|b|c, one a line) is EXPECTED.
expect_sql() {
  local got
  got=$(sqlite3 -batch -noheader -separator '|' "$1" "$2" 2>&1)
  if [ "$got" != "$3" ]; then
    fail "query on $1: $2"
    printf -- '--- expected:\n%s\n--- got:\n%s\n' "$3" "$got" >&2
  fi
}

# pg_NAME.sh cases (issue 14) run with the ctest fixture's server at
# $CLUA_PG_URL; each works in a schema of its own, $PG_SCHEMA, so that cases
# can run in parallel: NAME, since PostgreSQL keeps the prefix pg_ for itself.
PG_SCHEMA=$(basename "$CASE" .sh)
PG_SCHEMA=${PG_SCHEMA#pg_}
# pg_sql SQL: runs SQL there with psql; its output as sqlite3's: rows as
# a|b|c, one a line (booleans print as t/f, NULL as nothing).
pg_sql() {
  if [ -z "${CLUA_PG_URL:-}" ]; then
    echo "CLUA_PG_URL is not set: run the pg_ cases through ctest (the fixture pg)" >&2
    return 1
  fi
  psql -XAtq -v ON_ERROR_STOP=1 -d "$CLUA_PG_URL" -c "$1" 2>&1
}

# expect_pg SQL EXPECTED: the output of SQL on the PostgreSQL server is EXPECTED.
expect_pg() {
  local got
  got=$(pg_sql "$1")
  if [ "$got" != "$2" ]; then
    fail "query on ${CLUA_PG_URL:-(no CLUA_PG_URL)}: $1"
    printf -- '--- expected:\n%s\n--- got:\n%s\n' "$2" "$got" >&2
  fi
}

# pg_reset_schema [NAME]: drops the schema NAME ($PG_SCHEMA) and all it
# holds, so the case starts clean (also after a failed or killed earlier run).
pg_reset_schema() {
  local s=${1:-$PG_SCHEMA}
  pg_sql "DROP SCHEMA IF EXISTS \"${s//\"/\"\"}\" CASCADE" > /dev/null ||
    fail "could not drop schema $s on ${CLUA_PG_URL:-(no CLUA_PG_URL)}"
}

# expect_file_eq FILE TEXT: FILE's content is TEXT (a trailing newline ignored).
expect_file_eq() {
  local got
  got=$(cat "$1" 2>&1)
  [ "$got" = "$2" ] || fail "$1 holds '$got', expected '$2'"
}

# severe_is TEXT: stderr holds exactly one SEVERE line, its message is TEXT,
# and no traceback is shown at the default log level.
severe_is() {
  local n got
  n=$(grep -c ' SEVERE ' err)
  got=$(sed -n 's/^[0-9:.]* SEVERE  *//p' err)
  if [ "$n" != 1 ] || [ "$got" != "$1" ]; then
    fail "expected one SEVERE line: $1"
    show_output
  fi
  expect_no_err "stack traceback"
}

# reject DECL VALUE WHAT: a column v declared DECL refuses the Lua value
# VALUE: exit 1 and the one message `r.lua:6: op.upsert("t"): column "v" WHAT`.
# The row upserted before it (line 5) is rolled back with the rest.
reject() {
  local before=$FAILURES
  write r.lua <<LUA
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", v = $1 } } }
end
function update(configuration, state)
  op.upsert("t", { id = 1 })
  op.upsert("t", { id = 2, v = $2 })
end
LUA
  run r.lua --output r
  expect_exit 1
  expect_out "SYNC FAILED"
  severe_is "r.lua:6: op.upsert(\"t\") id=2: column \"v\" $3"
  [ "$FAILURES" = "$before" ] || echo "  (in: reject $1 $2)" >&2
}

# CLUA_DEST=pg: the case runs against PostgreSQL (pg_dest.sh says how).
if [ "${CLUA_DEST:-sqlite}" = pg ]; then
  # shellcheck source=/dev/null
  . "$ROOT/tests/script/pg_dest.sh"
fi

# Helpers shared by some cases, one concern a file.
for lib in "$ROOT"/tests/script/lib/*.sh; do
  # shellcheck source=/dev/null
  . "$lib"
done

# shellcheck source=/dev/null
. "$CASE"

if [ "$FAILURES" -ne 0 ]; then
  echo "${CASE##*/}: $FAILURES expectation(s) failed" >&2
  exit 1
fi
echo "${CASE##*/}: ok"
