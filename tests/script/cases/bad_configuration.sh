# A bad --configuration file is bad input: exit 3, one message naming the
# file (and, for invalid JSON, the line and column), before the script runs;
# the database stays as the last checkpoint left it.

# The last checkpoint (o/: two rows, one soft-deleted) and unchanged().
. "$ROOT/tests/script/last_checkpoint.sh"

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
