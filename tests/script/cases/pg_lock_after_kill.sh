# The schema's lock just after a kill -9 (issue 14's loose ends): the
# server takes a moment to end the killed run's session, and a run started
# in that moment found the lock held and exited 4. A holder that is a
# connector-lua run on this host whose process is gone is now waited for
# (a few seconds at most); a holder that lives is still refused at once.
# The holder here is a psql session named as a run names its session
# ("connector-lua NAME, pid N"), which lets go of the lock after a second.
pg_reset_schema
pg_url_case

# Its process gone (a pid that has just ended): waited for, then the run goes on.
dead_pid
pg_hold_lock "$DEAD" 1
run ok.lua --output "$URL"
expect_exit 0
expect_out "SYNC SUCCEEDED"
wait "$HOLDER"

# Its process alive (this shell): refused at once, naming it.
pg_hold_lock $$ 2
t0=$(date +%s%N)
run ok.lua --output "$URL"
ms=$((($(date +%s%N) - t0) / 1000000))
expect_exit 4
expect_err "another connector-lua run (connector-lua gone.lua, pid $$; server process"
[ "$ms" -lt 1000 ] || fail "the refusal took $ms ms"
wait "$HOLDER"

# A real kill -9 in the middle of a sync, then a run at once: it goes on.
pg_reset_schema "${PG_SCHEMA}_k"
write_slow slow.lua 5
echo '{"hold": 0}' > nohold.json
pg_start_sync slow.lua "$URL"_k
kill -9 "$PID1"
wait "$PID1" 2> /dev/null
run slow.lua --output "$URL"_k --configuration nohold.json
expect_exit 0
expect_pg "SELECT convert_from(state, 'UTF8') FROM ${PG_SCHEMA}_k._clua_state" '{"page":2}'
pg_reset_schema
pg_reset_schema "${PG_SCHEMA}_k"
