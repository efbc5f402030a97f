# Declared type names are case-insensitive (README "schema(configuration)"): "int", "Utc_DateTime"
# and { type = "decimal", ... } act exactly as their upper-case names, are
# recorded and reported under the canonical name, and a later run that
# spells them differently declares the same types.

write types.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" },
             columns = { id = "int", u = "Utc_DateTime", n = "naive_DATETIME", d = "Naive_Date",
                         amount = { type = "decimal", precision = 6, scale = 3 },
                         b = "boolean", s = "Short", f = "float", j = "Json", bin = "binary",
                         x = "xml", str = "sTrInG", g = "dOuBlE", l = "long" } } }
end
function update(configuration, state)
  op.upsert("t", { id = 1.0, u = "2024-01-01T01:00:00+02:00", n = "2024-01-01 01:00:00.5",
                   d = "2024-02-29", amount = 1.5, b = true, s = 7.0, f = 2, j = { b = 1, a = "x" },
                   bin = "\255", x = 12, str = false, g = 3, l = -4.0 })
end
LUA
run types.lua --output o
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_out "SchemaChanges  | 1"
expect_sql o/warehouse.db "SELECT id, u, n, d, amount, b, s, f, j, hex(bin), x, str, g, l FROM t" \
  '1|2023-12-31T23:00:00.000Z|2024-01-01T01:00:00.500|2024-02-29|1.500|1|7|2.0|{"a":"x","b":1}|FF|12|false|3.0|-4'
expect_sql o/warehouse.db "SELECT typeof(id), typeof(b), typeof(s), typeof(f), typeof(bin), typeof(x), typeof(g), typeof(l) FROM t" \
  "integer|integer|integer|real|blob|text|real|integer"
expect_sql o/warehouse.db "SELECT column_name, logical_type FROM _clua_columns WHERE table_name = 't' ORDER BY column_name" \
$'amount|DECIMAL
b|BOOLEAN
bin|BINARY
d|NAIVE_DATE
f|FLOAT
g|DOUBLE
id|INT
j|JSON
l|LONG
n|NAIVE_DATETIME
s|SHORT
str|STRING
u|UTC_DATETIME
x|XML'

# The same declaration in upper case is no change.
write types.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" },
             columns = { id = "INT", u = "UTC_DATETIME", n = "NAIVE_DATETIME", d = "NAIVE_DATE",
                         amount = { type = "DECIMAL", precision = 6, scale = 3 },
                         b = "BOOLEAN", s = "SHORT", f = "FLOAT", j = "JSON", bin = "BINARY",
                         x = "XML", str = "STRING", g = "DOUBLE", l = "LONG" } } }
end
function update(configuration, state)
  op.upsert("t", { id = 2, u = "2024-01-01T00:00:00Z" })
end
LUA
run types.lua --output o
expect_exit 0
expect_out "SchemaChanges  | 0"
expect_sql o/warehouse.db "SELECT id, u FROM t ORDER BY id" $'1|2023-12-31T23:00:00.000Z\n2|2024-01-01T00:00:00.000Z'

# A lower-case declaration checks values like the upper-case one, and the
# message gives the canonical name.
write types.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "int", u = "utc_datetime" } } }
end
function update(configuration, state)
  op.upsert("t", { id = 3, u = "2024-01-01T00:00:00" })
end
LUA
run types.lua --output o
expect_exit 1
severe_is 'types.lua:5: op.upsert("t") id=3: column "u" is UTC_DATETIME, got string "2024-01-01T00:00:00" (no UTC offset: add Z or +hh:mm)'
expect_sql o/warehouse.db "SELECT count(*) FROM t" "2"

# A name that only looks like a type is not one.
schema_fails '{ { table = "t", primary_key = { "id" }, columns = { id = "INT", u = "UTC DATETIME" } } }' \
  'schema(): table "t" column "u": unknown type "UTC DATETIME" (known: BOOLEAN, SHORT, INT, LONG, DECIMAL, FLOAT, DOUBLE, NAIVE_DATE, NAIVE_DATETIME, UTC_DATETIME, BINARY, XML, STRING, JSON)'
