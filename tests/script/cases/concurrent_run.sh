# Two runs against one output directory (README "Checkpoints, failure and state"): while the first holds it,
# a second run and a reset fail at once with exit 4 and a clear message;
# the first run finishes normally with all of its data.
write_slow slow.lua
write quick.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 999, v = "intruder" })
end
LUA

start_sync slow.lua

busy() { # busy ARGS...: connector-lua ARGS fails at once with exit 4
  run_beside "$@"
  expect_exit 4
  expect_err "another connector-lua run"
  expect_err "files/slow"
}
busy slow.lua
expect_out "SYNC FAILED"
busy quick.lua --output files/slow
busy reset slow.lua
busy reset --output files/slow
[ -f files/slow/warehouse.db ] || fail "the refused reset removed warehouse.db"
[ -f files/slow/state.json ] || fail "the refused reset removed state.json"

end_sync
grep -qF "Upserts        | 200" out1 || fail "the first run's summary: $(cat out1)"
expect_sql files/slow/warehouse.db "SELECT count(*), min(id), max(id), sum(v = 'first'), sum(v = 'second') FROM t" "200|1|200|100|100"
expect_sql files/slow/warehouse.db "SELECT count(*) FROM t WHERE id = 999" "0"
expect_state files/slow '{"page":2}'
expect_sql files/slow/warehouse.db "PRAGMA integrity_check" "ok"

# Once the first run is over, the directory is free again (for another
# script, with --take-over: it belongs to slow.lua).
run quick.lua --output files/slow --take-over
expect_exit 0
expect_sql files/slow/warehouse.db "SELECT v FROM t WHERE id = 999" "intruder"
run reset slow.lua
expect_exit 0
[ -e files/slow/warehouse.db ] && fail "reset after the run left warehouse.db"
