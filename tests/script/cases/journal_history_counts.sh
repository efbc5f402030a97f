# Committed counts of history tables and sweeps (journal + history mode):
# an op on a history table may close one version and insert another, yet
# counts one upsert; a re-sent version refreshes _fivetran_synced, which is
# a change, as an identical upsert on a plain table is; a delete counts the
# version it closed, none when there is no row; op.sweep counts each row
# it swept, as calls and as committed deletes, in the checkpoint after it.
write s.lua <<'LUA'
function schema()
  return { { table = "h", primary_key = { "id" }, history = { start = "at" },
             columns = { id = "INT", at = "UTC_DATETIME", v = "STRING" } },
           { table = "p", primary_key = { "id" } } }
end
function update(configuration, state)
  op.upsert("h", { id = 1, at = "2024-01-01T00:00:00Z", v = "a" })
  op.upsert("h", { id = 1, at = "2024-01-01T00:00:00Z", v = "a" })  -- re-sent
  op.upsert("h", { id = 1, at = "2024-01-02T00:00:00Z", v = "b" })  -- closes "a"
  op.upsert("h", { id = 2, at = "2024-01-01T00:00:00Z", v = "c" })
  op.delete("h", { id = 2 })                                         -- closes "c"
  op.delete("h", { id = 3 })                                         -- no such row
  for id = 1, 3 do op.upsert("p", { id = id }) end
  op.checkpoint({ n = 1 })
  log.info("swept " .. op.sweep("p", time.now() + 1000))
end
LUA
run s.lua --output o --log-format json
expect_exit 0
python3 - <<'PY' || fail "summary: $(cat out)"
import json
s = json.loads(open("out").read())
assert (s["upserts"], s["deletes"]) == (7, 5), s
assert s["committed"] == {"upserts": 7, "updates": 0, "deletes": 4, "truncates": 0}, s
PY
expect_err '"message":"swept 3"'
expect_sql o/warehouse.db \
  "SELECT seq, table_name, upserted, updated, deleted, truncated FROM _clua_sync_tables ORDER BY seq, table_name" \
  "1|h|4|0|1|0
1|p|3|0|0|0
2|p|0|0|3|0"
expect_sql o/warehouse.db "SELECT id, v, _fivetran_active FROM h ORDER BY id, _fivetran_start" \
  "1|a|0
1|b|1
2|c|0"
