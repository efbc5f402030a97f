# Every declared type lands in its native PostgreSQL column type (issue 14,
# "Native types") and reads back exactly: the edges of each range, a
# DECIMAL(38,10), a double that needs 17 digits, NaN and ±inf, the first and
# last dates, non-ASCII text, bytes with NULs. A STRING with a NUL byte
# (which PostgreSQL's text cannot hold) is a clear error naming the table
# and the column, and the run keeps only what its last checkpoint committed.
pg_reset_schema
URL="$CLUA_PG_URL&schema=$PG_SCHEMA"
T=$PG_SCHEMA.t
TEXT='Grüße, 日本, 🎉'
# hex TEXT: TEXT's UTF-8 bytes in hex (psql's client encoding aside).
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }

write types.lua <<LUA
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = {
    id = "INT", b = "BOOLEAN", s = "SHORT", i = "INT", l = "LONG",
    d = { type = "DECIMAL", precision = 38, scale = 10 }, f = "FLOAT", x = "DOUBLE",
    nd = "NAIVE_DATE", ndt = "NAIVE_DATETIME", u = "UTC_DATETIME", bin = "BINARY",
    xml = "XML", str = "STRING", j = "JSON" } } }
end
function update(configuration, state)
  op.upsert("t", { id = 1, b = true, s = -32768, i = -2147483648, l = math.mininteger,
    d = "-9999999999999999999999999999.9999999999", f = 1.5, x = 0.1 + 0.2,
    nd = "0001-01-01", ndt = "0001-01-01T00:00:00", u = "0001-01-01T00:00:00Z",
    bin = "\0\1\255\0", xml = "<a>é</a>", str = "$TEXT", j = { k = { 1, 2.5, "x" }, n = true } })
  op.upsert("t", { id = 2, b = false, s = 32767, i = 2147483647, l = math.maxinteger,
    d = "9999999999999999999999999999.9999999999", f = -0.25, x = 0/0,
    nd = "9999-12-31", ndt = "9999-12-31T23:59:59.999", u = "9999-12-31T23:59:59.999Z",
    bin = "", xml = "", str = "", j = "a string" })
  op.upsert("t", { id = 3, x = math.huge, d = 0.1 + 0.2, u = "2024-02-29T23:30:00.123456+05:30" })
  op.upsert("t", { id = 4, x = -math.huge })
  op.upsert("t", { id = 5, x = 5e-324, d = "0.0000000001" })
  op.upsert("t", { id = 6, x = 1.7976931348623157e308, d = -0.5 })
  op.checkpoint({ cursor = 9007199254740993 })
end
LUA
run types.lua --output "$URL"
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_out "Upserts        | 6"

# The column types, as the server names them.
expect_pg "SELECT attname, format_type(atttypid, atttypmod), attnotnull FROM pg_attribute
           WHERE attrelid = '$T'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum" \
'id|integer|t
b|boolean|f
bin|bytea|f
d|numeric(38,10)|f
f|double precision|f
i|integer|f
j|json|f
l|bigint|f
nd|date|f
ndt|timestamp(3) without time zone|f
s|smallint|f
str|text|f
u|timestamp(3) with time zone|f
x|double precision|f
xml|text|f
_fivetran_synced|timestamp(3) with time zone|f
_fivetran_deleted|boolean|t'
expect_pg "SELECT pg_typeof(b), pg_typeof(s), pg_typeof(l), pg_typeof(d), pg_typeof(nd), pg_typeof(bin), pg_typeof(j)
           FROM $T WHERE id = 1" "boolean|smallint|bigint|numeric|date|bytea|json"
# The logical types are recorded as in SQLite.
expect_pg "SELECT column_name, logical_type, precision, scale FROM $PG_SCHEMA._clua_columns ORDER BY position" \
'id|INT||
b|BOOLEAN||
bin|BINARY||
d|DECIMAL|38|10
f|FLOAT||
i|INT||
j|JSON||
l|LONG||
nd|NAIVE_DATE||
ndt|NAIVE_DATETIME||
s|SHORT||
str|STRING||
u|UTC_DATETIME||
x|DOUBLE||
xml|XML||'

# Each value reads back exactly.
expect_pg "SELECT id, b, s, i, l, d FROM $T WHERE id <= 2 ORDER BY id" \
'1|t|-32768|-2147483648|-9223372036854775808|-9999999999999999999999999999.9999999999
2|f|32767|2147483647|9223372036854775807|9999999999999999999999999999.9999999999'
expect_pg "SELECT id, d FROM $T WHERE id >= 3 AND d IS NOT NULL ORDER BY id" \
'3|0.3000000000
5|0.0000000001
6|-0.5000000000'
expect_pg "SELECT id, x::text, x = 'NaN' FROM $T ORDER BY id" \
'1|0.30000000000000004|f
2|NaN|t
3|Infinity|f
4|-Infinity|f
5|5e-324|f
6|1.7976931348623157e+308|f'
expect_pg "SELECT count(*) FROM $T WHERE x = 0.30000000000000004::float8 OR x = 5e-324::float8" 2
expect_pg "SELECT id, f::text FROM $T WHERE id <= 2 ORDER BY id" $'1|1.5\n2|-0.25'
# FLOAT keeps the whole double, as SQLite does (real would round 16777217 to
# 16777216 and refuse 1e300).
write float.lua <<'LUA'
function update(configuration, state)
  op.upsert("ft", { id = 1, f = 16777217.0 })
  op.upsert("ft", { id = 2, f = 0.1 + 0.2 })
  op.upsert("ft", { id = 3, f = 1e300 })
end
function schema() return { { table = "ft", primary_key = { "id" }, columns = { id = "INT", f = "FLOAT" } } } end
LUA
pg_reset_schema "${PG_SCHEMA}_float"
run float.lua --output "$CLUA_PG_URL&schema=${PG_SCHEMA}_float"
expect_exit 0
expect_pg "SELECT id, f::text FROM ${PG_SCHEMA}_float.ft ORDER BY id" $'1|16777217\n2|0.30000000000000004\n3|1e+300'
expect_pg "SELECT id, to_char(nd, 'YYYY-MM-DD'), to_char(ndt, 'YYYY-MM-DD\"T\"HH24:MI:SS.MS'),
           to_char(u AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') FROM $T WHERE id <= 3 ORDER BY id" \
'1|0001-01-01|0001-01-01T00:00:00.000|0001-01-01T00:00:00.000Z
2|9999-12-31|9999-12-31T23:59:59.999|9999-12-31T23:59:59.999Z
3|||2024-02-29T18:00:00.123Z'
expect_pg "SELECT id, encode(bin, 'hex'), octet_length(bin) FROM $T WHERE id <= 2 ORDER BY id" $'1|0001ff00|4\n2||0'
expect_pg "SELECT encode(convert_to(str, 'UTF8'), 'hex'), encode(convert_to(xml, 'UTF8'), 'hex') FROM $T WHERE id = 1" \
  "$(hex "$TEXT")|$(hex '<a>é</a>')"
expect_pg "SELECT id, str = '', xml = '' FROM $T WHERE id = 2" "2|t|t"
expect_pg "SELECT id, j::text, json_typeof(j) FROM $T WHERE id <= 2 ORDER BY id" \
'1|{"k":[1,2.5,"x"],"n":true}|object
2|"a string"|string'
expect_pg "SELECT count(*) FROM $T WHERE (id > 2 AND (b IS NOT NULL OR str IS NOT NULL OR bin IS NOT NULL))" 0
# The state keeps its integer past 2^53 exactly.
expect_pg "SELECT convert_from(state, 'UTF8') FROM $PG_SCHEMA._clua_state" '{"cursor":9007199254740993}'

# A NUL byte in a STRING (then an XML) is refused, naming table and column;
# what came after the checkpoint is rolled back, the state stays the checkpoint's.
for col in str xml; do
  pg_reset_schema
  write nul.lua <<LUA
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", str = "STRING", xml = "XML" } } }
end
function update(configuration, state)
  op.upsert("t", { id = 1, str = "kept" })
  op.checkpoint({ page = 1 })
  op.upsert("t", { id = 2, str = "lost" })
  op.upsert("t", { id = 3, $col = "a\0b" })
  op.checkpoint({ page = 2 })
end
LUA
  run nul.lua --output "$URL"
  expect_exit 1
  expect_out "SYNC FAILED"
  severe_is "nul.lua:8: op.upsert(\"t\"): column \"$col\" of \"t\": PostgreSQL text cannot hold a NUL byte (store it as BINARY)"
  expect_err "rolled back: the database is as the last checkpoint left it"
  expect_pg "SELECT id, str FROM $T ORDER BY id" "1|kept"
  expect_pg "SELECT convert_from(state, 'UTF8') FROM $PG_SCHEMA._clua_state" '{"page":1}'
  expect_pg "SELECT status, error FROM $PG_SCHEMA._clua_syncs" \
    "failed|nul.lua:8: op.upsert(\"t\"): column \"$col\" of \"t\": PostgreSQL text cannot hold a NUL byte (store it as BINARY)"
done
pg_reset_schema
