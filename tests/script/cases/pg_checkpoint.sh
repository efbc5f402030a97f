# Checkpoints on PostgreSQL (issue 14, "the same guarantees"; README
# "Checkpoints, failure and state"): data, DDL and state commit together.
# A script that checkpoints and then fails leaves exactly the checkpointed
# rows, columns, tables and state on the server, and the next run starts
# from that state. A run killed with SIGKILL mid-sync leaves exactly its
# checkpoints too, and reruns converge on the rows of a run never cut.
pg_reset_schema
URL="$CLUA_PG_URL&schema=$PG_SCHEMA"
S=$PG_SCHEMA

write fails.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", v = "STRING" } } }
end
function update(configuration, state)
  if state.page == nil then
    op.upsert("t", { id = 1, v = "a" })
    op.upsert("t", { id = 2, v = "b" })
    op.checkpoint({ page = 1 })
    op.upsert("t", { id = 3, v = "c" })
    op.delete("t", { id = 1 })
    op.upsert("t", { id = 2, v = "b2", extra = 5 })
    op.upsert("later", { k = 1 })
    error("the source went away")
  end
  log.info("resumed at page " .. state.page)
  op.upsert("t", { id = 3, v = "c2", extra = 7 })
  op.checkpoint({ page = state.page + 1 })
end
LUA
run fails.lua --output "$URL"
expect_exit 1
expect_out "SYNC FAILED"
severe_is "fails.lua:13: the source went away"
expect_err "rolled back: the database is as the last checkpoint left it"
# The rows, the column "extra", the table "later" and their records after
# the checkpoint are gone: PostgreSQL's DDL rolled back with the data.
expect_pg "SELECT id, v, _fivetran_deleted FROM $S.t ORDER BY id" $'1|a|f\n2|b|f'
expect_pg "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns
           WHERE table_schema = '$S' AND table_name = 't'" "id,v,_fivetran_synced,_fivetran_deleted"
expect_pg "SELECT count(*) FROM information_schema.tables WHERE table_schema = '$S' AND table_name = 'later'" 0
expect_pg "SELECT table_name, column_name FROM $S._clua_columns ORDER BY 1, 2" $'t|id\nt|v'
expect_pg "SELECT convert_from(state, 'UTF8') FROM $S._clua_state" '{"page":1}'
expect_pg "SELECT id, status, error FROM $S._clua_syncs" "1|failed|fails.lua:13: the source went away"
expect_pg "SELECT sync_id, seq, convert_from(state, 'UTF8') FROM $S._clua_sync_checkpoints" '1|1|{"page":1}'

run fails.lua --output "$URL"
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_err "INFO     resumed at page 1"
expect_pg "SELECT id, v, extra, _fivetran_deleted FROM $S.t ORDER BY id" $'1|a||f\n2|b||f\n3|c2|7|f'
expect_pg "SELECT convert_from(state, 'UTF8') FROM $S._clua_state" '{"page":2}'
expect_pg "SELECT id, status FROM $S._clua_syncs ORDER BY id" $'1|failed\n2|succeeded'

# kill -9 mid-sync. pages.lua does eight pages, each upserting 50 rows,
# updating one row of the page before and deleting another, then working a
# while before its checkpoint: a kill lands among uncommitted ops.
pg_reset_schema
UNCUT=${PG_SCHEMA}_uncut
pg_reset_schema "$UNCUT"
write pages.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", v = "STRING", n = "LONG" } } }
end
function update(configuration, state)
  local page = state.page or 0
  while page < 8 do
    page = page + 1
    for k = 1, 50 do
      local id = page * 100 + k
      op.upsert("t", { id = id, v = "p" .. page, n = id * 3 })
    end
    if page > 1 then
      op.update("t", { id = (page - 1) * 100 + 1, v = "touched by " .. page })
      op.delete("t", { id = (page - 1) * 100 + 2 })
    end
    local stop = os.clock() + 0.15
    while os.clock() < stop do end
    op.checkpoint({ page = page })
  end
end
LUA
run pages.lua --output "$CLUA_PG_URL&schema=$UNCUT"
expect_exit 0
expect_pg "SELECT count(*), count(*) FILTER (WHERE _fivetran_deleted), count(*) FILTER (WHERE v LIKE 'touched by %'), sum(n)
           FROM $UNCUT.t" "400|7|7|570600"
ROWS="SELECT id, v, n, _fivetran_deleted FROM %s.t ORDER BY id"

for at in 2 5; do
  pg_kill_at pages.lua "$S" "$at"
  # Exactly the checkpoints: P pages of 50 rows, P - 1 deleted, nothing of page P + 1.
  P=$(pg_sql "SELECT (convert_from(state, 'UTF8')::jsonb->>'page')::int FROM $S._clua_state")
  [ "$P" -ge "$at" ] && [ "$P" -lt 8 ] || fail "killed at page $at, the state says page $P"
  expect_pg "SELECT count(*), count(*) FILTER (WHERE _fivetran_deleted), max(id) FROM $S.t" \
    "$((50 * P))|$((P - 1))|$((100 * P + 50))"
  expect_pg "SELECT count(*) FROM $S.t WHERE v = 'touched by $((P + 1))'" 0
  expect_pg "SELECT status, ended_at IS NULL FROM $S._clua_syncs ORDER BY id DESC LIMIT 1" "running|t"
done
# The rerun starts from the last checkpoint and ends with the uncut run's rows.
run pages.lua --output "$URL"
expect_exit 0
expect_out "SYNC SUCCEEDED"
# shellcheck disable=SC2059
[ "$(pg_sql "$(printf "$ROWS" "$S")")" = "$(pg_sql "$(printf "$ROWS" "$UNCUT")")" ] ||
  fail "after kill -9 and a rerun, $S.t differs from the uncut run's $UNCUT.t"
expect_pg "SELECT count(*) FROM $S.t" 400
expect_pg "SELECT convert_from(state, 'UTF8') FROM $S._clua_state" '{"page":8}'
expect_pg "SELECT string_agg(status, ',' ORDER BY id) FROM $S._clua_syncs" "unfinished,unfinished,succeeded"
pg_reset_schema
pg_reset_schema "$UNCUT"
