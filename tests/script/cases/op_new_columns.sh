# Columns that schema() does not declare: added on first sight, typed from
# the first non-null value (README "Types"), recorded in _clua_columns, counted as
# schema changes; existing rows get NULL; a null-only column is not made.
SCHEMA='function schema(configuration)
  return {
    { table = "ev", primary_key = { "id" } },                          -- key without a type
    { table = "tag", primary_key = { "code" }, columns = { n = "INT" } },
  }
end'
write cols.lua <<LUA
$SCHEMA
function update(configuration, state)
  op.upsert("ev", { id = 1, flag = true, n = 5, f = 1.5, s = "hi",
                    obj = { b = { 2, 3 }, a = "x" }, never = json.null })
  op.upsert("ev", { id = 2, flag = false, n = -7, f = 2.0, s = "", obj = { 1, true } })
  op.upsert("ev", { id = 3, late = json.null })   -- still null: no column
  op.upsert("ev", { id = 4, late = 8 })           -- now it is made, a LONG
  op.update("ev", { id = 1, via_update = "u" })   -- an update may add a column too
  op.upsert("tag", { code = "abc", n = 1 })       -- key typed from "abc": STRING
  op.checkpoint({})
end
LUA
run cols.lua --output o
expect_exit 0
expect_out "SYNC SUCCEEDED"
# 2 tables + flag, n, f, s, obj, late, via_update
expect_out "SchemaChanges  | 9"
expect_err 'added column "flag" BOOLEAN to table "ev"'
COLS="SELECT column_name, logical_type, quote(precision), quote(scale), primary_key FROM _clua_columns WHERE table_name = 'ev' ORDER BY column_name"
expect_sql o/warehouse.db "$COLS" $'f|DOUBLE|NULL|NULL|0
flag|BOOLEAN|NULL|NULL|0
id|LONG|NULL|NULL|1
late|LONG|NULL|NULL|0
n|LONG|NULL|NULL|0
obj|JSON|NULL|NULL|0
s|STRING|NULL|NULL|0
via_update|STRING|NULL|NULL|0'
expect_sql o/warehouse.db "SELECT column_name, logical_type, primary_key FROM _clua_columns WHERE table_name = 'tag' ORDER BY column_name" \
  $'code|STRING|1\nn|INT|0'
# positions are distinct and dense, the key first
expect_sql o/warehouse.db "SELECT count(DISTINCT position), min(position), max(position) FROM _clua_columns WHERE table_name = 'ev'" "8|0|7"
expect_sql o/warehouse.db "SELECT position FROM _clua_columns WHERE table_name = 'ev' AND column_name = 'id'" "0"
expect_sql o/warehouse.db "SELECT count(*) FROM pragma_table_info('ev') WHERE name = 'never'" "0"
expect_sql o/warehouse.db "SELECT count(*) FROM _clua_columns WHERE column_name = 'never'" "0"
expect_sql o/warehouse.db "SELECT id, typeof(id), quote(flag), quote(n), quote(f), typeof(f), quote(s), quote(obj), quote(late), quote(via_update) FROM ev ORDER BY id" \
  $'1|integer|1|5|1.5|real|\'hi\'|\'{"a":"x","b":[2,3]}\'|NULL|\'u\'
2|integer|0|-7|2.0|real|\'\'|\'[1,true]\'|NULL|NULL
3|integer|NULL|NULL|NULL|null|NULL|NULL|NULL|NULL
4|integer|NULL|NULL|NULL|null|NULL|NULL|8|NULL'
expect_sql o/warehouse.db "SELECT code, typeof(code), n FROM tag" "abc|text|1"

# A later run adds a column to a table that has rows: they get NULL; the
# columns known already are no schema change.
run_update cols.lua "$SCHEMA" 'op.upsert("ev", { id = 5, flag = true, n = 1, f = 0.5, s = "s", obj = {}, added = 1.25 })' \
  'op.upsert("tag", { code = "xyz", n = 2, more = "m" })'
expect_exit 0
expect_out "SchemaChanges  | 2"
expect_sql o/warehouse.db "SELECT id, quote(added) FROM ev ORDER BY id" $'1|NULL\n2|NULL\n3|NULL\n4|NULL\n5|1.25'
expect_sql o/warehouse.db "SELECT code, n, quote(more) FROM tag ORDER BY code" $'abc|1|NULL\nxyz|2|\'m\''
expect_sql o/warehouse.db "SELECT logical_type, position FROM _clua_columns WHERE table_name = 'ev' AND column_name = 'added'" "DOUBLE|8"
expect_sql o/warehouse.db "SELECT logical_type FROM _clua_columns WHERE table_name = 'tag' AND column_name = 'more'" "STRING"

# The same calls again: nothing new.
run cols.lua --output o
expect_exit 0
expect_out "SchemaChanges  | 0"
