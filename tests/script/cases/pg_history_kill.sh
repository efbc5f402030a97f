# History mode on PostgreSQL, killed mid-sync: kill -9 after a checkpoint,
# with new versions, an op.update and an op.delete written since, leaves
# the history table as the checkpoint left it (the server rolls back the
# dead session's transaction and frees its lock), exactly as SQLite's is
# left by the same kill; the next run then ends with the rows of an
# uninterrupted run, on either destination. This case measures time (it
# waits for a marker, then signals).
pg_reset_schema
FRESH="${PG_SCHEMA}_fresh"
pg_reset_schema "$FRESH"
case $CLUA_PG_URL in *\?*) SEP='&' ;; *) SEP='?' ;; esac
PGO="$CLUA_PG_URL${SEP}schema=$PG_SCHEMA"
ts() { printf "to_char(%s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')" "$1"; }

write p.lua <<'LUA'
function schema()
  return { { table = "price", primary_key = { "sku" }, history = { start = "updated_at" },
             columns = { sku = "STRING", updated_at = "UTC_DATETIME", amount = "INT" } } }
end
local rows = {
  { sku = "a", updated_at = "2020-01-01T00:00:00Z", amount = 10 },
  { sku = "a", updated_at = "2020-02-01T00:00:00Z", amount = 11 },
  { sku = "b", updated_at = "2020-01-05T00:00:00Z", amount = 20 },
  { sku = "a", updated_at = "2020-03-01T00:00:00Z", amount = 12 },
  { sku = "b", updated_at = "2020-04-01T00:00:00Z", amount = 21 },
}
function update(configuration, state)
  local n = state.n or 0
  for i = 1, #rows do
    if i >= n then op.upsert("price", rows[i]) end
    if i == 2 then op.checkpoint({ n = 2 }) end
    if i == 4 and configuration.stop == "yes" then
      op.update("price", { sku = "a", amount = 13, updated_at = "2020-03-15T00:00:00Z" })
      op.delete("price", { sku = "b" })
      local f = io.open("marker", "w") f:write("x") f:close()
      time.sleep(60)
    end
  end
  op.checkpoint({ n = #rows })
end
LUA
write stop.json <<'EOF2'
{ "stop": "yes" }
EOF2
SIG_DELAY=0
ROWS="SELECT sku, amount, _fivetran_start, _fivetran_end, _fivetran_active, _fivetran_deleted FROM price ORDER BY sku, _fivetran_start"
pg_rows() { echo "SELECT sku, amount, $(ts _fivetran_start), $(ts _fivetran_end), _fivetran_active::int, _fivetran_deleted::int FROM \"$1\".price ORDER BY sku, _fivetran_start"; }

CHECKPOINTED=$'a|10|2020-01-01T00:00:00.000Z|2020-01-31T23:59:59.999Z|0|0\na|11|2020-02-01T00:00:00.000Z|9999-12-31T23:59:59.999Z|1|0'
for dest in o "$PGO"; do
  rm -f marker
  stop_run SIGKILL marker p.lua --output "$dest" --configuration stop.json
  [ "$STOPPED" = "signal9" ] || { fail "kill -9 into $dest: exit $STOPPED"; cat err >&2; }
done
expect_sql o/warehouse.db "$ROWS" "$CHECKPOINTED"
expect_pg "$(pg_rows "$PG_SCHEMA")" "$CHECKPOINTED"
expect_pg "SELECT convert_from(state, 'UTF8') FROM \"$PG_SCHEMA\"._clua_state" '{"n":2}'

# the next run goes on from the checkpoint: the lock goes with the dead
# session, once its server process has read the end of the connection
# (wait up to 5 s for that, so a slow machine is not taken for a leak)
for _ in $(seq 50); do
  [ "$(pg_sql "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
    AND objid = hashtext('connector-lua:$PG_SCHEMA')::oid")" = 0 ] && break
  sleep 0.1
done
run p.lua --output "$PGO"
expect_exit 0
expect_out "SYNC SUCCEEDED"
run p.lua --output o
expect_exit 0
FINAL=$'a|10|2020-01-01T00:00:00.000Z|2020-01-31T23:59:59.999Z|0|0
a|11|2020-02-01T00:00:00.000Z|2020-02-29T23:59:59.999Z|0|0
a|12|2020-03-01T00:00:00.000Z|9999-12-31T23:59:59.999Z|1|0
b|20|2020-01-05T00:00:00.000Z|2020-03-31T23:59:59.999Z|0|0
b|21|2020-04-01T00:00:00.000Z|9999-12-31T23:59:59.999Z|1|0'
expect_sql o/warehouse.db "$ROWS" "$FINAL"
expect_pg "$(pg_rows "$PG_SCHEMA")" "$FINAL"
# an uninterrupted run into a fresh schema ends with the same rows
run p.lua --output "$CLUA_PG_URL${SEP}schema=$FRESH"
expect_exit 0
expect_pg "$(pg_rows "$FRESH")" "$FINAL"

pg_reset_schema "$FRESH"
pg_reset_schema
