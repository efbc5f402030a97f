# op.upsert: inserts, replaces the whole row (a column left out becomes
# NULL), revives a soft-deleted row, sets _fivetran_synced, and is counted.
# Two versions of one connector share one output directory: first/ups.lua,
# then second/ups.lua (the same file name: the same connector).
SCHEMA='function schema(configuration)
  return { { table = "item", primary_key = { "id" },
             columns = { id = "INT", name = "STRING", qty = "INT", note = "STRING" } } }
end'
write first/ups.lua <<LUA
$SCHEMA
function update(configuration, state)
  op.upsert("item", { id = 1, name = "one", qty = 10, note = "n1" })
  op.upsert("item", { id = 2, name = "two", qty = 20, note = "n2" })
  op.upsert("item", { id = 3, name = "three", qty = 30, note = "n3" })
  op.delete("item", { id = 3 })
  op.checkpoint({ run = 1 })
end
LUA
write second/ups.lua <<LUA
$SCHEMA
function update(configuration, state)
  -- replaces row 1: qty and note are not supplied, so they become NULL
  op.upsert("item", { id = 1, name = "uno" })
  -- revives the soft-deleted row 3
  op.upsert("item", { id = 3, name = "tres", qty = 33 })
  -- a new row, upserted twice: the last call wins
  op.upsert("item", { id = 4, name = "four", qty = 40, note = "first" })
  op.upsert("item", { id = 4, name = "cuatro", qty = 44 })
  -- deleted and upserted again in the same run: live
  op.upsert("item", { id = 5, name = "five" })
  op.delete("item", { id = 5 })
  op.upsert("item", { id = 5, name = "cinco" })
end
LUA
SYNCED_GLOB='[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'
ROWS="SELECT id, name, quote(qty), quote(note), _fivetran_deleted FROM item ORDER BY id"

T0=$(date -u +%Y-%m-%dT%H:%M:%S)
run first/ups.lua --output o
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_out "Upserts        | 3"
expect_out "Updates        | 0"
expect_out "Deletes        | 1"
expect_out "Truncates      | 0"
expect_out "SchemaChanges  | 1"
expect_out "Checkpoints    | 1"
expect_sql o/warehouse.db "$ROWS" $'1|one|10|\'n1\'|0\n2|two|20|\'n2\'|0\n3|three|30|\'n3\'|1'
expect_sql o/warehouse.db "SELECT count(*) FROM item WHERE _fivetran_synced GLOB '$SYNCED_GLOB' AND _fivetran_synced >= '$T0'" "3"
# mark every row as synced long ago, to tell which rows the next run touches
db_exec o/warehouse.db "UPDATE item SET _fivetran_synced = '2000-01-01T00:00:00.000Z'"

T1=$(date -u +%Y-%m-%dT%H:%M:%S)
run second/ups.lua --output o
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_out "Upserts        | 6"
expect_out "Deletes        | 1"
expect_out "SchemaChanges  | 0"
expect_out "Checkpoints    | 0"
expect_sql o/warehouse.db "$ROWS" $'1|uno|NULL|NULL|0\n2|two|20|\'n2\'|0\n3|tres|33|NULL|0\n4|cuatro|44|NULL|0\n5|cinco|NULL|NULL|0'
# the rows the second run wrote carry its time; row 2 keeps the first run's
expect_sql o/warehouse.db "SELECT id FROM item WHERE _fivetran_synced GLOB '$SYNCED_GLOB' AND _fivetran_synced >= '$T1' ORDER BY id" $'1\n3\n4\n5'
expect_sql o/warehouse.db "SELECT _fivetran_synced FROM item WHERE id = 2" "2000-01-01T00:00:00.000Z"
# a run without a checkpoint keeps the state it started from
expect_state o '{"run":1}'
