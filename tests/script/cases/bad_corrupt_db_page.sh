# A warehouse.db whose header is fine but whose pages hold garbage: the run
# fails with exit 1 and one message that names the file (so the user knows
# which file is damaged), does not crash, and leaves the file as it was.
# (good_db and damaged_run: tests/script/lib/damaged_db.sh.)

# severe_has TEXT...: stderr holds exactly one SEVERE line, holding each TEXT.
severe_has() {
  local line
  [ "$(grep -c ' SEVERE ' err)" = 1 ] || { fail "expected one SEVERE line"; show_output; }
  line=$(grep ' SEVERE ' err)
  for text in "$@"; do
    case "$line" in *"$text"*) ;; *) fail "the SEVERE line lacks: $text"; show_output ;; esac
  done
}

# smash TABLE: writes 0xFF over the root page of TABLE in o/warehouse.db.
smash() {
  local size page
  size=$(sqlite3 o/warehouse.db "PRAGMA page_size")
  page=$(sqlite3 o/warehouse.db "SELECT rootpage FROM sqlite_master WHERE name = '$1'")
  head -c "$size" /dev/zero | tr '\0' '\377' |
    dd of=o/warehouse.db bs="$size" seek=$((page - 1)) conv=notrunc status=none
}

# The runtime's own catalogue of columns, read when the run starts.
good_db
smash _clua_columns
damaged_run smashed.db
severe_has "o/warehouse.db" "database disk image is malformed"
cmp -s smashed.db o/warehouse.db || fail "o/warehouse.db was changed"

# The data of table t, first touched by op.upsert. The run is recorded in
# the journal of syncs (its own pages) before the script runs, so the file
# changes; the damaged page does not, and t's rows are never written over.
good_db
PAGE=$(sqlite3 o/warehouse.db "SELECT rootpage FROM sqlite_master WHERE name = 't'")
SIZE=$(sqlite3 o/warehouse.db "PRAGMA page_size")
smash t
damaged_run smashed.db
severe_has "o/warehouse.db" "database disk image is malformed"
sqlite3 o/warehouse.db "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
cmp -s <(dd if=smashed.db bs="$SIZE" skip=$((PAGE - 1)) count=1 status=none) \
  <(dd if=o/warehouse.db bs="$SIZE" skip=$((PAGE - 1)) count=1 status=none) ||
  fail "the damaged page of t was changed"
expect_sql o/warehouse.db "SELECT status, error LIKE '%malformed%' FROM _clua_syncs ORDER BY id DESC LIMIT 1" "failed|1"
