# inspect while a sync holds the output directory: it takes no lock and
# reads the database read-only, so it works at once (where a second run or
# a reset is refused) and shows the sync's last checkpoint, not the rows of
# its open transaction; the sync finishes normally.
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
  local stop = os.clock() + 2
  while os.clock() < stop do end -- hold the directory for a while
  op.checkpoint({ page = 2 })
end
LUA

"$CLUA" slow.lua > out1 2> err1 &
PID1=$!
# the first checkpoint's state.json shows the run is inside update()
for _ in $(seq 100); do [ -s files/slow/state.json ] && break; sleep 0.05; done
expect_file_eq files/slow/state.json '{"page":1}'

# timed ARGS...: runs connector-lua ARGS; it must end within a second, with the sync still running
timed() {
  local t0 t1
  t0=$(date +%s%N)
  run "$@"
  t1=$(date +%s%N)
  [ $(((t1 - t0) / 1000000)) -lt 1000 ] || fail "connector-lua $* took $(((t1 - t0) / 1000000)) ms"
  kill -0 "$PID1" 2>/dev/null || fail "the sync ended before connector-lua $* was done"
}

timed inspect slow.lua
expect_exit 0
expect_out "Table t: 100 live rows, 0 deleted"
expect_out '): {"page":1}'
timed inspect slow.lua t --limit 3
expect_exit 0
expect_out "3 of 100 rows shown, newest first"
expect_no_out "second"
timed inspect --output files/slow t --json --limit 500
expect_exit 0
expect_sql :memory: "SELECT json_extract(CAST(readfile('out') AS TEXT), '\$.shown'), json_extract(CAST(readfile('out') AS TEXT), '\$.total')" "100|100"
# while a sync holds the directory, a reset is refused, but inspect is not
timed reset slow.lua
expect_exit 4

wait "$PID1"
RC1=$?
[ "$RC1" = 0 ] || { fail "the sync exited $RC1"; cat out1 err1 >&2; }
grep -qF "SYNC SUCCEEDED" out1 || fail "the sync did not succeed: $(cat out1)"
expect_sql files/slow/warehouse.db "SELECT count(*), sum(_fivetran_deleted), sum(v = 'second') FROM t" "200|1|100"
expect_sql files/slow/warehouse.db "PRAGMA integrity_check" "ok"

# Afterwards inspect sees the whole run, and another sync still works.
run inspect slow.lua
expect_exit 0
expect_out "Table t: 199 live rows, 1 deleted"
expect_out '): {"page":2}'
run slow.lua
expect_exit 0
expect_out "SYNC SUCCEEDED"
run inspect slow.lua
expect_exit 0
expect_out "Table t: 199 live rows, 1 deleted"
