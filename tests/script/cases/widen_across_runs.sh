# Widening of undeclared columns across runs (README "Types"): the column's type and
# its being undeclared are kept in _clua_columns, so a later run's value of
# another type widens it and converts what earlier runs stored; a table with
# many rows is converted whole (other columns, _fivetran_synced and
# _fivetran_deleted untouched, the key kept); a primary-key column declared
# without a type takes its first value's type and is widened the same way.

write widen.lua <<'LUA'
function schema(configuration)
  return {
    { table = "big", primary_key = { "id" }, columns = { id = "LONG" } },
    { table = "ev", primary_key = { "id" } },              -- id: no type
  }
end
function update(configuration, state)
  for i = 1, 5000 do
    op.upsert("big", { id = i, n = i, flag = (i % 2 == 0), label = "r" .. i })
  end
  for i = 1, 5000, 10 do op.delete("big", { id = i }) end  -- 500 soft-deleted
  for i = 1, 3 do op.upsert("ev", { id = i, what = "e" .. i }) end
  op.checkpoint({ run = 1 })
end
LUA
run widen.lua --output o
expect_exit 0
expect_sql o/warehouse.db "SELECT column_name, logical_type, declared FROM _clua_columns WHERE table_name = 'big' ORDER BY column_name" \
'flag|BOOLEAN|0
id|LONG|1
label|STRING|0
n|LONG|0'
expect_sql o/warehouse.db "SELECT logical_type, declared, primary_key FROM _clua_columns WHERE table_name = 'ev' AND column_name = 'id'" "LONG|0|1"
expect_sql o/warehouse.db "SELECT count(*), sum(n), sum(flag), sum(_fivetran_deleted), group_concat(DISTINCT typeof(n)), group_concat(DISTINCT typeof(flag)) FROM big" \
  "5000|12502500|2500|500|integer|integer"
expect_sql o/warehouse.db "SELECT group_concat(quote(id) || ':' || typeof(id), ',') FROM (SELECT id FROM ev ORDER BY id)" "1:integer,2:integer,3:integer"
sqlite3 -batch o/warehouse.db "SELECT id, label, _fivetran_synced, _fivetran_deleted FROM big ORDER BY id" > kept.before

# Run 2: one float into n, one string into flag, one string key into ev.
write widen.lua <<'LUA'
function schema(configuration)
  return {
    { table = "big", primary_key = { "id" }, columns = { id = "LONG" } },
    { table = "ev", primary_key = { "id" } },
  }
end
function update(configuration, state)
  op.upsert("big", { id = 5001, n = 0.5, flag = "maybe", label = "new" })
  op.upsert("ev", { id = "k", what = "string key" })
  -- after the widening a number key is the text key of its old row
  op.upsert("ev", { id = 2, what = "replaced by number" })
  op.upsert("ev", { id = "3", what = "replaced by text" })
end
LUA
run widen.lua --output o
expect_exit 0
expect_out "SchemaChanges  | 3"
expect_err 'widened column "n" of table "big" from LONG to DOUBLE for a number value'
expect_err 'widened column "flag" of table "big" from BOOLEAN to STRING for a string value'
expect_err 'widened column "id" of table "ev" from LONG to STRING for a string value'

# every old row converted: n is real, flag is 'true'/'false' text
expect_sql o/warehouse.db "SELECT count(*), group_concat(DISTINCT typeof(n)), group_concat(DISTINCT typeof(flag)) FROM big" "5001|real|text"
expect_sql o/warehouse.db "SELECT sum(n), count(*) FILTER (WHERE n = id) FROM big" "12502500.5|5000"
expect_sql o/warehouse.db "SELECT flag, count(*) FROM big GROUP BY flag ORDER BY flag" $'false|2500\nmaybe|1\ntrue|2500'
expect_sql o/warehouse.db "SELECT count(*) FROM big WHERE flag <> CASE WHEN id % 2 = 0 THEN 'true' ELSE 'false' END AND id <= 5000" "0"
expect_sql o/warehouse.db "SELECT quote(n), flag, typeof(id) FROM big WHERE id IN (1, 2, 5001) ORDER BY id" \
$'1.0|false|integer
2.0|true|integer
0.5|maybe|integer'
# the other columns, the sync times and the deleted flags are as they were
sqlite3 -batch o/warehouse.db "SELECT id, label, _fivetran_synced, _fivetran_deleted FROM big WHERE id <= 5000 ORDER BY id" > kept.after
cmp -s kept.before kept.after || fail "widening changed other columns of the old rows of big"
expect_sql o/warehouse.db "SELECT name, type, pk FROM pragma_table_info('big') ORDER BY name" \
'_fivetran_deleted|INTEGER|0
_fivetran_synced|TEXT|0
flag|TEXT|0
id|INTEGER|1
label|TEXT|0
n|REAL|0'
expect_sql o/warehouse.db "SELECT column_name, logical_type, declared FROM _clua_columns WHERE table_name = 'big' ORDER BY column_name" \
'flag|STRING|0
id|LONG|1
label|STRING|0
n|DOUBLE|0'

# ev: the untyped key became STRING, old keys are text, and a number key
# finds its old row instead of adding one
expect_sql o/warehouse.db "SELECT logical_type, declared, primary_key FROM _clua_columns WHERE table_name = 'ev' AND column_name = 'id'" "STRING|0|1"
expect_sql o/warehouse.db "SELECT quote(id), typeof(id), what FROM ev ORDER BY id" \
"'1'|text|e1
'2'|text|replaced by number
'3'|text|replaced by text
'k'|text|string key"
expect_sql o/warehouse.db "SELECT name FROM pragma_table_info('ev') WHERE pk > 0" "id"
expect_state o '{"run":1}'

# Run 3: the same again widens nothing; an integer into the DOUBLE column is
# stored as a real, a boolean into the STRING column as text.
write widen.lua <<'LUA'
function update(configuration, state)
  op.upsert("big", { id = 5002, n = 7, flag = true })
  op.upsert("ev", { id = 4 })
end
LUA
run widen.lua --output o
expect_exit 0
expect_out "SchemaChanges  | 0"
expect_no_err "widened"
expect_sql o/warehouse.db "SELECT quote(n), quote(flag) FROM big WHERE id = 5002" "7.0|'true'"
expect_sql o/warehouse.db "SELECT quote(id) FROM ev WHERE what IS NULL" "'4'"
expect_sql o/warehouse.db "SELECT count(DISTINCT typeof(n)), count(DISTINCT typeof(flag)) FROM big" "1|1"
