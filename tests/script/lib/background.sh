# Helpers for the cases that work beside a sync running in the background
# (sourced by run_case.sh): a second run, a reset or inspect while the
# first run holds the output directory.

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

# run_beside ARGS...: runs connector-lua ARGS (as run does); it must end
# within a second, while the sync of start_sync is still running.
run_beside() {
  local t0 t1
  t0=$(date +%s%N)
  run "$@"
  t1=$(date +%s%N)
  [ $(((t1 - t0) / 1000000)) -lt 1000 ] || fail "connector-lua $* took $(((t1 - t0) / 1000000)) ms, expected at once"
  kill -0 "$PID1" 2>/dev/null || fail "the sync ended before connector-lua $* was done"
}

# end_sync: waits for the sync of start_sync, which must exit 0 with SYNC
# SUCCEEDED; RC1 is its exit status.
end_sync() {
  wait "$PID1"
  RC1=$?
  [ "$RC1" = 0 ] || { fail "the sync exited $RC1"; cat out1 err1 >&2; }
  grep -qF "SYNC SUCCEEDED" out1 || fail "the sync did not succeed: $(cat out1)"
}
