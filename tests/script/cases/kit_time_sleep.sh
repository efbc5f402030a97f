# time.sleep ends early, failing the sync, on --timeout (and on SIGTERM):
# it waits in slices of 50 ms and raises the same stop the watchdog does.
# This case measures time.

ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

write s.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 1 })
  op.checkpoint({ done = 1 })
  op.upsert("t", { id = 2 })
  time.sleep(60)
  op.checkpoint({ done = 2 })
end
LUA

for mode in "" --sandbox; do
  rm -rf o
  T0=$(date +%s%N)
  run s.lua --output o --timeout 0.3 $mode
  took=$(ms_since "$T0")
  expect_exit 5
  expect_out "SYNC FAILED"
  severe_is "s.lua: stopped: the sync ran longer than --timeout 0.3 s"
  [ "$took" -lt 2500 ] || fail "--timeout 0.3 $mode took $took ms to stop time.sleep(60)"
  expect_state o '{"done":1}'
done

# SIGTERM ends the sleep too (exit 143).
rm -rf o
"$CLUA" s.lua --output o > out 2> err &
pid=$!
sleep 0.4
T0=$(date +%s%N)
kill -TERM "$pid"
wait "$pid"
RC=$?
took=$(ms_since "$T0")
expect_exit 143
expect_err "interrupted by SIGTERM"
[ "$took" -lt 2500 ] || fail "SIGTERM took $took ms to stop time.sleep(60)"
