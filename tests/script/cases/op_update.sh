# op.update: changes only the supplied columns, ignores a missing row, needs
# every primary-key column, and stays right across many column sets (the
# statement cache keeps 8 shapes per table; 15 are used here).
SCHEMA='function schema(configuration)
  return {
    { table = "item", primary_key = { "id" },
      columns = { id = "INT", name = "STRING", qty = "INT", note = "STRING" } },
    { table = "wide", primary_key = { "id" },
      columns = { id = "INT", c1 = "INT", c2 = "INT", c3 = "INT", c4 = "INT" } },
  }
end'
write item.lua <<LUA
$SCHEMA
function update(configuration, state)
  op.upsert("item", { id = 1, name = "one", qty = 10, note = "n1" })
  op.upsert("item", { id = 2, name = "two", qty = 20, note = "n2" })
  op.upsert("item", { id = 3, name = "three", qty = 30, note = "n3" })
  op.update("item", { id = 1, qty = 11 })                -- name and note kept
  op.update("item", { id = 2, note = json.null })         -- null is a value: note becomes NULL
  op.update("item", { id = 99, name = "ghost", qty = 1 }) -- no such row: ignored
  for id = 1, 3 do op.upsert("wide", { id = id, c1 = 0, c2 = 0, c3 = 0, c4 = 0 }) end
  -- every non-empty subset of c1..c4 (15 column sets), then the first four again
  for k = 1, 15 do
    local row = { id = k % 3 + 1 }
    for c = 0, 3 do if (k >> c) & 1 == 1 then row["c" .. (c + 1)] = k end end
    op.update("wide", row)
  end
  for k = 1, 4 do
    local row = { id = k % 3 + 1 }
    for c = 0, 3 do if (k >> c) & 1 == 1 then row["c" .. (c + 1)] = 100 + k end end
    op.update("wide", row)
  end
  -- a column added between two updates of the same shape
  op.update("item", { id = 3, qty = 31 })
  op.upsert("item", { id = 5, name = "five", extra = "e5" })
  op.update("item", { id = 3, qty = 32 })
  op.update("item", { id = 3, extra = "x3" })
  op.checkpoint({})
end
LUA
run item.lua --output o
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_out "Upserts        | 7"
expect_out "Updates        | 25"
expect_out "Deletes        | 0"
expect_sql o/warehouse.db "SELECT id, name, qty, quote(note), quote(extra), _fivetran_deleted FROM item ORDER BY id" \
  $'1|one|11|\'n1\'|NULL|0\n2|two|20|NULL|NULL|0\n3|three|32|\'n3\'|\'x3\'|0\n5|five||NULL|\'e5\'|0'
expect_sql o/warehouse.db "SELECT count(*) FROM item WHERE id = 99 OR name = 'ghost'" "0"
expect_sql o/warehouse.db "SELECT id, c1, c2, c3, c4 FROM wide ORDER BY id" \
  $'1|103|103|15|15\n2|101|10|104|13\n3|11|102|14|14'

# An update of the key columns only keeps the values and sets _fivetran_synced.
db_exec o/warehouse.db "UPDATE item SET _fivetran_synced = '2000-01-01T00:00:00.000Z'"
write item.lua <<LUA
$SCHEMA
function update(configuration, state)
  op.update("item", { id = 3 })
end
LUA
T0=$(date -u +%Y-%m-%dT%H:%M:%S)
run item.lua --output o
expect_exit 0
expect_out "Updates        | 1"
expect_sql o/warehouse.db "SELECT id, name, qty, note, extra FROM item WHERE id = 3" "3|three|32|n3|x3"
expect_sql o/warehouse.db "SELECT id FROM item WHERE _fivetran_synced >= '$T0'" "3"
expect_sql o/warehouse.db "SELECT count(*) FROM item WHERE _fivetran_synced = '2000-01-01T00:00:00.000Z'" "3"

# A missing primary-key column is an error naming the column; the run is
# rolled back to its last checkpoint.
write item.lua <<LUA
$SCHEMA
function update(configuration, state)
  op.update("item", { id = 1, name = "changed" })
  op.checkpoint({ step = 1 })
  op.update("item", { id = 2, name = "lost" })
  op.update("item", { name = "nobody" })
end
LUA
run item.lua --output o
expect_exit 1
expect_out "SYNC FAILED"
expect_err 'item.lua:13: op.update("item"): primary-key column "id" is missing'
expect_sql o/warehouse.db "SELECT id, name FROM item ORDER BY id" $'1|changed\n2|two\n3|three\n5|five'
expect_state o '{"step":1}'
