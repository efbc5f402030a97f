# Schema changes across runs: a column (or a table) that schema() declares
# and the database lacks is added; existing rows get NULL; SchemaChanges
# counts only real changes, so the same declaration again counts 0, and
# declaring a column that data had already typed, with that type, counts 0.

write add.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", a = "STRING" } } }
end
function update(configuration, state)
  op.upsert("t", { id = 1, a = "x", extra = 5 })   -- extra: typed by data
  op.upsert("t", { id = 2, a = "y" })
  op.checkpoint({ run = 1 })
end
LUA
run add.lua --output o
expect_exit 0
expect_out "SchemaChanges  | 2"        # table t, column extra

write add.lua <<'LUA'
function schema(configuration)
  return {
    { table = "t", primary_key = { "id" },
      columns = { id = "INT", a = "STRING", extra = "LONG", b = "INT",
                  price = { type = "DECIMAL", precision = 10, scale = 2 }, at = "UTC_DATETIME" } },
    { table = "u", primary_key = { "k" }, columns = { k = "STRING" } },
  }
end
function update(configuration, state)
  op.upsert("t", { id = 3, a = "z", extra = 6, b = 7, price = "1.5", at = "2024-01-02T03:04:05+01:00" })
  op.checkpoint({ run = 2 })
end
LUA
run add.lua --output o
expect_exit 0
# columns b, price, at and table u; extra was there with that type already
expect_out "SchemaChanges  | 4"
expect_sql o/warehouse.db "SELECT id, a, quote(extra), quote(b), quote(price), quote(at) FROM t ORDER BY id" \
"1|x|5|NULL|NULL|NULL
2|y|NULL|NULL|NULL|NULL
3|z|6|7|'1.50'|'2024-01-02T02:04:05.000Z'"
expect_sql o/warehouse.db "SELECT column_name, logical_type, quote(precision), quote(scale), declared FROM _clua_columns WHERE table_name = 't' ORDER BY column_name" \
'a|STRING|NULL|NULL|1
at|UTC_DATETIME|NULL|NULL|1
b|INT|NULL|NULL|1
extra|LONG|NULL|NULL|1
id|INT|NULL|NULL|1
price|DECIMAL|10|2|1'
expect_sql o/warehouse.db "SELECT name, type FROM pragma_table_info('t') WHERE name IN ('b', 'price', 'at') ORDER BY name" \
$'at|TEXT\nb|INTEGER\nprice|TEXT'
expect_sql o/warehouse.db "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'u'" "u"
expect_state o '{"run":2}'

# The same declaration again: nothing changes.
run add.lua --output o
expect_exit 0
expect_out "SchemaChanges  | 0"
expect_sql o/warehouse.db "SELECT count(*) FROM t" "3"
