# --timeout stops a statement that waits on PostgreSQL (issue 14's loose
# ends; README "Loading into PostgreSQL"): an analyst's open transaction
# holds a lock on the table, so the sync's insert, or its ALTER TABLE for a
# new column, waits. At the deadline the library cancels the statement:
# the run ends then, with --timeout's message and exit code (5), rolled
# back, and leaves no session of its own waiting in the lock's queue
# (where it would hold up every reader of the table behind it). And a run
# killed while it waits is noticed by the server within seconds
# (client_connection_check_interval), not when the lock is let go. (Other
# cases run beside this one: sessions are told apart by the script's name,
# which a run's application_name holds.)
pg_reset_schema
URL="$CLUA_PG_URL&schema=$PG_SCHEMA"
write timeout_ok.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = configuration.id or 1 })
  if configuration.extra then op.upsert("t", { id = 3, extra = "new" }) end
  op.checkpoint({ done = configuration.id or 1 })
end
LUA
echo '{"id": 2}' > two.json
echo '{"id": 2, "extra": true}' > extra.json
run timeout_ok.lua --output "$URL"
expect_exit 0

# hold MODE: a psql session (application_name clua_holder) takes a lock
# of MODE on t (SHARE: as a SELECT in an open transaction does) and keeps
# its transaction open for 30 s or until release; returns once the lock is
# held.
hold() {
  PGAPPNAME=clua_holder psql -XAtq -d "$CLUA_PG_URL" \
    -c "BEGIN; LOCK TABLE $PG_SCHEMA.t IN $1 MODE; SELECT pg_sleep(30); COMMIT" \
    > /dev/null 2>&1 &
  HOLDER=$!
  for _ in $(seq 100); do
    [ "$(pg_sql "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.application_name = 'clua_holder' AND l.relation = '$PG_SCHEMA.t'::regclass AND l.granted")" = 1 ] && return
    sleep 0.05
  done
  fail "the holder did not take its lock"
}
release() {
  pg_sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'clua_holder'" > /dev/null
  wait "$HOLDER" 2> /dev/null
}
WAITING="SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'connector-lua timeout_ok.lua,%'"

# The insert waits behind an exclusive lock; the ALTER TABLE of a new
# column behind a reader's.
for case in "ACCESS EXCLUSIVE|two.json" "ACCESS SHARE|extra.json"; do
  hold "${case%|*}"
  config=${case#*|}
  t0=$(date +%s%N)
  run timeout_ok.lua --output "$URL" --configuration "$config" --timeout 2
  ms=$((($(date +%s%N) - t0) / 1000000))
  expect_exit 5
  severe_is "timeout_ok.lua: stopped: the sync ran longer than --timeout 2 s"
  expect_out "SYNC FAILED"
  # Stopped at the deadline: the message above is --timeout's, not the
  # command's forced exit a second later; the time allows for a loaded machine.
  [ "$ms" -ge 2000 ] && [ "$ms" -lt 4000 ] || fail "$config: the run took $ms ms, expected about 2000"
  expect_pg "$WAITING" 0
  expect_pg "SELECT status, error FROM $PG_SCHEMA._clua_syncs ORDER BY id DESC LIMIT 1" \
    "limit|timeout_ok.lua: stopped: the sync ran longer than --timeout 2 s"
  release
done

# Killed while it waits: its session ends within seconds, the lock still held.
hold "ACCESS EXCLUSIVE"
"$CLUA" timeout_ok.lua --output "$URL" --configuration two.json > out1 2> err1 &
PID1=$!
for _ in $(seq 100); do
  [ "$(pg_sql "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'connector-lua timeout_ok.lua,%' AND wait_event_type = 'Lock'")" = 1 ] && break
  sleep 0.05
done
expect_pg "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'connector-lua timeout_ok.lua,%' AND wait_event_type = 'Lock'" 1
kill -9 "$PID1"
wait "$PID1" 2> /dev/null
t0=$(date +%s%N)
for _ in $(seq 150); do [ "$(pg_sql "$WAITING")" = 0 ] && break; sleep 0.1; done
ms=$((($(date +%s%N) - t0) / 1000000))
expect_pg "$WAITING" 0
[ "$ms" -lt 12000 ] || fail "the killed run's session ended after $ms ms"
expect_pg "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'clua_holder'" 1
release

# Nothing was lost: the first run's row, its state; the next run goes through.
expect_pg "SELECT id FROM $PG_SCHEMA.t" 1
run timeout_ok.lua --output "$URL" --configuration two.json --timeout 20
expect_exit 0
expect_pg "SELECT id FROM $PG_SCHEMA.t ORDER BY id" "1
2"
pg_reset_schema
