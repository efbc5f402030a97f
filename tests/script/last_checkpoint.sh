# Sourced by the bad_* cases: a good run into o/ that checkpoints two rows
# (one soft-deleted) with state {"cursor":2}, and unchanged(), which checks
# that o/warehouse.db and o's saved state (state.json) are still exactly as it left them,
# and fails_unchanged, which runs the script again to a failure and checks it.
# The good run's script is connector.lua, and the cases write their failing
# scripts under the same name: the same connector, run again (a database
# belongs to the script, by file name, that made it).

# unchanged: o/warehouse.db and o's saved state are exactly as the good run
# (the last checkpoint) left them.
unchanged() {
  local now
  now=$(dump_db o/warehouse.db)
  [ "$now" = "$(cat before.sql)" ] || { fail "o/warehouse.db changed"; diff before.sql - <<<"$now" >&2; }
  [ "$(saved_state o)" = "$(cat before.json)" ] || fail "o's saved state changed: $(saved_state o)"
  expect_sql o/warehouse.db "SELECT id, name, _fivetran_deleted FROM t ORDER BY id" $'1|one|0\n2|two|1'
}

# fails_unchanged MESSAGE: connector.lua, run again into o/, fails: exit 1,
# SYNC FAILED, one SEVERE line that is MESSAGE, and o/ unchanged.
fails_unchanged() {
  run connector.lua --output o
  expect_exit 1
  expect_out "SYNC FAILED"
  severe_is "$1"
  unchanged
}

# The last checkpoint: a good run that leaves two rows, one soft-deleted.
write connector.lua <<'LUA'
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
run connector.lua --output o
expect_exit 0
expect_state o '{"cursor":2}'
dump_db o/warehouse.db > before.sql
saved_state o > before.json
unchanged
