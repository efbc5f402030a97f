# The journal of a run that is stopped: SIGINT and SIGTERM (interrupted),
# --timeout (limit), each recorded after the rollback with what was
# committed before it; and kill -9, which leaves the run "running" in the
# database until the next run records it as unfinished. This case
# measures time (it waits for a marker, then signals).

write s.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 1 })
  op.checkpoint({ n = 1 })
  op.upsert("t", { id = 2 }) -- never committed
  local f = io.open("marker", "w") f:write("x") f:close()
  time.sleep(60)
end
LUA

# The signal goes as soon as the marker is there (see stop_run in tests/script/lib/stop.sh).
SIG_DELAY=0

n=0
for case in "SIGINT 130 interrupted" "SIGTERM 143 interrupted"; do
  set -- $case
  n=$((n + 1))
  rm -f marker
  stop_run "$1" marker s.lua --output o
  [ "$STOPPED" = "$2" ] || fail "$1: exit $STOPPED, expected $2"
  expect_sql o/warehouse.db "SELECT status, error LIKE '%interrupted by $1%', ended_at IS NOT NULL FROM _clua_syncs WHERE id = $n" \
    "$3|1|1"
  expect_sql o/warehouse.db "SELECT group_concat(table_name || ':' || upserted) FROM _clua_sync_tables WHERE sync_id = $n" \
    "t:1"
done

rm -f marker
run s.lua --output o --timeout 0.5
expect_exit 5
expect_sql o/warehouse.db "SELECT status, error LIKE '%--timeout 0.5 s%' FROM _clua_syncs WHERE id = 3" "limit|1"

# kill -9: the run's row was committed when it started and stays
# "running"; the next run, which holds the lock, records it as unfinished.
rm -f marker
stop_run SIGKILL marker s.lua --output o
[ "$STOPPED" = "signal9" ] || fail "SIGKILL: exit $STOPPED"
expect_sql o/warehouse.db "SELECT id, status, ended_at IS NULL FROM _clua_syncs WHERE id = 4" "4|running|1"
expect_sql o/warehouse.db "SELECT count(*) FROM _clua_sync_checkpoints WHERE sync_id = 4" "1"
# inspect shows it as unfinished: its process is gone.
run inspect --output o --syncs --json --limit 1
python3 -c 'import json; s = json.load(open("out"))["syncs"][0]; assert (s["id"], s["status"], s["ended_at"]) == (4, "unfinished", None), s' ||
  fail "inspect --syncs after kill -9: $(cat out)"
# (The same connector, by file name, that does not sleep.)
write quick/s.lua <<'LUA'
function update(configuration, state) op.upsert("t", { id = 3 }) end
LUA
run quick/s.lua --output o
expect_exit 0
expect_sql o/warehouse.db "SELECT id, status, ended_at IS NULL FROM _clua_syncs WHERE id IN (4, 5) ORDER BY id" \
  "4|unfinished|1
5|succeeded|0"

exit $FAILURES
