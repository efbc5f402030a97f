# A row an op refuses leaves no trace: no column added, no column widened,
# no table created, no log line and nothing counted in SchemaChanges. (A
# row without its key once added its other columns before the key was
# found missing.)
write rej.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", d = "NAIVE_DATE" } } }
end
function update(configuration, state)
  op.upsert("t", { id = 1, n = 5 })                          -- n: LONG
  local refused = {
    { "t", { name = "no id" } },                              -- key missing
    { "t", { id = 2, extra = "x", d = "2024-02-30" } },       -- new column, bad date
    { "t", { id = 3, n = 2.5, d = "not a date" } },           -- would widen n
    { "t", { id = 4, n = "text", f = print } },               -- a function
    { "t", { id = 5, j = { f = print } } },                   -- JSON that cannot be
    { "fresh", { a = 1, b = print } },                        -- a table not made yet
  }
  for _, r in ipairs(refused) do
    local ok, err = pcall(op.upsert, r[1], r[2])
    assert(not ok)
    log.info("refused: " .. err)
  end
  op.upsert("t", { id = 6, n = 7 })
end
LUA
run rej.lua --output o
expect_exit 0
expect_out "SchemaChanges  | 2"
expect_out "Upserts        | 2"
expect_sql o/warehouse.db "SELECT group_concat(name, ',') FROM pragma_table_info('t')" \
  "id,d,_fivetran_synced,_fivetran_deleted,n"
expect_sql o/warehouse.db "SELECT logical_type FROM _clua_columns WHERE table_name = 't' AND column_name = 'n'" "LONG"
expect_sql o/warehouse.db "SELECT group_concat(id || ':' || n, ',') FROM t" "1:5,6:7"
expect_sql o/warehouse.db "SELECT count(*) FROM sqlite_master WHERE name = 'fresh'" "0"
expect_sql o/warehouse.db "SELECT count(*) FROM _clua_columns WHERE table_name = 'fresh'" "0"
expect_no_err 'added column "name"'
expect_no_err 'added column "extra"'
expect_no_err 'widened'
expect_no_err 'created table "fresh"'
expect_err 'refused: op.upsert("t"): primary-key column "id" is missing'
expect_err 'refused: op.upsert("t") id=2: column "d" is NAIVE_DATE (YYYY-MM-DD), got string "2024-02-30" (not a calendar date)'
expect_err 'refused: op.upsert("fresh"): column "b" cannot hold a function'
# the table a refused row did not create is made by the next good one
write rej.lua <<'LUA'
function update(configuration, state)
  assert(not pcall(op.upsert, "fresh", { a = 1, b = print }))
  assert(not pcall(op.update, "fresh", { _fivetran_id = "x", a = 2 }) == false)
  op.upsert("fresh", { a = 1 })
end
LUA
run rej.lua --output o
expect_exit 0
expect_out "SchemaChanges  | 2"
expect_sql o/warehouse.db "SELECT a FROM fresh" "1"
