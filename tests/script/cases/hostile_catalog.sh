# A damaged _clua_columns (someone edited it): the sync stops at once with a
# message that names the table and points to reset, and crashes nothing.
write k.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "a", "b" }, columns = { a = "INT", b = "INT", v = "STRING" } } }
end
function update(configuration, state)
  op.upsert("t", { a = 1, b = 2, v = "x" })
  op.checkpoint({ n = 1 })
end
LUA
run k.lua --output o
expect_exit 0
# The same connector, run again without its schema().
write k.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { a = 1, b = 2, v = "y" })
end
LUA
# damaged SET CHECK MESSAGE: with _clua_columns changed by SET behind the
# runtime's back, k.lua fails with exit 1, CHECK (severe_is or expect_err)
# holds for MESSAGE, and the data stays; o/warehouse.db is then restored.
damaged() {
  cp o/warehouse.db saved.db
  sqlite3 o/warehouse.db "UPDATE _clua_columns SET $1"
  run k.lua --output o
  expect_exit 1
  "$2" "$3"
  expect_sql o/warehouse.db "SELECT a, b, v FROM t" "1|2|x"
  cp saved.db o/warehouse.db
}
for damage in "primary_key = 3 WHERE column_name = 'a'" "primary_key = 2 WHERE column_name = 'a'"; do
  damaged "$damage" severe_is '_clua_columns: the primary key of table "t" is recorded wrongly (was it edited?); run `connector-lua reset` to start afresh'
done
# A key that still looks whole to the catalog but is not the table's own:
# SQLite refuses the upsert, the sync fails, the data stays.
damaged "primary_key = 0 WHERE column_name = 'b'" expect_err 'preparing the upsert into "t": ON CONFLICT clause does not match'
run k.lua --output o
expect_exit 0
expect_sql o/warehouse.db "SELECT a, b, v FROM t" "1|2|y"
