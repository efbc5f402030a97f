# Helpers for what differs with the destination when a case runs against
# PostgreSQL too (CLUA_DEST=pg, tests/script/pg_dest.sh): each does the
# SQLite thing, or the PostgreSQL one that the README says stands for it.

# saved_state DIR: the state the last checkpoint into DIR saved, as text:
# state.json's content with SQLite; against PostgreSQL (CLUA_DEST=pg), which
# keeps the state in the database only (README "Loading into PostgreSQL":
# there is no state.json), _clua_state's, read from DIR's mirror.
saved_state() {
  if [ "${CLUA_DEST:-sqlite}" = pg ]; then
    sqlite3 -batch "$1/warehouse.db" "SELECT state FROM _clua_state" 2>&1
  else
    cat "$1/state.json" 2>&1
  fi
}

# expect_state DIR TEXT: that state is TEXT.
expect_state() {
  local got
  got=$(saved_state "$1")
  [ "$got" = "$2" ] || fail "the state saved in $1 is '$got', expected '$2'"
}

# expect_data_at DIR: the summary says where the data went: DIR/warehouse.db,
# or the URL and the schema that stands for DIR.
expect_data_at() {
  if [ "${CLUA_DEST:-sqlite}" = pg ]; then
    expect_out "Data:    $PGD_URL, schema \"$(pgd_schema_of "$1")\""
  else
    expect_out "Data:    $1/warehouse.db"
  fi
}

# expect_lock_file DIR: with SQLite a run leaves DIR/.lock, the file it locks
# (README "Loading into PostgreSQL": PostgreSQL locks the schema's name with
# an advisory lock instead, and leaves no file).
expect_lock_file() {
  [ "${CLUA_DEST:-sqlite}" = pg ] || [ -e "$1/.lock" ] || fail "$1/.lock missing after a good run"
}

# db_exec DB SQL: changes DB behind the runtime's back (an old
# _fivetran_synced, so that a later write shows): sqlite3 on DB; when the
# case runs against PostgreSQL (CLUA_DEST=pg, tests/script/pg_dest.sh) the
# same SQL in the schema that stands for DB's directory. SQL that both read
# alike: text for times, true/false for booleans.
db_exec() {
  if [ "${CLUA_DEST:-sqlite}" = pg ]; then
    pgd_exec "$1" "$2"
  else
    sqlite3 "$1" "$2"
  fi
}
