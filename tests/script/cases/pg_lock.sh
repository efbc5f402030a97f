# Two runs on one PostgreSQL schema (issue 14, "the same guarantees"): while
# a sync holds the schema, a second run fails at once with exit 4 and a
# message naming the holder (its script and pid); a run on another schema
# of the same database goes ahead at the same time. The first run then
# finishes with all of its data.
OTHER=${PG_SCHEMA}_other
pg_reset_schema
pg_reset_schema "$OTHER"
write_slow slow.lua 2
write quick.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", v = "STRING" } } }
end
function update(configuration, state)
  op.upsert("t", { id = 999, v = "quick" })
  op.checkpoint({ page = 9 })
end
LUA

pg_start_sync slow.lua "$CLUA_PG_URL&schema=$PG_SCHEMA"
HOLDER="another connector-lua run (connector-lua slow.lua, pid $PID1; server process "
busy() { # busy SCRIPT: SCRIPT on the held schema fails at once with exit 4, naming slow.lua's run
  run_beside "$1" --output "$CLUA_PG_URL&schema=$PG_SCHEMA"
  expect_exit 4
  expect_out "SYNC FAILED"
  expect_err "$HOLDER"
  expect_err "is using PostgreSQL schema \"$PG_SCHEMA\"; wait for it to finish"
}
busy slow.lua
busy quick.lua
# Another schema of the same database is free: quick.lua syncs there while slow.lua runs.
# (Not timed: it makes its tables, which a loaded machine may take a second over.)
run quick.lua --output "$CLUA_PG_URL&schema=$OTHER"
kill -0 "$PID1" 2> /dev/null || fail "slow.lua ended before the run on another schema did: they did not overlap"
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_pg "SELECT id, v FROM $OTHER.t" "999|quick"
expect_pg "SELECT convert_from(state, 'UTF8') FROM $OTHER._clua_state" '{"page":9}'

end_sync
grep -qF "Upserts        | 200" out1 || fail "the first run's summary: $(cat out1)"
expect_pg "SELECT count(*), min(id), max(id), count(*) FILTER (WHERE v = 'first'), count(*) FILTER (WHERE v = 'second')
           FROM $PG_SCHEMA.t" "200|1|200|100|100"
expect_pg "SELECT count(*) FROM $PG_SCHEMA.t WHERE id = 999" 0
expect_pg "SELECT convert_from(state, 'UTF8') FROM $PG_SCHEMA._clua_state" '{"page":2}'
# The refused runs are not in the schema's journal; the holder's run is, once.
expect_pg "SELECT script, status FROM $PG_SCHEMA._clua_syncs" "slow.lua|succeeded"

# The lock went with the first run's session: the schema is free again
# (and belongs to slow.lua: quick.lua is now refused for that, exit 6).
run quick.lua --output "$CLUA_PG_URL&schema=$PG_SCHEMA"
expect_exit 6
expect_err "belongs to the connector \"slow.lua\", not \"quick.lua\""
run slow.lua --output "$CLUA_PG_URL&schema=$PG_SCHEMA"
expect_exit 0
pg_reset_schema
pg_reset_schema "$OTHER"
