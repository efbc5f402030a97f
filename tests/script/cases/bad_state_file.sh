# A bad --state file is bad input: exit 3, one message naming the file,
# before the script runs; the database and the saved state are untouched,
# so the next run without --state goes on from the last checkpoint.

# The last checkpoint (o/: two rows, one soft-deleted) and unchanged().
. "$ROOT/tests/script/last_checkpoint.sh"

write connector.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 3, name = tostring(state.cursor) })
  op.checkpoint({ cursor = 3 })
end
LUA

write bad.json <<'JSON'
{"cursor": 2,
 "since": "2024-01-01T00:00:00Z"
JSON
run connector.lua --state bad.json --output o
expect_exit 3
expect_out "SYNC FAILED"
expect_no_out "Upserts"
severe_is "state file bad.json is not valid JSON: line 3, column 1: unexpected end of input"
unchanged

write quote.json <<'JSON'
{'cursor': 2}
JSON
run connector.lua --state quote.json --output o
expect_exit 3
severe_is "state file quote.json is not valid JSON: line 1, column 2: expected a string key or '}'"
unchanged

write array.json <<'JSON'
[2]
JSON
run connector.lua --state array.json --output o
expect_exit 3
severe_is "state file array.json must hold a JSON object ({...}), got an array"
unchanged

write number.json <<'JSON'
2
JSON
run connector.lua --state number.json --output o
expect_exit 3
severe_is "state file number.json must hold a JSON object ({...}), got a number"
unchanged

# null is named as null.
write null.json <<'JSON'
null
JSON
run connector.lua --state null.json --output o
expect_exit 3
expect_err "SEVERE   state file null.json must hold a JSON object ({...}), got null"
[ "$(grep -c ' SEVERE ' err)" = 1 ] || fail "expected one SEVERE line"
unchanged

write empty.json < /dev/null
run connector.lua --state empty.json --output o
expect_exit 3
severe_is "state file empty.json is not valid JSON: line 1, column 1: empty input"
unchanged

run connector.lua --state none.json --output o
expect_exit 3
severe_is "cannot read none.json: No such file or directory"
unchanged

# The saved state is still the checkpoint's.
run connector.lua --output o
expect_exit 0
expect_sql o/warehouse.db "SELECT id, name FROM t WHERE id = 3" "3|2"
expect_state o '{"cursor":3}'
