# Ctrl-C and --timeout while a run waits for a killed run's lock (README
# "Loading into PostgreSQL"): the wait (up to 3 s, pg_lock_after_kill.sh)
# happens while the schema is opened, before the script runs; a SIGINT or
# the deadline there ends the run at once with the stop's own exit status
# and message, not the command's forced exit a second later ("the script
# did not stop"). The holder is a psql session named as a run whose
# process is gone (a pid that has just ended) names its session; it holds
# the lock for longer than the wait.
pg_reset_schema
write stop.lua <<'LUA'
function update(configuration, state)
  op.upsert("never", { id = 1 })
end
LUA
dead_pid
pg_hold_lock "$DEAD" 10
WAITING="while waiting for the lock on PostgreSQL schema \"$PG_SCHEMA\", held by a run whose process is gone (connector-lua gone.lua, pid $DEAD; server process $BACKEND, client the local socket)"

# SIGINT half a second in: exit 130 at once (the command's forced exit
# would come a second after the signal).
touch started
SIG_DELAY=0.5 stop_run SIGINT started stop.lua --output "$CLUA_PG_URL&schema=$PG_SCHEMA"
[ "$STOPPED" = 130 ] || { fail "exit status $STOPPED, expected 130"; show_output; }
severe_is "interrupted by SIGINT $WAITING"
expect_no_err "did not stop"
expect_out "SYNC FAILED"
[ "$STOP_MS" -lt 800 ] || fail "the run took $STOP_MS ms to stop after SIGINT"

# --timeout 1: exit 5 at the deadline, with --timeout's message.
t0=$(date +%s%N)
run stop.lua --output "$CLUA_PG_URL&schema=$PG_SCHEMA" --timeout 1
ms=$((($(date +%s%N) - t0) / 1000000))
expect_exit 5
severe_is "stopped: the sync ran longer than --timeout 1 s $WAITING"
expect_no_err "did not stop"
[ "$ms" -ge 1000 ] && [ "$ms" -lt 1800 ] || fail "the run took $ms ms, expected about 1000"

pg_sql "SELECT pg_terminate_backend($BACKEND)" > /dev/null
wait "$HOLDER" 2> /dev/null
# Nothing was made: both runs stopped before the schema was.
expect_pg "SELECT count(*) FROM pg_namespace WHERE nspname = '$PG_SCHEMA'" 0
