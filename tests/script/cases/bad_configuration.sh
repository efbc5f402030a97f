# A bad --configuration file is bad input: exit 3, one message naming the
# file (and, for invalid JSON, the line and column), before the script runs;
# the database stays as the last checkpoint left it.

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

write upd.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 3, name = "three" })
end
LUA

# Not valid JSON: a missing value on line 3.
write conf/bad.json <<'JSON'
{
  "api_key": "k",
  "page_size": ,
  "region": "eu"
}
JSON
run upd.lua --configuration conf/bad.json --output o
expect_exit 3
expect_out "SYNC FAILED"
expect_no_out "Upserts"
severe_is "configuration file conf/bad.json is not valid JSON: line 3, column 16: expected a value, found ','"
unchanged

# Unterminated.
printf '{"api_key": "k"' > conf/open.json
run upd.lua --configuration conf/open.json --output o
expect_exit 3
severe_is "configuration file conf/open.json is not valid JSON: line 1, column 16: unexpected end of input"
unchanged

# Valid JSON, but not an object.
write conf/array.json <<'JSON'
[{"api_key": "k"}]
JSON
run upd.lua --configuration conf/array.json --output o
expect_exit 3
severe_is "configuration file conf/array.json must hold a JSON object ({...}), got an array"
unchanged
write conf/string.json <<'JSON'
"api_key=k"
JSON
run upd.lua --configuration conf/string.json --output o
expect_exit 3
severe_is "configuration file conf/string.json must hold a JSON object ({...}), got a string"
unchanged

# Missing, or a directory.
run upd.lua --configuration conf/none.json --output o
expect_exit 3
severe_is "cannot read conf/none.json: No such file or directory"
unchanged
run upd.lua --configuration conf --output o
expect_exit 3
severe_is "cannot read conf: it is a directory"
unchanged
