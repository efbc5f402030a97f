# op.truncate: soft-deletes every row that exists at the call, leaves
# _fivetran_synced alone, lets later upserts live, ignores an unknown table.
SCHEMA='function schema(configuration)
  return {
    { table = "item", primary_key = { "id" }, columns = { id = "INT", name = "STRING" } },
    { table = "other", primary_key = { "id" }, columns = { id = "INT" } },
  }
end'
write trunc.lua <<LUA
$SCHEMA
function update(configuration, state)
  for id = 1, 3 do op.upsert("item", { id = id, name = "v" .. id }) end
  op.upsert("other", { id = 7 })
  op.delete("item", { id = 3 })
  op.checkpoint({})
end
LUA
run trunc.lua --output o
expect_exit 0
expect_out "Truncates      | 0"
db_exec o/warehouse.db "UPDATE item SET _fivetran_synced = '2000-01-01T00:00:00.000Z'"

write trunc.lua <<LUA
$SCHEMA
function update(configuration, state)
  op.truncate("item")
  op.upsert("item", { id = 2, name = "back" }) -- after the truncate: live
  op.upsert("item", { id = 4, name = "new" })
  op.truncate("no_such_table")                 -- ignored
end
LUA
T0=$(date -u +%Y-%m-%dT%H:%M:%S)
run trunc.lua --output o
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_out "Truncates      | 2"
expect_out "Upserts        | 2"
expect_out "SchemaChanges  | 0"
expect_sql o/warehouse.db "SELECT id, name, _fivetran_deleted FROM item ORDER BY id" \
  $'1|v1|1\n2|back|0\n3|v3|1\n4|new|0'
expect_sql o/warehouse.db "SELECT id FROM item WHERE _fivetran_synced = '2000-01-01T00:00:00.000Z' ORDER BY id" $'1\n3'
expect_sql o/warehouse.db "SELECT id FROM item WHERE _fivetran_synced >= '$T0' ORDER BY id" $'2\n4'
# another table is untouched, and no table was made for the unknown name
expect_sql o/warehouse.db "SELECT id, _fivetran_deleted FROM other" "7|0"
expect_sql o/warehouse.db "SELECT count(*) FROM sqlite_master WHERE name = 'no_such_table'" "0"

# A truncate rolled back with its run leaves the rows live.
run_update trunc.lua "$SCHEMA" 'op.truncate("other")' 'error("source went away")'
expect_exit 1
expect_err "trunc.lua:9: source went away"
expect_sql o/warehouse.db "SELECT id, _fivetran_deleted FROM other" "7|0"
