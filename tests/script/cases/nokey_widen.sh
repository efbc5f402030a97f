# Identical rows are one row in a table without a primary key also when a
# column of it has been widened: the stored values are converted to the
# wider type, and the same row upserted afterwards (whose values convert to
# exactly what is stored) must find that row, not add a copy of it.

# Widened by data, in one run: v is LONG, then STRING.
write data.lua <<'LUA'
function update(configuration, state)
  op.upsert("free", { k = "a", v = 1 })
  op.upsert("free", { k = "b", v = "x" })    -- widens v to STRING: row a holds '1'
  op.upsert("free", { k = "a", v = 1 })      -- row a again, its v now the text '1'
  op.upsert("free", { k = "a", v = "1" })    -- and once more, as text
end
LUA
run data.lua --output o
expect_exit 0
expect_sql o/warehouse.db "SELECT k, quote(v) FROM free ORDER BY k, v" $'a|\'1\'\nb|\'x\''
expect_sql o/warehouse.db "SELECT count(*) FROM free WHERE k = 'a'" "1"

# The same rows written straight into a STRING column, in another output
# directory, have the same ids as the widened table's.
write direct.lua <<'LUA'
function update(configuration, state)
  op.upsert("free", { k = "a", v = "1" })
  op.upsert("free", { k = "b", v = "x" })
end
LUA
run direct.lua --output fresh
expect_exit 0
expect_sql o/warehouse.db "SELECT group_concat(_fivetran_id, ',') FROM (SELECT _fivetran_id FROM free ORDER BY k)" \
  "$(sqlite3 fresh/warehouse.db "SELECT group_concat(_fivetran_id, ',') FROM (SELECT _fivetran_id FROM free ORDER BY k)")"

# Widened by schema(), across runs of one connector: x INT, then STRING.
write h.lua <<'LUA'
function schema(configuration) return { { table = "h", columns = { x = "INT" } } } end
function update(configuration, state) op.upsert("h", { x = 1 }) end
LUA
run h.lua --output s
expect_exit 0
write h.lua <<'LUA'
function schema(configuration) return { { table = "h", columns = { x = "STRING" } } } end
function update(configuration, state) op.upsert("h", { x = 1 }) end
LUA
run h.lua --output s
expect_exit 0
expect_out "SchemaChanges  | 1"
expect_sql s/warehouse.db "SELECT count(*), group_concat(quote(x)) FROM h" "1|'1'"
