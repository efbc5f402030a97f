# The journal's counts on PostgreSQL, whose ops are read back from the
# pipeline in batches (at checkpoints, before any other statement, and
# every few thousand ops): one checkpoint interval of more ops than a
# batch holds, mixed with what forces a read mid-batch (a history table's
# ops, a new column, a truncate), counts exactly what SQLite counts, table
# by table, and leaves the same rows.
pg_reset_schema
URL="$CLUA_PG_URL&schema=$PG_SCHEMA"
S=$PG_SCHEMA

write s.lua <<'LUA'
function schema(configuration)
  return {
    { table = "a", primary_key = { "id" }, columns = { id = "INT" } },
    { table = "b", primary_key = { "id" }, columns = { id = "INT" } },
    { table = "h", primary_key = { "id" }, columns = { id = "INT" }, history = true },
  }
end
function update(configuration, state)
  for i = 1, 3000 do
    local row = { id = i, v = "v" .. i }
    if i > 1500 then row.w = i end              -- a new column mid-batch
    op.upsert("a", row)
    if i % 3 == 0 then op.update("a", { id = i - 1, v = "u" }) end
    if i % 7 == 0 then op.update("a", { id = i + 100000, v = "missing" }) end
    if i % 5 == 0 then op.delete("a", { id = i - 2 }) end
    if i % 11 == 0 then op.delete("a", { id = -i }) end
    op.upsert("b", { id = i % 500 })
    if i % 1400 == 0 then                      -- past the bound since the last read
      op.upsert("h", { id = i % 3, v = "x" .. i })
      op.delete("h", { id = (i + 1) % 3 })
      op.truncate("b")
    end
  end
  op.checkpoint({ done = true })
end
LUA
run s.lua --output o
expect_exit 0
run s.lua --output "$URL"
expect_exit 0
for t in a b h; do
  expect_same o/warehouse.db \
    "SELECT upserted, updated, deleted, truncated FROM _clua_sync_tables WHERE table_name = '$t'" \
    "SELECT upserted, updated, deleted, truncated FROM $S._clua_sync_tables WHERE table_name = '$t'" \
    "$(sqlite3 o/warehouse.db "SELECT upserted, updated, deleted, truncated FROM _clua_sync_tables WHERE table_name = '$t'")"
done
# The counts themselves, so that both cannot be wrong alike.
expect_pg "SELECT upserted, updated, deleted FROM $S._clua_sync_tables WHERE table_name = 'a'" "3000|1000|600"
expect_same o/warehouse.db \
  "SELECT count(*), count(*) FILTER (WHERE _fivetran_deleted), count(w), sum(v = 'u') FROM a" \
  "SELECT count(*), count(*) FILTER (WHERE _fivetran_deleted), count(w), count(*) FILTER (WHERE v = 'u') FROM $S.a" \
  "3000|600|1500|1000"

exit $FAILURES
