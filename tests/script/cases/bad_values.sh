# Misused ops (README "What update() can call"): a value that does not fit its column, a missing
# primary-key column, a row or table name of the wrong kind. Each is a Lua
# error naming the op, table and column with the script's file and line;
# the sync fails (exit 1) and the ops before it in the run are rolled back.

# The last checkpoint (o/: two rows, one soft-deleted) and unchanged().
. "$ROOT/tests/script/last_checkpoint.sh"

# misuse CALL MESSAGE: update() does a good upsert, an update and a delete
# (lines 6-8), then CALL on line 9, which fails with `connector.lua:9: MESSAGE`.
misuse() {
  local before=$FAILURES
  write connector.lua <<LUA
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", name = "STRING" } },
           { table = "pair", primary_key = { "a", "b" }, columns = { a = "INT", b = "STRING", n = "SHORT" } } }
end
function update(configuration, state)
  op.upsert("t", { id = 3, name = "three" })
  op.update("t", { id = 1, name = "uno" })
  op.delete("t", { id = 1 })
  $1
end
LUA
  fails_unchanged "connector.lua:9: $2"
  expect_sql o/warehouse.db "SELECT count(*) FROM sqlite_master WHERE name = 'pair'" "0"
  [ "$FAILURES" = "$before" ] || echo "  (in: misuse $1)" >&2
}

# A value that does not fit its declared type.
misuse 'op.upsert("t", { id = 4, name = "four" }); op.upsert("t", { id = "5", name = "five" })' \
  'op.upsert("t") id="5": column "id" is INT, got string "5"'
misuse 'op.upsert("pair", { a = 1, b = "x", n = 70000 })' \
  'op.upsert("pair") a=1 b="x": column "n" is SHORT (-32768 to 32767), got integer 70000'
misuse 'op.update("t", { id = 2, name = {} })' \
  'op.update("t") id=2: column "name" is STRING, got table'
misuse 'op.delete("pair", { a = 1.5, b = "x" })' \
  'op.delete("pair") a=1.5 b="x": column "a" is INT, got float 1.5 (not an integer)'
# A primary-key column missing, or null.
misuse 'op.upsert("t", { name = "no id" })' 'op.upsert("t"): primary-key column "id" is missing'
misuse 'op.upsert("pair", { a = 1, n = 2 })' 'op.upsert("pair") a=1: primary-key column "b" is missing'
misuse 'op.update("pair", { b = "x", n = 2 })' 'op.update("pair") b="x": primary-key column "a" is missing'
misuse 'op.delete("pair", { a = 1 })' 'op.delete("pair") a=1: primary-key column "b" is missing'
misuse 'op.delete("t", {})' 'op.delete("t"): primary-key column "id" is missing'
misuse 'op.upsert("t", { id = json.null, name = "null id" })' 'op.upsert("t"): primary-key column "id" is null'
# The row is not a table.
misuse 'op.upsert("t", "id=4")' 'op.upsert("t"): the row must be a table, got string'
misuse 'op.upsert("t")' 'op.upsert("t"): the row must be a table, got no value'
misuse 'op.update("t", 4)' 'op.update("t"): the row must be a table, got number'
misuse 'op.delete("t", nil)' 'op.delete("t"): the row must be a table, got nil'
# The table name is not a string.
misuse 'op.upsert({ id = 4 })' 'op.upsert: the table name must be a string, got table'
misuse 'op.truncate(nil)' 'op.truncate: the table name must be a string, got nil'
misuse 'op.checkpoint("cursor=4")' 'op.checkpoint: the state must be a table, got string'
# A column name that is not a string.
misuse 'op.upsert("t", { id = 4, "four" })' 'op.upsert("t") id=4: column names must be strings, got number 1'
