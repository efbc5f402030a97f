# inspect of a PostgreSQL schema while a sync writes to it: it takes no lock
# (the sync holds the schema's), so it works at once where a second run or a
# reset is refused, and shows the sync's last checkpoint, not the rows of
# its open transaction. A table whose columns the open checkpoint changes
# (ALTER TABLE holds it until the commit) is waited for 5 seconds, then
# inspect says why, as SQLite's reader waits on a busy database.
URL="$CLUA_PG_URL&schema=$PG_SCHEMA"
pg_reset_schema
write slow.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", v = "STRING" } } }
end
function update(configuration, state)
  for id = 1, 100 do op.upsert("t", { id = id, v = "first" }) end
  op.checkpoint({ page = 1 })
  -- uncommitted until the next checkpoint
  for id = 101, 200 do op.upsert("t", { id = id, v = "second" }) end
  op.delete("t", { id = 1 })
  if configuration.widen then
    op.upsert("t", { id = 300, extra = 1 }) -- ALTER TABLE: t is held from here
    io.open("altered", "w"):close()
  end
  local stop = os.clock() + configuration.hold
  while os.clock() < stop do end -- hold the schema for a while
  op.checkpoint({ page = 2 })
end
LUA
echo '{"hold": 3}' > hold.json
echo '{"hold": 7, "widen": true}' > widen.json

# start_sync CONFIGURATION: runs slow.lua in the background until its first checkpoint.
start_sync() {
  "$CLUA" slow.lua --output "$URL" --configuration "$1" > out1 2> err1 &
  PID1=$!
  for _ in $(seq 200); do
    [ "$(pg_sql "SELECT state FROM \"$PG_SCHEMA\"._clua_state" 2> /dev/null)" = '{"page":1}' ] && return
    sleep 0.05
  done
  fail "the sync did not reach its first checkpoint"
}
end_sync() {
  wait "$PID1"
  RC1=$?
  [ "$RC1" = 0 ] || { fail "the sync exited $RC1"; cat out1 err1 >&2; }
}
still_running() { kill -0 "$PID1" 2> /dev/null || fail "the sync ended before inspect $* was done"; }

start_sync hold.json
run inspect slow.lua --output "$URL"
expect_exit 0
expect_out "Table t: 100 live rows, 0 deleted"
expect_out '): {"page":1}'
still_running summary
run inspect --output "$URL" t --limit 3
expect_exit 0
expect_out "3 of 100 rows shown, newest first"
expect_no_out "second"
run inspect --output "$URL" --syncs
expect_exit 0
expect_out "Sync 1: running, slow.lua, started"
expect_out "    t: 100 upserted, 0 updated, 0 deleted, 0 truncated"
still_running "--syncs"
# while a sync holds the schema, a reset is refused, but inspect is not
run reset slow.lua --output "$URL" --yes
expect_exit 4
end_sync
run inspect --output "$URL" --json t --limit 0
expect_exit 0
expect_out '"shown":0,"total":200}'
run inspect slow.lua --output "$URL"
expect_exit 0
expect_out "Table t: 199 live rows, 1 deleted"
expect_out '): {"page":2}'

# A sync that adds a column holds t until its checkpoint commits.
start_sync widen.json
for _ in $(seq 200); do [ -e altered ] && break; sleep 0.05; done
t0=$(date +%s)
run inspect --output "$URL" t
expect_exit 1
expect_err "canceling statement due to lock timeout (a running sync is adding or widening a column of this table in a checkpoint it has not committed yet; try again when it has)"
[ $(($(date +%s) - t0)) -ge 4 ] || fail "inspect gave up before its 5 seconds"
still_running "t"
# the journal is not held: --syncs works meanwhile
run inspect --output "$URL" --syncs --limit 1
expect_exit 0
expect_out "Sync 2: running"
end_sync
run inspect --output "$URL" t --key id=300
expect_exit 0
expect_out "| 300 | NULL | 1     |"
