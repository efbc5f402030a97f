# Widening of undeclared columns within one run (README "Types"): a later value of
# another type widens the column losslessly (BOOLEAN < LONG < DOUBLE, anything
# else STRING) and converts the values it holds already, so every value of a
# column has one SQLite type. Booleans become 0/1 as numbers and
# "true"/"false" as text; a table in a scalar column becomes its JSON text.
# The values are looked at twice: by the script itself right after a
# checkpoint (before the widening values arrive), and after the run.

# snap.sh OUT: one line per column: quote(value):typeof(value) of every row
# (read with dest_reader's read.sh: against PostgreSQL, through the mirror).
COLS="b2l b2d b2s l2d l2s d2s l2tbl b2tbl js s l_stays d_stays"
dest_reader read.sh
SNAP=""
for c in $COLS; do
  SNAP+="SELECT '$c ' || coalesce((SELECT group_concat(quote($c) || ':' || typeof($c), ',') FROM (SELECT $c FROM w ORDER BY id)), '');"
done
write snap.sh <<SH
sh read.sh o/warehouse.db -batch "$SNAP" > "\$1"
SH

write w.lua <<'LUA'
function schema(configuration)
  return { { table = "w", primary_key = { "id" }, columns = { id = "INT" } } }
end
function update(configuration, state)
  -- rows 1 and 2 give every column its first type
  op.upsert("w", { id = 1, b2l = true, b2d = true, b2s = true, l2d = 1, l2s = 1, d2s = 1.5,
                   l2tbl = 5, b2tbl = true, js = { a = 1 }, s = "a", l_stays = 1, d_stays = 1.5 })
  op.upsert("w", { id = 2, b2l = false, b2d = false, b2s = false, l2d = -2, l2s = -2, d2s = 0.25,
                   l2tbl = -1, b2tbl = false, js = {}, s = "b", l_stays = 2, d_stays = 2.5 })
  op.checkpoint({ step = 1 })
  assert(os.execute("sh snap.sh before.txt"))
  -- row 3 brings values of other types
  op.upsert("w", { id = 3, b2l = 7, b2d = 2.5, b2s = "yes", l2d = 0.5, l2s = "x", d2s = "x",
                   l2tbl = { a = 1, b = { true } }, b2tbl = { 1, 2 }, js = 5, s = 5,
                   l_stays = true, d_stays = 3 })
  -- row 4 brings the first kinds again, into the widened columns
  op.upsert("w", { id = 4, b2l = true, b2d = false, b2s = true, l2d = 3, l2s = 3, d2s = 2.0,
                   l2tbl = 6, b2tbl = false, js = "s", s = true, l_stays = false, d_stays = true })
end
LUA
run w.lua --output o
expect_exit 0
expect_out "SYNC SUCCEEDED"

expect_file_eq before.txt "b2l 1:integer,0:integer
b2d 1:integer,0:integer
b2s 1:integer,0:integer
l2d 1:integer,-2:integer
l2s 1:integer,-2:integer
d2s 1.5:real,0.25:real
l2tbl 5:integer,-1:integer
b2tbl 1:integer,0:integer
js '{\"a\":1}':text,'{}':text
s 'a':text,'b':text
l_stays 1:integer,2:integer
d_stays 1.5:real,2.5:real"

sh snap.sh after.txt
expect_file_eq after.txt "b2l 1:integer,0:integer,7:integer,1:integer
b2d 1.0:real,0.0:real,2.5:real,0.0:real
b2s 'true':text,'false':text,'yes':text,'true':text
l2d 1.0:real,-2.0:real,0.5:real,3.0:real
l2s '1':text,'-2':text,'x':text,'3':text
d2s '1.5':text,'0.25':text,'x':text,'2':text
l2tbl '5':text,'-1':text,'{\"a\":1,\"b\":[true]}':text,'6':text
b2tbl 'true':text,'false':text,'[1,2]':text,'false':text
js '{\"a\":1}':text,'{}':text,'5':text,'\"s\"':text
s 'a':text,'b':text,'5':text,'true':text
l_stays 1:integer,2:integer,1:integer,0:integer
d_stays 1.5:real,2.5:real,3.0:real,1.0:real"

# typeof() agrees within every column
for c in $COLS; do
  expect_sql o/warehouse.db "SELECT count(DISTINCT typeof($c)) FROM w" "1"
done

# the logical types, none of them declared
expect_sql o/warehouse.db "SELECT column_name, logical_type, declared FROM _clua_columns WHERE table_name = 'w' AND column_name <> 'id' ORDER BY column_name" \
'b2d|DOUBLE|0
b2l|LONG|0
b2s|STRING|0
b2tbl|STRING|0
d2s|STRING|0
d_stays|DOUBLE|0
js|JSON|0
l2d|DOUBLE|0
l2s|STRING|0
l2tbl|STRING|0
l_stays|LONG|0
s|STRING|0'
# and the SQLite column types follow them
expect_sql o/warehouse.db "SELECT name, type FROM pragma_table_info('w') WHERE name IN ('b2l', 'b2d', 'b2s', 'id') ORDER BY name" \
'b2d|REAL
b2l|INTEGER
b2s|TEXT
id|INTEGER'
# the primary key survives the rebuild of the table
expect_sql o/warehouse.db "SELECT name FROM pragma_table_info('w') WHERE pk > 0" "id"

expect_err 'widened column "b2l" of table "w" from BOOLEAN to LONG for a number value'
expect_err 'widened column "b2s" of table "w" from BOOLEAN to STRING for a string value'
expect_err 'widened column "l2d" of table "w" from LONG to DOUBLE for a number value'
expect_err 'widened column "l2tbl" of table "w" from LONG to STRING for a table value'
expect_no_err 'widened column "js"'
expect_no_err 'widened column "s"'
expect_no_err 'widened column "l_stays"'
expect_no_err 'widened column "d_stays"'
# 1 table + 12 columns added + 8 columns widened
expect_out "SchemaChanges  | 21"
expect_out "Upserts        | 4"

# A column climbing the whole ladder in one run ends as STRING with text in
# every row; a row upserted again after the widening replaces its row.
write chain.lua <<'LUA'
function update(configuration, state)
  op.upsert("c", { k = "a", v = true })
  op.upsert("c", { k = "b", v = 5 })
  op.upsert("c", { k = "c", v = 2.5 })
  op.upsert("c", { k = "d", v = "text" })
end
LUA
run chain.lua --output chain
expect_exit 0
expect_out "SchemaChanges  | 6"
expect_sql chain/warehouse.db "SELECT logical_type FROM _clua_columns WHERE table_name = 'c' AND column_name = 'v'" "STRING"
expect_sql chain/warehouse.db "SELECT count(*), group_concat(DISTINCT typeof(v)) FROM c" "4|text"
expect_sql chain/warehouse.db "SELECT v FROM c WHERE k = 'd'" "text"
