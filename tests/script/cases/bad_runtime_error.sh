# A runtime error in update() fails the sync: exit 1, one message with the
# file and line where it was raised, and every op since the last checkpoint
# is rolled back (README "Checkpoints, failure and state").

# The last checkpoint (o/: two rows, one soft-deleted) and unchanged().
. "$ROOT/tests/script/last_checkpoint.sh"

# Ops of every kind, then an error: none of them is kept.
write connector.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", name = "STRING" } } }
end
function update(configuration, state)
  op.upsert("t", { id = 3, name = "three", extra = 1 })
  op.update("t", { id = 1, name = "uno" })
  op.upsert("t", { id = 2, name = "revived" })
  op.truncate("t")
  local page = nil
  return page.items
end
LUA
fails_unchanged "connector.lua:10: attempt to index a nil value (local 'page')"
expect_out "Upserts        | 2"
expect_sql o/warehouse.db "SELECT count(*) FROM pragma_table_info('t') WHERE name = 'extra'" "0"

# The line is the one that raised, in a helper function.
write connector.lua <<'LUA'
local function fetch(cursor)
  op.upsert("t", { id = cursor + 1, name = "next" })
  error("HTTP 503 from the source")
end
function update(configuration, state)
  fetch(state.cursor)
end
LUA
fails_unchanged "connector.lua:3: HTTP 503 from the source"

# error(msg, 2) blames the caller's line.
write connector.lua <<'LUA'
local function check(ok) if not ok then error("check failed", 2) end end
function update(configuration, state)
  op.upsert("t", { id = 9, name = "nine" })
  check(false)
end
LUA
fails_unchanged "connector.lua:4: check failed"

# A run started from that state goes on from the checkpoint (cursor = 2).
write connector.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = state.cursor + 1, name = "three" })
  op.checkpoint({ cursor = state.cursor + 1 })
end
LUA
run connector.lua --output o
expect_exit 0
expect_sql o/warehouse.db "SELECT id, name, _fivetran_deleted FROM t ORDER BY id" $'1|one|0\n2|two|1\n3|three|0'
expect_state o '{"cursor":3}'
