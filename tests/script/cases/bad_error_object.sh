# update() raising an error value that is not a string: the sync fails
# (exit 1) with one message that names the script and says what was raised,
# and is rolled back.

# unchanged: o/warehouse.db and o/state.json are exactly as the good run
# (the last checkpoint) left them.
unchanged() {
  local now
  now=$(sqlite3 o/warehouse.db .dump 2>&1)
  [ "$now" = "$(cat before.sql)" ] || { fail "o/warehouse.db changed"; diff before.sql - <<<"$now" >&2; }
  cmp -s before.json o/state.json || fail "o/state.json changed: $(cat o/state.json 2>&1)"
  expect_sql o/warehouse.db "SELECT id, name, _fivetran_deleted FROM t ORDER BY id" $'1|one|0\n2|two|1'
}

# The last checkpoint: a good run that leaves two rows, one soft-deleted.
write good.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", name = "STRING" } } }
end
function update(configuration, state)
  op.upsert("t", { id = 1, name = "one" })
  op.upsert("t", { id = 2, name = "two" })
  op.delete("t", { id = 2 })
  op.checkpoint({ cursor = 2 })
end
LUA
run good.lua --output o
expect_exit 0
expect_file_eq o/state.json '{"cursor":2}'
sqlite3 o/warehouse.db .dump > before.sql
cp o/state.json before.json
unchanged

# raises EXPR MESSAGE: update() upserts a row, then error(EXPR).
raises() {
  local before=$FAILURES
  write e.lua <<LUA
function update(configuration, state)
  op.upsert("t", { id = 3, name = "three" })
  error($1)
end
LUA
  run e.lua --output o
  expect_exit 1
  expect_out "SYNC FAILED"
  severe_is "$2"
  unchanged
  [ "$FAILURES" = "$before" ] || echo "  (in: raises $1)" >&2
}

raises '{ code = 503, message = "unavailable" }' "e.lua: (error object is a table value)"
raises '' "e.lua: (error object is a nil value)"
raises 'true' "e.lua: (error object is a boolean value)"
raises 'print' "e.lua: (error object is a function value)"
# A number is shown as its text; a table with __tostring as what it returns.
raises '42' "e.lua: 42"
raises 'setmetatable({}, { __tostring = function() return "HttpError 503" end })' "e.lua: HttpError 503"
# A string raised at level 0 has no line; the message still names the script.
raises '"plain message", 0' "e.lua: plain message"
