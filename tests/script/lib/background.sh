# Helpers for the cases that work beside a sync running in the background
# (sourced by run_case.sh): a second run, a reset or inspect while the
# first run holds the output directory (or, with pg_background.sh's
# pg_start_sync, the PostgreSQL schema).

# write_slow FILE [SECONDS [open]]: FILE is a connector that upserts ids
# 1-100 (v "first") into t (id INT key, v STRING) and checkpoints
# {page = 1}; then it holds its output for SECONDS (1.5; configuration.hold
# when the configuration gives one) of CPU time, upserts ids 101-200 (v
# "second") and checkpoints {page = 2}. With "open" the ids 101-200 and a
# delete of id 1 come before the hold, so they wait uncommitted while it
# lasts; so, with configuration.widen, does an upsert of id 300 with a new
# column extra (which alters t), after which it makes the file ./altered.
write_slow() {
  local open=false
  [ "${3-}" = open ] && open=true
  write "$1" <<LUA
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", v = "STRING" } } }
end
local function second()
  for id = 101, 200 do op.upsert("t", { id = id, v = "second" }) end
end
function update(configuration, state)
  for id = 1, 100 do op.upsert("t", { id = id, v = "first" }) end
  op.checkpoint({ page = 1 })
  if $open then -- uncommitted until the next checkpoint
    second()
    op.delete("t", { id = 1 })
    if configuration.widen then
      op.upsert("t", { id = 300, extra = 1 }) -- ALTER TABLE: t is held from here
      io.open("altered", "w"):close()
    end
  end
  local stop = os.clock() + (configuration.hold or ${2:-1.5})
  while os.clock() < stop do end -- hold the output for a while
  if not $open then second() end
  op.checkpoint({ page = 2 })
end
LUA
}

# start_sync SCRIPT: runs connector-lua SCRIPT in the background (stdout in
# ./out1, stderr in ./err1, its pid in PID1) and waits (at most 5 s) for
# its first checkpoint: files/NAME/state.json reading {"page":1} shows the
# run is inside update().
start_sync() {
  local dir="files/${1%.lua}"
  "$CLUA" "$1" > out1 2> err1 &
  PID1=$!
  for _ in $(seq 100); do [ -s "$dir/state.json" ] && break; sleep 0.05; done
  expect_file_eq "$dir/state.json" '{"page":1}'
}

# still_running WHAT: the sync of start_sync (or pg_start_sync) has not
# ended yet, after WHAT (a command's arguments) was done.
still_running() {
  kill -0 "$PID1" 2>/dev/null || fail "the sync ended before connector-lua $* was done"
}

# run_beside ARGS...: runs connector-lua ARGS (as run does); it must end
# within a second, while the sync of start_sync is still running.
run_beside() {
  local t0 t1
  t0=$(date +%s%N)
  run "$@"
  t1=$(date +%s%N)
  [ $(((t1 - t0) / 1000000)) -lt 1000 ] || fail "connector-lua $* took $(((t1 - t0) / 1000000)) ms, expected at once"
  still_running "$@"
}

# end_sync: waits for the sync of start_sync (or pg_start_sync), which must exit 0 with SYNC
# SUCCEEDED; RC1 is its exit status.
end_sync() {
  wait "$PID1"
  RC1=$?
  [ "$RC1" = 0 ] || { fail "the sync exited $RC1"; cat out1 err1 >&2; }
  grep -qF "SYNC SUCCEEDED" out1 || fail "the sync did not succeed: $(cat out1)"
}
