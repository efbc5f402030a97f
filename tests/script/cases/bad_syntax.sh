# A script with a syntax error fails to load: exit 1, one message with the
# script's file and line, and the database stays at the last checkpoint.

# The last checkpoint (o/: two rows, one soft-deleted) and unchanged().
. "$ROOT/tests/script/last_checkpoint.sh"

write bad.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", name = "STRING" } } }
end
function update(configuration, state)
  op.upsert("t", { id = 3, name = "three" }
  op.truncate("t")
end
LUA
run bad.lua --output o
expect_exit 1
expect_out "SYNC FAILED"
severe_is "bad.lua:6: ')' expected (to close '(' at line 5) near 'op'"
unchanged

# An unfinished string, in a script named by a path with a directory.
write scripts/str.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 3, name = "three })
end
LUA
run scripts/str.lua --output o
expect_exit 1
severe_is "scripts/str.lua:2: unfinished string near '\"three })'"
unchanged
