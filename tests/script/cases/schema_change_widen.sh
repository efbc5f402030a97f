# Schema changes across runs: a declaration with a wider type widens the
# column and converts the values it holds (INT -> LONG, INT -> STRING,
# DECIMAL(15,2) -> DECIMAL(16,3), LONG -> DOUBLE, BOOLEAN -> INT/STRING, ...),
# so every value has the new type; each widening is one schema change and
# is logged; the new type's values are accepted afterwards.

# snap OUT: quote(value):typeof(value) of both rows, one line per column.
COLS="i s d l b bs sh f i2d dt j ds"
snap() {
  for c in $COLS; do
    printf '%s ' "$c"
    sqlite3 -batch o/warehouse.db "SELECT group_concat(quote($c) || ':' || typeof($c), ',') FROM (SELECT $c FROM t WHERE id <= 2 ORDER BY id)"
  done > "$1"
}

write widen.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" },
    columns = { id = "INT", i = "INT", s = "INT", d = { type = "DECIMAL", precision = 15, scale = 2 },
                l = "LONG", b = "BOOLEAN", bs = "BOOLEAN", sh = "SHORT", f = "FLOAT", i2d = "INT",
                dt = "UTC_DATETIME", j = "JSON", ds = { type = "DECIMAL", precision = 5, scale = 2 } } } }
end
function update(configuration, state)
  op.upsert("t", { id = 1, i = 2147483647, s = -5, d = "1234567890123.45", l = 123, b = true,
                   bs = true, sh = 7, f = 1.5, i2d = 3, dt = "2024-01-02T03:04:05+01:00",
                   j = { a = 1 }, ds = 1.5 })
  op.upsert("t", { id = 2, i = -1, s = 0, d = "-0.10", l = -3, b = false, bs = false, sh = -7,
                   f = 0.25, i2d = -4, dt = "1999-12-31T23:59:59.5Z", j = "q", ds = "-999.99" })
  op.checkpoint({ run = 1 })
end
LUA
run widen.lua --output o
expect_exit 0
snap before.txt
expect_file_eq before.txt "i 2147483647:integer,-1:integer
s -5:integer,0:integer
d '1234567890123.45':text,'-0.10':text
l 123:integer,-3:integer
b 1:integer,0:integer
bs 1:integer,0:integer
sh 7:integer,-7:integer
f 1.5:real,0.25:real
i2d 3:integer,-4:integer
dt '2024-01-02T02:04:05.000Z':text,'1999-12-31T23:59:59.500Z':text
j '{\"a\":1}':text,'\"q\"':text
ds '1.50':text,'-999.99':text"

write widen.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" },
    columns = { id = "INT", i = "LONG", s = "STRING", d = { type = "DECIMAL", precision = 16, scale = 3 },
                l = "DOUBLE", b = "INT", bs = "STRING", sh = "INT", f = "DOUBLE", i2d = "DOUBLE",
                dt = "STRING", j = "STRING", ds = "STRING" } } }
end
function update(configuration, state)
  op.upsert("t", { id = 3, i = 1099511627776, s = "str", d = "9999999999999.999", l = 0.5, b = 12,
                   bs = "maybe", sh = 100000, f = 1e300, i2d = 0.125, dt = "soon", j = "{",
                   ds = "n/a" })
  op.checkpoint({ run = 2 })
end
LUA
run widen.lua --output o
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_out "SchemaChanges  | 12"
snap after.txt
expect_file_eq after.txt "i 2147483647:integer,-1:integer
s '-5':text,'0':text
d '1234567890123.450':text,'-0.100':text
l 123.0:real,-3.0:real
b 1:integer,0:integer
bs 'true':text,'false':text
sh 7:integer,-7:integer
f 1.5:real,0.25:real
i2d 3.0:real,-4.0:real
dt '2024-01-02T02:04:05.000Z':text,'1999-12-31T23:59:59.500Z':text
j '{\"a\":1}':text,'\"q\"':text
ds '1.50':text,'-999.99':text"
expect_sql o/warehouse.db "SELECT quote(i), s, d, quote(l), b, bs, sh, quote(f), quote(i2d), dt, j, ds FROM t WHERE id = 3" \
"1099511627776|str|9999999999999.999|0.5|12|maybe|100000|1.0e+300|0.125|soon|{|n/a"
for c in $COLS; do
  expect_sql o/warehouse.db "SELECT count(DISTINCT typeof($c)) FROM t" "1"
done
expect_sql o/warehouse.db "SELECT column_name, logical_type, quote(precision), quote(scale), declared FROM _clua_columns WHERE table_name = 't' ORDER BY column_name" \
'b|INT|NULL|NULL|1
bs|STRING|NULL|NULL|1
d|DECIMAL|16|3|1
ds|STRING|NULL|NULL|1
dt|STRING|NULL|NULL|1
f|DOUBLE|NULL|NULL|1
i|LONG|NULL|NULL|1
i2d|DOUBLE|NULL|NULL|1
id|INT|NULL|NULL|1
j|STRING|NULL|NULL|1
l|DOUBLE|NULL|NULL|1
s|STRING|NULL|NULL|1
sh|INT|NULL|NULL|1'
expect_sql o/warehouse.db "SELECT name, type FROM pragma_table_info('t') WHERE name IN ('s', 'l', 'i2d', 'bs') ORDER BY name" \
$'bs|TEXT\ni2d|REAL\nl|REAL\ns|TEXT'
expect_sql o/warehouse.db "SELECT name FROM pragma_table_info('t') WHERE pk > 0" "id"
expect_sql o/warehouse.db "SELECT count(*), sum(_fivetran_deleted) FROM t" "3|0"
expect_err 'widened column "i" of table "t" from INT to LONG'
expect_err 'widened column "s" of table "t" from INT to STRING'
expect_err 'widened column "d" of table "t" from DECIMAL(15,2) to DECIMAL(16,3)'
expect_err 'widened column "l" of table "t" from LONG to DOUBLE'
expect_err 'widened column "b" of table "t" from BOOLEAN to INT'
expect_state o '{"run":2}'

# The widened declaration again: nothing to do.
run widen.lua --output o
expect_exit 0
expect_out "SchemaChanges  | 0"
expect_no_err "widened"
