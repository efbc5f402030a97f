# Declared columns are never widened by data (README "Types"): a value that does not
# fit is an error naming the column, its type and the value. Being declared
# is kept in _clua_columns.declared, so a later run without the declaration
# still refuses; a column first typed by data and then declared in schema()
# becomes declared (same type: no schema change; a wider type: widened).
# Each later version of the connector is NAME/decl.lua (one file name).

SCHEMA='function schema(configuration)
  return { { table = "t", primary_key = { "id" },
             columns = { id = "INT", v = "LONG", d = "DOUBLE", b = "BOOLEAN", s = "STRING" } } }
end'
write decl.lua <<LUA
$SCHEMA
local function try(row)
  local ok, err = pcall(function() op.upsert("t", row) end)
  log.info(ok and "accepted" or ("refused: " .. err))
end
function update(configuration, state)
  op.upsert("t", { id = 1, v = 10, d = 1.5, b = true, s = "x" })
  try({ id = 2, v = 2.5 })
  try({ id = 3, d = "x" })
  try({ id = 4, b = 1 })
  try({ id = 5, s = { 1 } })
  try({ id = 6, v = "12" })
  op.upsert("t", { id = 7, v = 3.0, d = 4, s = true })  -- these fit as they are
end
LUA
run decl.lua --output o
expect_exit 0
expect_err 'refused: decl.lua:6: op.upsert("t") id=2: column "v" is LONG, got float 2.5 (not an integer)'
expect_err 'refused: decl.lua:6: op.upsert("t") id=3: column "d" is DOUBLE, got string "x"'
expect_err 'refused: decl.lua:6: op.upsert("t") id=4: column "b" is BOOLEAN, got integer 1'
expect_err 'refused: decl.lua:6: op.upsert("t") id=5: column "s" is STRING, got table'
expect_err 'refused: decl.lua:6: op.upsert("t") id=6: column "v" is LONG, got string "12"'
expect_no_err "accepted"
expect_no_err "widened"
expect_out "SchemaChanges  | 1"
expect_sql o/warehouse.db "SELECT column_name, logical_type, declared FROM _clua_columns WHERE table_name = 't' ORDER BY column_name" \
'b|BOOLEAN|1
d|DOUBLE|1
id|INT|1
s|STRING|1
v|LONG|1'
expect_sql o/warehouse.db "SELECT id, quote(v), quote(d), quote(b), quote(s) FROM t ORDER BY id" \
"1|10|1.5|1|'x'
7|3|4.0|NULL|'true'"

# A later run without schema(): the columns are still declared.
write nodecl/decl.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 8, v = 11 })
  op.upsert("t", { id = 9, v = 2.5 })
end
LUA
run nodecl/decl.lua --output o
expect_exit 1
expect_out "SYNC FAILED"
severe_is 'nodecl/decl.lua:3: op.upsert("t") id=9: column "v" is LONG, got float 2.5 (not an integer)'
expect_no_err "widened"
expect_sql o/warehouse.db "SELECT logical_type, declared FROM _clua_columns WHERE table_name = 't' AND column_name = 'v'" "LONG|1"
expect_sql o/warehouse.db "SELECT count(*), group_concat(DISTINCT typeof(v)) FROM t" "2|integer"

# Columns u and w arrive undeclared (typed by data) ...
write data/decl.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 10, u = 1, w = 2 })
end
LUA
run data/decl.lua --output o
expect_exit 0
expect_sql o/warehouse.db "SELECT column_name, logical_type, declared FROM _clua_columns WHERE table_name = 't' AND column_name IN ('u', 'w') ORDER BY 1" \
$'u|LONG|0\nw|LONG|0'

# ... then schema() declares u with its type (no schema change) and w wider
# (widened, its values converted); both refuse what does not fit from now on.
write later/decl.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", u = "LONG", w = "DOUBLE" } } }
end
local function try(row)
  local ok, err = pcall(function() op.upsert("t", row) end)
  log.info(ok and "accepted" or ("refused: " .. err))
end
function update(configuration, state)
  try({ id = 11, u = 0.5 })
  try({ id = 12, w = "x" })
end
LUA
run later/decl.lua --output o
expect_exit 0
expect_out "SchemaChanges  | 1"
expect_err 'widened column "w" of table "t" from LONG to DOUBLE'
expect_err 'refused: later/decl.lua:5: op.upsert("t") id=11: column "u" is LONG, got float 0.5 (not an integer)'
expect_err 'refused: later/decl.lua:5: op.upsert("t") id=12: column "w" is DOUBLE, got string "x"'
expect_no_err "accepted"
expect_sql o/warehouse.db "SELECT column_name, logical_type, declared FROM _clua_columns WHERE table_name = 't' AND column_name IN ('u', 'w') ORDER BY 1" \
$'u|LONG|1\nw|DOUBLE|1'
expect_sql o/warehouse.db "SELECT quote(u), quote(w) FROM t WHERE id = 10" "1|2.0"
expect_sql o/warehouse.db "SELECT count(DISTINCT typeof(w)) FROM t WHERE w IS NOT NULL" "1"

# And a run without schema() still refuses for them.
write after/decl.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 13, u = "text" })
end
LUA
run after/decl.lua --output o
expect_exit 1
severe_is 'after/decl.lua:2: op.upsert("t") id=13: column "u" is LONG, got string "text"'
expect_sql o/warehouse.db "SELECT logical_type FROM _clua_columns WHERE table_name = 't' AND column_name = 'u'" "LONG"
