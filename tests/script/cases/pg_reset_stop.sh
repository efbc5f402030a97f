# Ctrl-C and SIGTERM while `reset --output URL` waits for a killed run's
# lock (README "Loading into PostgreSQL"): the wait (up to 3 s, as a
# sync's, pg_lock_stop.sh) ends at once with the sync's words and exit
# status, and nothing is dropped; so does a Ctrl-C while the drop waits
# for a table. The holder is a psql session named as a run whose process
# is gone; it holds the lock for longer than the waits.
pg_reset_schema
URL="$CLUA_PG_URL&schema=$PG_SCHEMA"
write conn.lua <<'LUA'
function update(configuration, state) op.upsert("t", { id = 1 }) end
LUA
run conn.lua --output "$URL"
expect_exit 0
dead_pid
pg_hold_lock "$DEAD" 10
WAITING="while waiting for the lock on PostgreSQL schema \"$PG_SCHEMA\", held by a run whose process is gone (connector-lua gone.lua, pid $DEAD; server process $BACKEND, client the local socket)"

touch started
for sig in SIGINT:130 SIGTERM:143; do
  SIG_DELAY=0.5 stop_run "${sig%:*}" started reset --output "$URL" --yes
  [ "$STOPPED" = "${sig#*:}" ] || { fail "${sig%:*}: exit status $STOPPED, expected ${sig#*:}"; show_output; }
  [ "$(cat err)" = "interrupted by ${sig%:*} $WAITING" ] || { fail "${sig%:*}: the message"; show_output; }
  [ "$STOP_MS" -lt 800 ] || fail "${sig%:*}: reset took $STOP_MS ms to stop"
done

pg_sql "SELECT pg_terminate_backend($BACKEND)" > /dev/null
wait "$HOLDER" 2> /dev/null

# Ctrl-C while the drop waits for a table another session reads (its open
# transaction holds the table): the drop is cancelled and rolled back.
PGAPPNAME=reset-stop-reader psql -XAtq -d "$CLUA_PG_URL" -c "BEGIN" -c "SELECT count(*) FROM $PG_SCHEMA.t" \
  -c "SELECT pg_sleep(10)" > /dev/null 2>&1 &
READER=$!
for _ in $(seq 100); do
  [ -n "$(pg_sql "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 't' AND l.granted")" ] && break
  sleep 0.05
done
SIG_DELAY=0.5 stop_run SIGINT started reset --output "$URL" --yes
[ "$STOPPED" = 130 ] || { fail "SIGINT in the drop: exit status $STOPPED, expected 130"; show_output; }
[ "$(cat err)" = "interrupted by SIGINT: nothing was dropped from schema \"$PG_SCHEMA\" of $URL" ] ||
  { fail "SIGINT in the drop: the message"; show_output; }
[ "$STOP_MS" -lt 800 ] || fail "SIGINT in the drop: reset took $STOP_MS ms to stop"
pg_sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'reset-stop-reader'" > /dev/null
wait "$READER" 2> /dev/null

# Nothing was dropped.
expect_pg "SELECT id FROM $PG_SCHEMA.t" 1
expect_pg "SELECT value FROM $PG_SCHEMA._clua_meta WHERE key = 'owner'" conn.lua
pg_reset_schema
