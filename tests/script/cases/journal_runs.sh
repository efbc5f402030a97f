# The journal of syncs (_clua_syncs, _clua_sync_checkpoints,
# _clua_sync_tables): a successful run, a failed one (its entry written
# after the rollback, its error masked as in the log), the committed
# counts per checkpoint and table (an op after the last checkpoint of a
# failed run is not among them), the bound on kept runs, and that the
# journal is no user table for inspect or `test`.

write s.lua <<'LUA'
function schema() return { { table = "t", primary_key = { "id" } } } end
function update(configuration, state)
  op.upsert("t", { id = 1, v = "a" })
  op.upsert("t", { id = 2, v = "b" })
  op.upsert("u", { k = "x" })
  op.checkpoint({ n = 1 })
  op.update("t", { id = 1, v = "z" })
  op.update("t", { id = 99, v = "nobody" }) -- no such row: a call, no committed row
  op.delete("t", { id = 2 })
  if configuration.fail then
    op.checkpoint({ n = 2 })
    op.upsert("t", { id = 3 })  -- after the last checkpoint: rolled back
    op.truncate("t")
    error("boom with " .. configuration.token)
  end
  op.truncate("u")
end
LUA
printf '{"token":"s3cr3t-value"}' > ok.json
printf '{"fail":true,"token":"s3cr3t-value"}' > fail.json

run s.lua --output o --configuration ok.json
expect_exit 0
expect_sql o/warehouse.db "SELECT id, script, status, error IS NULL, ended_at >= started_at FROM _clua_syncs" \
  "1|s.lua|succeeded|1|1"
# Two commits: the checkpoint and the final one (with the state kept).
expect_sql o/warehouse.db "SELECT seq, state, final FROM _clua_sync_checkpoints WHERE sync_id = 1 ORDER BY seq" \
  "1|{\"n\":1}|0
2|{\"n\":1}|1"
expect_sql o/warehouse.db "SELECT seq, table_name, upserted, updated, deleted, truncated FROM _clua_sync_tables WHERE sync_id = 1 ORDER BY seq, table_name" \
  "1|t|2|0|0|0
1|u|1|0|0|0
2|t|0|1|1|0
2|u|0|0|0|1"

run s.lua --output o --configuration fail.json
expect_exit 1
expect_sql o/warehouse.db "SELECT id, status, error, ended_at IS NOT NULL FROM _clua_syncs WHERE id = 2" \
  "2|failed|s.lua:14: boom with ***|1"
expect_sql o/warehouse.db "SELECT count(*) FROM _clua_syncs WHERE error LIKE '%s3cr3t%'" "0"
# Committed: the first checkpoint's upserts, the second's update and
# delete; the upsert and truncate after it were rolled back.
expect_sql o/warehouse.db "SELECT seq, table_name, upserted, updated, deleted, truncated FROM _clua_sync_tables WHERE sync_id = 2 ORDER BY seq, table_name" \
  "1|t|2|0|0|0
1|u|1|0|0|0
2|t|0|1|1|0"
expect_sql o/warehouse.db "SELECT count(*) FROM _clua_sync_checkpoints WHERE sync_id = 2" "2"
expect_sql o/warehouse.db "SELECT count(*) FROM t WHERE id = 3" "0"

# inspect lists no journal table among the user tables.
run inspect --output o
expect_exit 0
expect_no_out "_clua_sync"
expect_out "Table t:"

# `test` leaves the journal out of the expected file, which would
# otherwise change with every run.
cp s.lua s2.lua
run test s2.lua --update
expect_exit 0
[ -f s2.expected.json ] || fail "test --update wrote no s2.expected.json"
grep -q "_clua" s2.expected.json && fail "the expected file holds a _clua_ table"

# The bound: only the newest 100 runs are kept, with their checkpoints.
write tiny.lua <<'LUA'
function update(c, s) op.upsert("x", { id = 1 }) op.checkpoint({ n = 1 }) end
LUA
for i in $(seq 1 102); do "$CLUA" tiny.lua --output b >/dev/null 2>&1 || fail "run $i failed"; done
expect_sql b/warehouse.db "SELECT count(*), min(id), max(id) FROM _clua_syncs" "100|3|102"
expect_sql b/warehouse.db "SELECT count(*), min(sync_id) FROM _clua_sync_checkpoints" "200|3"
expect_sql b/warehouse.db "SELECT count(DISTINCT sync_id), min(sync_id) FROM _clua_sync_tables" "100|3"

exit $FAILURES
