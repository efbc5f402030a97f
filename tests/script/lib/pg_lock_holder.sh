# A stand-in for a run that holds a PostgreSQL schema's lock (sourced by
# run_case.sh): a psql session that takes the lock a run takes, named as a
# run names its session ("connector-lua NAME, pid N").

# pg_hold_lock PID SECONDS: such a session, named as the run of pid PID,
# holds $PG_SCHEMA's lock for SECONDS; returns once it does, with HOLDER
# the psql's pid and BACKEND its server process.
pg_hold_lock() {
  local lock="pg_advisory_lock(1668052321, hashtext('connector-lua:$PG_SCHEMA'))"
  local held="SELECT a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND l.objid = hashtext('connector-lua:$PG_SCHEMA')::oid"
  PGAPPNAME="connector-lua gone.lua, pid $1" psql -XAtq -d "$CLUA_PG_URL" \
    -c "SELECT $lock" -c "SELECT pg_sleep($2)" > /dev/null 2>&1 &
  HOLDER=$!
  for _ in $(seq 100); do
    BACKEND=$(pg_sql "$held")
    [ -n "$BACKEND" ] && return
    sleep 0.05
  done
  fail "the holder did not take the lock"
}

# dead_pid: DEAD is a pid that has just ended (a run "whose process is gone").
dead_pid() {
  sleep 0 &
  DEAD=$!
  wait "$DEAD"
}
