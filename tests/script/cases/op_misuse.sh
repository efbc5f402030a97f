# Misused operations: each is a Lua error that names the operation, the
# table and what was wrong, with the script's file and line; the sync fails
# (exit 1) and nothing after the last checkpoint is kept. Every script is
# item.lua, the connector that made o/, kept in a directory named after
# its case (a database belongs to a script's file name, not its directory).
SCHEMA='function schema(configuration) return { { table = "item", primary_key = { "id" }, columns = { id = "INT", name = "STRING" } } } end'
run_update item.lua "$SCHEMA" 'op.upsert("item", { id = 1, name = "kept" })' 'op.checkpoint({ n = 1 })'
expect_exit 0

# misuse NAME LUA MESSAGE: NAME/item.lua runs LUA on its line 3 inside
# update(), after an upsert that must be rolled back; stderr must show
# MESSAGE at NAME/item.lua:3.
misuse() {
  write "$1/item.lua" <<LUA
$SCHEMA
function update(configuration, state)
  op.upsert("item", { id = 2, name = "rolled back" }); $2
end
LUA
  run "$1/item.lua" --output o
  expect_exit 1
  expect_out "SYNC FAILED"
  expect_err "SEVERE   $1/item.lua:3: $3"
  expect_sql o/warehouse.db "SELECT id, name FROM item" "1|kept"
  expect_state o '{"n":1}'
}

misuse name_number  'op.upsert(42, { id = 3 })'      'op.upsert: the table name must be a string, got number'
misuse name_nil     'op.delete(nil, { id = 1 })'     'op.delete: the table name must be a string, got nil'
misuse trunc_table  'op.truncate({})'                'op.truncate: the table name must be a string, got table'
misuse row_string   'op.upsert("item", "id=3")'      'op.upsert("item"): the row must be a table, got string'
misuse row_nil      'op.update("item", nil)'         'op.update("item"): the row must be a table, got nil'
misuse id_given     'op.upsert("loose", { id = 3 }); op.upsert("loose", { _fivetran_id = "x" })' 'op.upsert("loose") _fivetran_id="x": column "_fivetran_id" is computed by the runtime from the row'"'"'s values'
misuse id_missing   'op.upsert("loose", { id = 3 }); op.update("loose", { id = 3 })' 'op.update("loose"): table "loose" has no primary key, so the row must give its _fivetran_id'
misuse state_string 'op.checkpoint("x")'             'op.checkpoint: the state must be a table, got string'
misuse state_func   'op.checkpoint({ f = print })'   'op.checkpoint: the state cannot be saved as JSON: at $.f: cannot encode a function'
misuse col_number   'op.upsert("item", { id = 3, [5] = "x" })' 'op.upsert("item") id=3: column names must be strings, got number 5'
misuse col_reserved 'op.upsert("item", { id = 3, _fivetran_deleted = true })' 'op.upsert("item") id=3: column "_fivetran_deleted" is reserved for the runtime'
misuse val_function 'op.upsert("item", { id = 3, name = print })' 'op.upsert("item") id=3: column "name" is STRING, got function'

# Operations outside update(): at the chunk's top level, and in schema().
# outside_update DIR OP: DIR/item.lua, run into o/, fails: exit 1, SYNC
# FAILED and the one SEVERE line "DIR/item.lua:2: OP: only allowed while
# update() runs".
outside_update() {
  run "$1/item.lua" --output o
  expect_exit 1
  expect_out "SYNC FAILED"
  severe_is "$1/item.lua:2: $2: only allowed while update() runs"
}
write top/item.lua <<LUA
$SCHEMA
op.upsert("item", { id = 5 })
function update(configuration, state) end
LUA
outside_update top op.upsert

write in_schema/item.lua <<'LUA'
function schema(configuration)
  op.checkpoint({ from = "schema" })
  return { { table = "item", primary_key = { "id" } } }
end
function update(configuration, state) end
LUA
outside_update in_schema op.checkpoint

write in_schema2/item.lua <<'LUA'
function schema(configuration)
  op.truncate("item")
  return {}
end
function update(configuration, state) end
LUA
outside_update in_schema2 op.truncate

expect_sql o/warehouse.db "SELECT id, name, _fivetran_deleted FROM item" "1|kept|0"
expect_state o '{"n":1}'
