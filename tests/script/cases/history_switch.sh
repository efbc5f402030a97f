# Switching history on for a table that holds rows turns each live row into
# an active version (starting when it was synced) and each deleted row into
# a closed one (ending when it was deleted); switching it off is refused
# with a message that says how to start afresh. A widened column keeps the
# versions.
write_items s.lua
run s.lua --output o
expect_exit 0
DB=o/warehouse.db
# schema() of the runs that keep history: item as before, history = true.
HISTORY_SCHEMA=$(item_history_schema)
db_exec $DB "UPDATE item SET _fivetran_synced = '2001-01-01T00:00:00.000Z' WHERE id = 1; UPDATE item SET _fivetran_synced = '2002-02-02T00:00:00.000Z' WHERE id = 2"
run_update s.lua "$HISTORY_SCHEMA" 'op.upsert("item", { id = 1, name = "uno", extra = 1 })'
expect_exit 0
expect_err 'switched history on for table "item"'
expect_out "SchemaChanges  | 2"
expect_sql $DB "SELECT id, name, _fivetran_active, _fivetran_deleted, _fivetran_start, _fivetran_end FROM item ORDER BY id, _fivetran_start" \
  "1|one|0|0|2001-01-01T00:00:00.000Z|$(sqlite3 $DB "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', _fivetran_start, '-0.001 seconds') FROM item WHERE name = 'uno'")
1|uno|1|0|$(sqlite3 $DB "SELECT _fivetran_start FROM item WHERE name = 'uno'")|9999-12-31T23:59:59.999Z
2|two|0|1|2002-02-02T00:00:00.000Z|2002-02-02T00:00:00.000Z"
expect_sql $DB "SELECT table_name, start_column IS NULL FROM _clua_history" "item|1"

# a column widened by data (LONG to DOUBLE) keeps every version
run_update s.lua "$HISTORY_SCHEMA" 'op.upsert("item", { id = 1, name = "uno", extra = 1.5 })'
expect_exit 0
expect_err 'widened column "extra"'
expect_sql $DB "SELECT count(*), sum(_fivetran_active), group_concat(extra, ',') FROM item" "4|1|1.0,1.5"

# switching it off is refused, and nothing changes
write_items_lost s.lua
run s.lua --output o
expect_exit 1
expect_err 'schema(): table "item" keeps history in the database and schema() no longer asks for it: switching history off is refused'
expect_err 'run `connector-lua reset` to start afresh'
expect_sql $DB "SELECT count(*) FROM item" "4"
