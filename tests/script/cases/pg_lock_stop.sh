# Ctrl-C and --timeout while a run waits for a killed run's lock (README
# "Loading into PostgreSQL"): the wait (up to 3 s, pg_lock_after_kill.sh)
# happens while the schema is opened, before the script runs; a SIGINT or
# the deadline there ends the run at once with the stop's own exit status
# and message, not the command's forced exit a second later ("the script
# did not stop"). The holder is a psql session named as a run whose
# process is gone names its session.
pg_reset_schema
URL="$CLUA_PG_URL&schema=$PG_SCHEMA"
write ok.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 1 })
end
LUA
LOCK="pg_advisory_lock(1668052321, hashtext('connector-lua:$PG_SCHEMA'))"
HELD="SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = hashtext('connector-lua:$PG_SCHEMA')::oid"
WAITING="while waiting for the lock on PostgreSQL schema \"$PG_SCHEMA\", held by a run whose process is gone (connector-lua gone.lua, pid"
sleep 0 &
DEAD=$!
wait "$DEAD"

# hold: a session named as the run of the dead pid holds the lock for 10 s
# (longer than the wait); returns once it does.
hold() {
  PGAPPNAME="connector-lua gone.lua, pid $DEAD" psql -XAtq -d "$CLUA_PG_URL" \
    -c "SELECT $LOCK" -c "SELECT pg_sleep(10)" > /dev/null 2>&1 &
  HOLDER=$!
  for _ in $(seq 100); do
    if [ "$(pg_sql "$HELD")" = 1 ]; then
      BACKEND=$(pg_sql "SELECT pid FROM pg_stat_activity WHERE application_name = 'connector-lua gone.lua, pid $DEAD'")
      return
    fi
    sleep 0.05
  done
  fail "the holder did not take the lock"
}
release() {
  pg_sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'connector-lua gone.lua, pid $DEAD'" > /dev/null
  wait "$HOLDER" 2> /dev/null
}

# SIGINT half a second in: exit 130 at once (the command's forced exit
# would come a second after the signal).
hold
"$CLUA" ok.lua --output "$URL" > out 2> err &
PID=$!
sleep 0.5
t0=$(date +%s%N)
kill -INT "$PID"
wait "$PID"
RC=$?
ms=$((($(date +%s%N) - t0) / 1000000))
expect_exit 130
severe_is "interrupted by SIGINT $WAITING $DEAD; server process $BACKEND, client the local socket)"
expect_no_err "did not stop"
expect_out "SYNC FAILED"
[ "$ms" -lt 800 ] || fail "the run took $ms ms to stop after SIGINT"

# --timeout 1: exit 5 at the deadline, with --timeout's message.
t0=$(date +%s%N)
run ok.lua --output "$URL" --timeout 1
ms=$((($(date +%s%N) - t0) / 1000000))
expect_exit 5
severe_is "stopped: the sync ran longer than --timeout 1 s $WAITING $DEAD; server process $BACKEND, client the local socket)"
expect_no_err "did not stop"
[ "$ms" -ge 1000 ] && [ "$ms" -lt 1800 ] || fail "the run took $ms ms, expected about 1000"
release
# Nothing was made: the run stopped before it opened the schema.
expect_pg "SELECT count(*) FROM pg_namespace WHERE nspname = '$PG_SCHEMA'" 0
