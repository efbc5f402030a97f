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

# dest_name DIR | dest_name SCRIPT.lua: the destination as the runtime
# names it (the summary's Data: line, inspect's Database: line and JSON
# database, messages about it): DIR/warehouse.db for --output DIR, and
# files/NAME/warehouse.db for a run of SCRIPT.lua (NAME.lua) without
# --output; against PostgreSQL the masked URL that run was given and the
# schema (--output DIR: the URL with &schema=S that stands for DIR; no
# --output: the URL alone, the schema named by the script).
dest_name() {
  if [ "${CLUA_DEST:-sqlite}" = pg ]; then
    echo "$(dest_where "$1"), schema \"$(dest_schema "$1")\""
  else
    echo "$(dest_where "$1")/warehouse.db"
  fi
}

# dest_where DIR | dest_where SCRIPT.lua: the output as other messages name
# it (--take-over's, the owner's; on PostgreSQL they add the schema): DIR, or
# files/NAME for SCRIPT.lua; against PostgreSQL the masked URL that run was
# given (dest_name's without its schema).
dest_where() {
  local base=${1##*/}
  if [ "${CLUA_DEST:-sqlite}" != pg ]; then
    case "$1" in
      *.lua) echo "files/${base%.lua}" ;;
      *) echo "$1" ;;
    esac
  else
    case "$1" in
      *.lua) echo "$PGD_URL" ;;
      *) echo "$PGD_URL&schema=$(pgd_schema_of "$1")" ;;
    esac
  fi
}

# dest_schema DIR | dest_schema SCRIPT.lua: against PostgreSQL, the schema
# that stands for DIR or that the runtime names by SCRIPT.lua.
dest_schema() {
  local base=${1##*/}
  case "$1" in
    *.lua) pgd_schema_of "files/${base%.lua}" ;;
    *) pgd_schema_of "$1" ;;
  esac
}

# dest_state_file DIR: the file the state of --output DIR is copied to
# (the JSON summary's state): DIR/state.json; against PostgreSQL none ("":
# the state is in the database only, README "Loading into PostgreSQL").
dest_state_file() {
  [ "${CLUA_DEST:-sqlite}" = pg ] || echo "$1/state.json"
}

# expect_nothing_created PATH: a run that failed early made nothing: no
# PATH (a directory or file); against PostgreSQL also no schema for PATH
# or any directory below it (files: no schema under a connector's name
# either), which the check of the path alone would pass trivially, since
# a schema is mirrored into PATH only when the case reads it.
expect_nothing_created() {
  [ ! -e "$1" ] || fail "$1 was created: $(find "$1" | tr '\n' ' ')"
  dest_no_schema "$1"
}

# expect_nothing_created_in DIR: the same for DIR, an empty directory the
# case made: it stays empty; against PostgreSQL no schema for it is made.
expect_nothing_created_in() {
  [ -z "$(ls -A "$1")" ] || fail "$1/ holds: $(ls -A "$1" | tr '\n' ' ')"
  dest_no_schema "$1"
}

# dest_no_schema PATH: against PostgreSQL, no schema stands for PATH or a
# directory below it (nothing to check with SQLite).
dest_no_schema() {
  local key k s n
  [ "${CLUA_DEST:-sqlite}" = pg ] || return 0
  key=$(pgd_key "$1")
  while IFS=$'\t' read -r k s; do
    [ "$k" = "$key" ] || [[ $k == "$key"/* ]] || continue
    n=$(psql -XAtq -d "$PGD_URL" -c "SELECT count(*) FROM pg_namespace WHERE nspname = '${s//\'/\'\'}'" 2>&1)
    [ "$n" = 0 ] || fail "schema \"$s\" (for $1) was created: $n"
  done < <(cat "$PGD_META/map" 2> /dev/null)
}

# dest_sum DB: a checksum of all DB holds, to show that a command changed
# nothing: DB's bytes with SQLite; against PostgreSQL, which keeps no file,
# the dump of DB's mirror (every table of the schema, the runtime's own
# and the journal of syncs too).
dest_sum() {
  if [ "${CLUA_DEST:-sqlite}" = pg ]; then
    sqlite3 -batch "$1" .dump | cksum
  else
    cksum < "$1"
  fi
}

# dest_reader FILE: writes FILE, a shell script that `sh FILE DB SQL...`
# runs as sqlite3 DB SQL... on what DB holds now, for a connector that
# reads its own destination during its sync (os.execute, io.popen, which
# the case's sqlite3 of pg_dest.sh does not reach): against PostgreSQL it
# first mirrors the schema that stands for DB's directory into DB, with
# what that run has committed so far.
dest_reader() {
  if [ "${CLUA_DEST:-sqlite}" = pg ]; then
    cat > "$1" <<'SH'
. "$PGD_ROOT/tests/script/pg_dest_map.sh"
python3 -S "$PGD_ROOT/tests/script/pg_mirror.py" "$PGD_URL" "$(pgd_schema_of "$(dirname "$1")")" "$1" || exit 1
exec sqlite3 "$@"
SH
  else
    echo 'exec sqlite3 "$@"' > "$1"
  fi
}

# dest_has_db DIR: status 0 when DIR holds a database: DIR/warehouse.db is
# a file; against PostgreSQL the schema that stands for DIR holds a table
# (a mirror is made only when the case reads it, and reset drops the
# tables but keeps the schema, README "Loading into PostgreSQL").
dest_has_db() {
  if [ "${CLUA_DEST:-sqlite}" = pg ]; then
    local s n
    s=$(pgd_schema_of "$1")
    n=$(psql -XAtq -d "$PGD_URL" -c "SELECT count(*) FROM pg_tables WHERE schemaname = '${s//\'/\'\'}'" 2>&1)
    [ "$n" != 0 ]
  else
    [ -f "$1/warehouse.db" ]
  fi
}

# expect_no_db DIR: DIR holds no database and no saved state (after a
# reset): neither DIR/warehouse.db nor DIR/state.json; against PostgreSQL
# no table in DIR's schema either (nor so its mirror).
expect_no_db() {
  local f
  [ "${CLUA_DEST:-sqlite}" != pg ] || pgd_sync
  for f in warehouse.db state.json; do [ ! -e "$1/$f" ] || fail "$1/$f is there"; done
  [ "${CLUA_DEST:-sqlite}" != pg ] || ! dest_has_db "$1" ||
    fail "the schema $(pgd_schema_of "$1") of $1 still holds tables"
}

# dest_locked DIR CMD...: runs CMD (its status is this one's) while another
# process holds DIR's lock, as a second run finds it: flock on DIR/.lock;
# against PostgreSQL a psql session that holds the advisory lock a run
# takes on the schema standing for DIR (store_pg.c: LOCK_CLASS and
# hashtext('connector-lua:' || schema)), ended once CMD is done.
dest_locked() {
  local dir=$1 s key backend="" holder rc
  shift
  if [ "${CLUA_DEST:-sqlite}" != pg ]; then
    flock "$dir/.lock" "$@"
    return
  fi
  s=$(pgd_schema_of "$dir")
  key="hashtext('connector-lua:${s//\'/\'\'}')"
  psql -XAtq -d "$PGD_URL" -c "SELECT pg_advisory_lock(1668052321, $key)" -c "SELECT pg_sleep(60)" \
    > /dev/null 2>&1 &
  holder=$!
  for _ in $(seq 100); do
    backend=$(psql -XAtq -d "$PGD_URL" -c "SELECT pid FROM pg_locks WHERE locktype = 'advisory'
      AND granted AND objid = $key::oid AND database = (SELECT oid FROM pg_database
      WHERE datname = current_database())" 2> /dev/null)
    [ -n "$backend" ] && break
    sleep 0.05
  done
  [ -n "$backend" ] || fail "dest_locked: psql did not take the lock of schema $s"
  "$@"
  rc=$?
  [ -z "$backend" ] || psql -XAtq -d "$PGD_URL" -c "SELECT pg_terminate_backend($backend)" > /dev/null 2>&1
  wait "$holder" 2> /dev/null
  return $rc
}
