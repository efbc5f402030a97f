# History mode on PostgreSQL: the connectors of the SQLite history cases
# (history_ops, history_start, history_switch, sweep_table's history
# table) run against both destinations, and the rows must agree: each
# query renders both the same way (booleans as 1/0, times as SQLite's
# YYYY-MM-DDTHH:MM:SS.mmmZ text). Starts from a source column are the same
# instants in both; starts from the op's time differ between the two runs,
# so there the rules on them are checked in PostgreSQL itself.
pg_reset_schema
case $CLUA_PG_URL in *\?*) PGO="$CLUA_PG_URL&schema=$PG_SCHEMA" ;; *) PGO="$CLUA_PG_URL?schema=$PG_SCHEMA" ;; esac
S="\"$PG_SCHEMA\""
# ts X: the timestamptz X as SQLite's text
ts() { printf "to_char(%s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')" "$1"; }

# both FILE ARGS...: runs connector-lua FILE into SQLite (o/) and into the
# schema; both must exit alike (RC, out and err are the PostgreSQL run's;
# the SQLite run's are in sq_out, sq_err).
both() {
  local file=$1 sq_rc
  shift
  run "$file" --output o "$@"
  sq_rc=$RC
  cp out sq_out
  cp err sq_err
  run "$file" --output "$PGO" "$@"
  [ "$RC" = "$sq_rc" ] || { fail "$file: exit $RC on PostgreSQL, $sq_rc on SQLite"; show_output; cat sq_err >&2; }
}

# both_update FILE DEFS LINE...: as run_update, into both.
both_update() {
  local file=$1 defs=$2
  shift 2
  { printf '%s\nfunction update()\n' "$defs"; printf '  %s\n' "$@"; echo end; } > "$file"
  both "$file"
}

# same_rows SQLITE_SELECT PG_SELECT: the two render the same, non-empty rows.
same_rows() {
  local a b
  a=$(sqlite3 -batch -noheader -separator '|' o/warehouse.db "$1" 2>&1)
  b=$(pg_sql "$2")
  if [ "$a" != "$b" ] || [ -z "$a" ]; then
    fail "SQLite and PostgreSQL differ: $2"
    printf -- '--- SQLite:\n%s\n--- PostgreSQL:\n%s\n' "$a" "$b" >&2
  fi
}

# the message of a failed run, without its time stamp
message() { sed -n 's/^[0-9:.]* SEVERE  *//p' "$1"; }

# ---- history_ops: starts from the op's time ----
SCHEMA=$(customer_schema)
write_customer_ops c.lua
both c.lua
expect_exit 0
expect_out "SYNC SUCCEEDED"
ROWS="SELECT id, name, tier, _fivetran_active, _fivetran_deleted FROM customer ORDER BY id, _fivetran_start"
PG_ROWS="SELECT id, name, tier, _fivetran_active::int, _fivetran_deleted::int FROM $S.customer ORDER BY id, _fivetran_start"
same_rows "$ROWS" "$PG_ROWS"
expect_pg "$PG_ROWS" $'1|a|1|0|0\n1|b|1|0|0\n1|b|2|1|0\n2|x|5|0|1\n2|x||1|0'
# the key is the declared key plus _fivetran_start
expect_pg "SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM pg_constraint c
  CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY k(att, n)
  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.att
  WHERE c.contype = 'p' AND c.conrelid = '$S.customer'::regclass" "id,_fivetran_start"
# an active version ends at the end of time; a superseded one 1 ms before its successor starts
expect_pg "SELECT count(*) FROM $S.customer WHERE _fivetran_active AND $(ts _fivetran_end) = '9999-12-31T23:59:59.999Z'" "2"
expect_pg "SELECT count(*) FROM (SELECT id, _fivetran_end, lead(_fivetran_start) OVER (PARTITION BY id ORDER BY _fivetran_start) AS next
  FROM $S.customer) v WHERE id = 1 AND _fivetran_end = next - interval '1 millisecond'" "2"
# starts strictly increase; the deleted version ends at the delete's time, before the next starts
expect_pg "SELECT count(DISTINCT (id, _fivetran_start)), bool_and(_fivetran_end >= _fivetran_start) FROM $S.customer" "5|t"
expect_pg "SELECT a._fivetran_end < b._fivetran_start, a._fivetran_end = a._fivetran_synced FROM $S.customer a, $S.customer b
  WHERE a.id = 2 AND b.id = 2 AND NOT a._fivetran_active AND b._fivetran_active" "t|t"

# an identical re-upsert in a later run refreshes _fivetran_synced only
sqlite3 o/warehouse.db "UPDATE customer SET _fivetran_synced = '2000-01-01T00:00:00.000Z'"
pg_sql "UPDATE $S.customer SET _fivetran_synced = '2000-01-01T00:00:00.000Z'" > /dev/null
both_update c.lua "$SCHEMA" 'op.upsert("customer", { id = 1, name = "b", tier = 2 })'
expect_exit 0
same_rows "SELECT count(*), sum(_fivetran_synced > '2001') FROM customer" \
  "SELECT count(*), count(*) FILTER (WHERE _fivetran_synced > '2001-01-01') FROM $S.customer"
expect_pg "SELECT tier FROM $S.customer WHERE _fivetran_synced > '2001-01-01' AND _fivetran_active" "2"

# truncate closes every active version, keeps their values and _fivetran_synced
both_update c.lua "$SCHEMA" 'op.truncate("customer")' \
  'op.upsert("customer", { id = 3, name = "after" })   -- live after the truncate'
expect_exit 0
expect_out "Truncates      | 1"
same_rows "$ROWS" "$PG_ROWS"
same_rows "SELECT count(*), sum(_fivetran_deleted) FROM customer WHERE _fivetran_end != '9999-12-31T23:59:59.999Z'" \
  "SELECT count(*), count(*) FILTER (WHERE _fivetran_deleted) FROM $S.customer WHERE $(ts _fivetran_end) != '9999-12-31T23:59:59.999Z'"
expect_pg "SELECT count(*) FROM $S.customer WHERE $(ts _fivetran_synced) = '2000-01-01T00:00:00.000Z'" "4"

# a failed run leaves the versions as they were
both_update c.lua "$SCHEMA" 'op.upsert("customer", { id = 3, name = "changed" })' 'error("boom")'
expect_exit 1
expect_pg "SELECT count(*) FROM $S.customer" "6"
same_rows "$ROWS" "$PG_ROWS"

# sweep closes the active versions not synced since its start (sweep_table's history table)
both_update c.lua "$SCHEMA" 'local start = time.now()' 'time.sleep(0.01)' \
  'op.upsert("customer", { id = 1, name = "b", tier = 2 })' \
  'log.info("history: " .. op.sweep("customer", start))'
expect_exit 0
expect_err "INFO     history: 1"
same_rows "$ROWS" "$PG_ROWS"
expect_pg "SELECT id FROM $S.customer WHERE _fivetran_active" "1"
expect_pg "SELECT _fivetran_deleted, _fivetran_end = _fivetran_synced FROM $S.customer WHERE id = 3" "t|t"

# ---- history_start: starts from a source column, the same in both ----
pg_reset_schema
rm -rf o
SCHEMA=$(price_schema)
write_price_rows p.lua # and fail.json
ROWS="SELECT sku, amount, _fivetran_start, _fivetran_end, _fivetran_active, _fivetran_deleted FROM price ORDER BY sku, _fivetran_start"
PG_ROWS="SELECT sku, amount, $(ts _fivetran_start), $(ts _fivetran_end), _fivetran_active::int, _fivetran_deleted::int FROM $S.price ORDER BY sku, _fivetran_start"
# a failure after the first checkpoint rolls back what followed it
both p.lua --configuration fail.json
expect_exit 1
expect_err "source went away"
same_rows "$ROWS" "$PG_ROWS"
expect_pg "$PG_ROWS" $'a|10|2020-01-01T00:00:00.000Z|2020-01-31T22:59:59.999Z|0|0\na|11|2020-01-31T23:00:00.000Z|9999-12-31T23:59:59.999Z|1|0'
# the re-run sends row 2 again (same start, same values): nothing changes for it
both p.lua
expect_exit 0
same_rows "$ROWS" "$PG_ROWS"
expect_pg "$PG_ROWS" $'a|10|2020-01-01T00:00:00.000Z|2020-01-31T22:59:59.999Z|0|0
a|11|2020-01-31T23:00:00.000Z|2020-02-29T23:59:59.999Z|0|0
a|12|2020-03-01T00:00:00.000Z|9999-12-31T23:59:59.999Z|1|0
b|20|2020-01-05T00:00:00.000Z|9999-12-31T23:59:59.999Z|1|0'

# refusals: the same message from both destinations, and nothing changes
for line in 'op.upsert("price", { sku = "a", updated_at = "2020-02-15T00:00:00Z", amount = 99 })' \
  'op.upsert("price", { sku = "a", updated_at = "2020-03-01T00:00:00Z", amount = 99 })' \
  'op.upsert("price", { sku = "c", amount = 1 })' \
  'op.update("price", { sku = "b", amount = 21 })'; do
  both_update p.lua "$SCHEMA" "$line"
  expect_exit 1
  [ "$(message err)" = "$(message sq_err)" ] && [ -n "$(message err)" ] ||
    fail "$line: PostgreSQL says '$(message err)', SQLite '$(message sq_err)'"
done
both_update p.lua "$SCHEMA" 'op.upsert("price", { sku = "a", updated_at = "2020-02-15T00:00:00Z", amount = 99 })'
expect_err 'p.lua:6: op.upsert("price"): the new version'"'"'s start 2020-02-15T00:00:00.000Z (column "updated_at") is not later than the active version'"'"'s start 2020-03-01T00:00:00.000Z'
both_update p.lua "$SCHEMA" 'op.upsert("price", { sku = "a", updated_at = "2020-03-01T00:00:00Z", amount = 99 })'
expect_err "and its values differ"
same_rows "$ROWS" "$PG_ROWS"
# op.update with the start column starts a later version; a delete closes at its time
both_update p.lua "$SCHEMA" 'op.update("price", { sku = "b", amount = 21, updated_at = "2020-04-01T00:00:00Z" })' \
  'op.delete("price", { sku = "a" })'
expect_exit 0
same_rows "SELECT sku, amount, _fivetran_start, _fivetran_end, _fivetran_active FROM price WHERE sku = 'b' ORDER BY _fivetran_start" \
  "SELECT sku, amount, $(ts _fivetran_start), $(ts _fivetran_end), _fivetran_active::int FROM $S.price WHERE sku = 'b' ORDER BY _fivetran_start"
expect_pg "SELECT count(*) FROM $S.price WHERE sku = 'a' AND _fivetran_deleted AND _fivetran_end > '2020-03-01'" "1"
expect_pg "SELECT table_name, start_column FROM $S._clua_history" "price|updated_at"

# ---- history_switch: switching history on for a table that holds rows ----
pg_reset_schema
rm -rf o
write_items s.lua 'op.upsert("item", { id = 3, name = "three" })'
both s.lua
expect_exit 0
sqlite3 o/warehouse.db "UPDATE item SET _fivetran_synced = '2001-01-01T00:00:00.000Z' WHERE id = 1; UPDATE item SET _fivetran_synced = '2002-02-02T00:00:00.000Z' WHERE id = 2; UPDATE item SET _fivetran_synced = NULL WHERE id = 3"
pg_sql "UPDATE $S.item SET _fivetran_synced = '2001-01-01T00:00:00.000Z' WHERE id = 1; UPDATE $S.item SET _fivetran_synced = '2002-02-02T00:00:00.000Z' WHERE id = 2; UPDATE $S.item SET _fivetran_synced = NULL WHERE id = 3" > /dev/null
HISTORY_SCHEMA=$(item_history_schema)
both_update s.lua "$HISTORY_SCHEMA" 'op.upsert("item", { id = 1, name = "uno", extra = 1 })'
expect_exit 0
expect_err 'switched history on for table "item"'
expect_out "SchemaChanges  | 2"
# the times of id 1 and 3 are this run's: the same rule, checked in each
same_rows "SELECT id, name, _fivetran_active, _fivetran_deleted, CASE WHEN id = 2 OR name = 'one' THEN _fivetran_start END, CASE WHEN id = 2 THEN _fivetran_end END FROM item ORDER BY id, _fivetran_start" \
  "SELECT id, name, _fivetran_active::int, _fivetran_deleted::int, CASE WHEN id = 2 OR name = 'one' THEN $(ts _fivetran_start) END, CASE WHEN id = 2 THEN $(ts _fivetran_end) END FROM $S.item ORDER BY id, _fivetran_start"
expect_pg "SELECT id, name, _fivetran_active, _fivetran_deleted, $(ts _fivetran_start) FROM $S.item WHERE id < 3 ORDER BY id, _fivetran_start" \
  $'1|one|f|f|2001-01-01T00:00:00.000Z\n1|uno|t|f|'"$(pg_sql "SELECT $(ts _fivetran_start) FROM $S.item WHERE name = 'uno'")"$'\n2|two|f|t|2002-02-02T00:00:00.000Z'
expect_pg "SELECT a._fivetran_end = b._fivetran_start - interval '1 millisecond' FROM $S.item a, $S.item b WHERE a.name = 'one' AND b.name = 'uno'" "t"
# a row never synced starts when history was switched on, as the new version's run did
expect_pg "SELECT $(ts _fivetran_end), _fivetran_start <= (SELECT _fivetran_start FROM $S.item WHERE name = 'uno') FROM $S.item WHERE id = 3" "9999-12-31T23:59:59.999Z|t"
expect_pg "SELECT table_name, start_column IS NULL FROM $S._clua_history" "item|t"
expect_pg "SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM pg_constraint c
  CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY k(att, n)
  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.att
  WHERE c.contype = 'p' AND c.conrelid = '$S.item'::regclass" "id,_fivetran_start"

# a column widened by data (LONG to DOUBLE) keeps every version
both_update s.lua "$HISTORY_SCHEMA" 'op.upsert("item", { id = 1, name = "uno", extra = 1.5 })'
expect_exit 0
expect_err 'widened column "extra"'
same_rows "SELECT id, name, extra, _fivetran_active FROM item ORDER BY id, _fivetran_start" \
  "SELECT id, name, CASE WHEN extra = trunc(extra) THEN extra::text || '.0' ELSE extra::text END, _fivetran_active::int FROM $S.item ORDER BY id, _fivetran_start"

# switching it off is refused, and nothing changes
write_items_lost s.lua
both s.lua
expect_exit 1
expect_err 'schema(): table "item" keeps history in the database and schema() no longer asks for it: switching history off is refused'
expect_pg "SELECT count(*) FROM $S.item" "5"

pg_reset_schema
