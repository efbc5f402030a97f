# Widening never changes a value. Numbers become the shortest text that
# reads back to the same value, whatever path they took (5 stays "5", never
# "5.0"); an integer a double cannot hold exactly sends a column to STRING
# instead of DOUBLE, keeping every digit; and a row of a table without a key
# keeps its _fivetran_id through every widening, so sending it again finds
# it instead of adding a copy.
write w.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT" } } }
end
function update(configuration, state)
  -- LONG -> DOUBLE -> STRING
  op.upsert("t", { id = 1, a = 5 }); op.upsert("t", { id = 2, a = 2.5 }); op.upsert("t", { id = 3, a = "x" })
  -- a LONG holding 2^53 + 1 meets a float: STRING, not DOUBLE
  op.upsert("t", { id = 11, big = 9007199254740993 }); op.upsert("t", { id = 12, big = 0.5 })
  -- a DOUBLE meets such an integer
  op.upsert("t", { id = 21, d = 1.5 }); op.upsert("t", { id = 22, d = -9007199254740993 })
  -- a LONG whose integers a double holds exactly goes to DOUBLE
  op.upsert("t", { id = 31, ok = 9007199254740992 }); op.upsert("t", { id = 32, ok = 0.25 })
  -- floats straight into text, and through the ladder
  op.upsert("t", { id = 41, f = 1e300 }); op.upsert("t", { id = 42, f = 0.1 })
  op.upsert("t", { id = 43, f = 30.0 }); op.upsert("t", { id = 44, f = "s" })
end
LUA
run w.lua --output o
expect_exit 0
expect_sql o/warehouse.db "SELECT id, quote(coalesce(a, big, d, ok, f)) FROM t ORDER BY id" \
"1|'5'
2|'2.5'
3|'x'
11|'9007199254740993'
12|'0.5'
21|'1.5'
22|'-9007199254740993'
31|9.00719925474099199994e+15
32|0.25
41|'1e+300'
42|'0.1'
43|'30'
44|'s'"
expect_sql o/warehouse.db "SELECT column_name, logical_type FROM _clua_columns WHERE table_name = 't' AND column_name IN ('a', 'big', 'd', 'ok', 'f') ORDER BY column_name" \
"a|STRING
big|STRING
d|STRING
f|STRING
ok|DOUBLE"
expect_err 'widened column "big" of table "t" from LONG to STRING for a number value'
expect_err 'widened column "d" of table "t" from DOUBLE to STRING for a number value'
expect_sql o/warehouse.db "SELECT ok = 9007199254740992 FROM t WHERE id = 31" "1"

# A declared DOUBLE refuses what it cannot hold exactly.
write decl.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", d = "DOUBLE" } } }
end
function update(configuration, state) op.upsert("t", { id = 1, d = 9007199254740993 }) end
LUA
run decl.lua --output decl
expect_exit 1
severe_is 'decl.lua:4: op.upsert("t") id=1: column "d" is DOUBLE, got integer 9007199254740993 (not exact as a double: store it as a string)'

# Ids of a keyless table survive every widening: the same row sent after
# each one is still one row, with the id it had before.
# (The script reads its ids with dest_reader's read.sh, through the mirror
# against PostgreSQL.)
dest_reader read.sh
write k.lua <<'LUA'
local function id_of(where)
  local f = io.popen("sh read.sh k/warehouse.db \"SELECT _fivetran_id FROM free WHERE " .. where .. "\"")
  local id = f:read("l"); f:close(); return assert(id, "no row where " .. where)
end
function update(configuration, state)
  op.upsert("free", { v = 42 })
  op.checkpoint({})
  local before = id_of("v = 42")
  op.upsert("free", { v = 2.5 })    -- LONG -> DOUBLE
  op.upsert("free", { v = 42 })
  op.checkpoint({})
  assert(id_of("v = 42") == before, "id changed by LONG -> DOUBLE")
  op.upsert("free", { v = "x" })    -- DOUBLE -> STRING
  op.upsert("free", { v = 42 })
  op.upsert("free", { v = 42.0 })
  op.upsert("free", { v = "42" })
  op.checkpoint({})
  assert(id_of("v = '42'") == before, "id changed by DOUBLE -> STRING")
end
LUA
run k.lua --output k
expect_exit 0
expect_sql k/warehouse.db "SELECT v FROM free ORDER BY v" $'2.5\n42\nx'

# A boolean keeps its id when its column becomes a number, and a row that
# op.update changed keeps its id when another column widens: ids are never
# computed anew by a widening. (Both once moved, so a delete by the old id
# missed.) An integer a double holds exactly reads the same through DOUBLE
# as straight into STRING.
write ids.lua <<'LUA'
local function id_of(where)
  local f = io.popen("sh read.sh i/warehouse.db \"SELECT _fivetran_id FROM free WHERE " .. where .. "\"")
  local id = f:read("l"); f:close(); return assert(id, "no row where " .. where)
end
function update(configuration, state)
  op.upsert("free", { v = false })
  op.upsert("free", { v = 7, b = "first" })
  op.checkpoint({})
  local flag, seven = id_of("v = 0"), id_of("v = 7")
  op.update("free", { _fivetran_id = seven, b = "changed" })
  op.upsert("free", { v = 0.5 })           -- v: BOOLEAN -> DOUBLE
  op.upsert("free", { c = 1 }); op.upsert("free", { c = "s" })  -- c: LONG -> STRING
  op.upsert("free", { v = false })         -- the same row again: no copy
  op.checkpoint({})
  assert(id_of("v = 0") == flag, "the boolean's id moved")
  assert(id_of("v = 7") == seven, "the updated row's id moved")
  op.delete("free", { _fivetran_id = flag })
  op.delete("free", { _fivetran_id = seven })
  op.upsert("big", { n = 1152921504606846976 }); op.upsert("big", { n = 0.5 }); op.upsert("big", { n = "s" })
  op.upsert("direct", { n = "s" }); op.upsert("direct", { n = 1152921504606846976 })
end
LUA
run ids.lua --output i
expect_exit 0
expect_sql i/warehouse.db "SELECT count(*), sum(_fivetran_deleted) FROM free WHERE v = 0 OR v = 7" "2|2"
expect_sql i/warehouse.db "SELECT (SELECT n FROM big WHERE n LIKE '11%') = (SELECT n FROM direct WHERE n LIKE '11%')" "1"
expect_sql i/warehouse.db "SELECT n FROM big WHERE n LIKE '11%'" "1152921504606846976"
