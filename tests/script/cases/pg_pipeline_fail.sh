# PostgreSQL's ops go in a pipeline (README "Loading into PostgreSQL"): a
# failure of the server's on one op (here a CHECK constraint added on the
# server) is read at the next flush, the checkpoint, and fails the sync
# with the op and table named; everything after the last checkpoint rolls
# back, and once the cause is gone the next run converges on the rows of a
# run never cut.
pg_reset_schema
URL="$CLUA_PG_URL&schema=$PG_SCHEMA"
S=$PG_SCHEMA

write s.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", v = "STRING" } } }
end
function update(configuration, state)
  local from = state.next or 1
  for id = from, from + 99 do
    op.upsert("t", { id = id, v = "v" .. id })
    if id % 10 == 0 then op.delete("t", { id = id - 1 }) end
  end
  op.checkpoint({ next = from + 100 })
  if from == 1 then return end
  for id = 1, 50 do op.update("t", { id = id, v = "again" }) end
  op.checkpoint({ next = from + 100, done = true })
end
LUA
run s.lua --output "$URL"
expect_exit 0
expect_pg "SELECT count(*) FROM $S.t" 100

pg_sql "ALTER TABLE $S.t ADD CONSTRAINT no_142 CHECK (id <> 142)" >/dev/null
run s.lua --output "$URL"
expect_exit 1
expect_out "SYNC FAILED"
# Reported by the checkpoint that read it, with the op and table that failed.
[ "$(grep -c ' SEVERE ' err)" = 1 ] || fail "one SEVERE line"
expect_err 'SEVERE   s.lua:10: op.checkpoint: upsert into "t": new row for relation "t" violates check constraint "no_142" (Failing row contains (142, v142, '
expect_err "rolled back: the database is as the last checkpoint left it"
expect_pg "SELECT count(*), max(id) FROM $S.t" "100|100"
expect_pg "SELECT convert_from(state, 'UTF8') FROM $S._clua_state" '{"next":101}'
expect_pg "SELECT status FROM $S._clua_syncs ORDER BY id" $'succeeded\nfailed'

pg_sql "ALTER TABLE $S.t DROP CONSTRAINT no_142" >/dev/null
run s.lua --output "$URL"
expect_exit 0
expect_pg "SELECT count(*), max(id), count(*) FILTER (WHERE _fivetran_deleted) FROM $S.t" "200|200|20"
expect_pg "SELECT count(*) FROM $S.t WHERE v = 'again'" 50
expect_pg "SELECT sum(upserted), sum(updated), sum(deleted) FROM $S._clua_sync_tables WHERE sync_id = 3" "100|50|10"

exit $FAILURES
