# op.delete: a soft delete that keeps the row's values, ignores a missing
# row, matches every primary-key column, and needs all of them.
SCHEMA='function schema(configuration)
  return {
    { table = "item", primary_key = { "id" }, columns = { id = "INT", name = "STRING" } },
    { table = "pair", primary_key = { "id", "code" },
      columns = { id = "INT", code = "STRING", val = "INT" } },
  }
end'
write item.lua <<LUA
$SCHEMA
function update(configuration, state)
  op.upsert("item", { id = 1, name = "one" })
  op.upsert("item", { id = 2, name = "two" })
  op.upsert("pair", { id = 1, code = "a", val = 10 })
  op.upsert("pair", { id = 1, code = "b", val = 11 })
  op.upsert("pair", { id = 2, code = "a", val = 20 })
  op.upsert("pair", { id = 2, code = "b", val = 21 })
  op.checkpoint({})
end
LUA
run item.lua --output o
expect_exit 0
expect_sql o/warehouse.db "SELECT count(*), sum(_fivetran_deleted) FROM pair" "4|0"
db_exec o/warehouse.db "UPDATE item SET _fivetran_synced = '2000-01-01T00:00:00.000Z'; UPDATE pair SET _fivetran_synced = '2000-01-01T00:00:00.000Z'"

write item.lua <<LUA
$SCHEMA
function update(configuration, state)
  op.delete("item", { id = 2 })
  op.delete("item", { id = 42 })                 -- no such row: ignored
  op.delete("pair", { id = 1, code = "b" })      -- only (1, b)
  op.delete("pair", { id = 3, code = "a" })      -- no such row: ignored
  op.delete("pair", { code = "a", id = 2, val = 99 }) -- a non-key column is not written
end
LUA
T0=$(date -u +%Y-%m-%dT%H:%M:%S)
run item.lua --output o
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_out "Upserts        | 0"
expect_out "Deletes        | 5"
expect_sql o/warehouse.db "SELECT id, name, _fivetran_deleted FROM item ORDER BY id" $'1|one|0\n2|two|1'
expect_sql o/warehouse.db "SELECT id, code, val, _fivetran_deleted FROM pair ORDER BY id, code" \
  $'1|a|10|0\n1|b|11|1\n2|a|20|1\n2|b|21|0'
expect_sql o/warehouse.db "SELECT count(*) FROM item" "2"
expect_sql o/warehouse.db "SELECT count(*) FROM pair" "4"
# a delete sets _fivetran_synced on the rows it touches, and only on them
expect_sql o/warehouse.db "SELECT 'item', id FROM item WHERE _fivetran_synced >= '$T0' UNION ALL SELECT code, id FROM pair WHERE _fivetran_synced >= '$T0' ORDER BY 1, 2" \
  $'a|2\nb|1\nitem|2'

# A missing primary-key column is an error naming it.
run_update item.lua "$SCHEMA" 'op.delete("pair", { id = 2 })'
expect_exit 1
expect_out "SYNC FAILED"
expect_err 'item.lua:9: op.delete("pair") id=2: primary-key column "code" is missing'
expect_sql o/warehouse.db "SELECT count(*) FROM pair WHERE _fivetran_deleted = 0" "2"

# A null key is refused too.
run_update item.lua "$SCHEMA" 'op.delete("item", { id = json.null })'
expect_exit 1
expect_err 'item.lua:9: op.delete("item"): primary-key column "id" is null'
