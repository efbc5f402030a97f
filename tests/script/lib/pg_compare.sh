# Helpers for the pg_ cases that hold PostgreSQL's rows against SQLite's
# (sourced by run_case.sh): the same script run into a directory and into a
# schema must leave the same rows, types rendered alike.

# PG_UTC COLUMN: SQL text rendering a timestamptz COLUMN as SQLite holds a
# UTC_DATETIME (2007-12-03T10:15:30.000Z).
PG_UTC() { echo "to_char($1 AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"; }

# expect_same DB SQLITE_SQL PG_SQL EXPECTED: SQLITE_SQL on the SQLite
# database DB and PG_SQL on the case's server both give EXPECTED (rows as
# a|b|c, one a line), so that neither may be wrong in the same way unseen.
expect_same() {
  local lite pg
  lite=$(sqlite3 -batch -noheader -separator '|' "$1" "$2" 2>&1)
  pg=$(pg_sql "$3")
  if [ "$lite" != "$4" ] || [ "$pg" != "$4" ]; then
    fail "SQLite and PostgreSQL rows: $2 / $3"
    printf -- '--- expected:\n%s\n--- SQLite:\n%s\n--- PostgreSQL:\n%s\n' "$4" "$lite" "$pg" >&2
  fi
}
