# Types STRING, XML and BINARY (README "Types"): STRING/XML take a string, or a
# number or boolean converted to text, stored as TEXT; BINARY takes a
# string of bytes, stored as a BLOB. Bytes pass unchanged, NUL included.

write ok.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" },
             columns = { id = "INT", s = "STRING", x = "XML", bin = "BINARY" } } }
end
function update(configuration, state)
  op.upsert("t", { id = 1, s = "h\u{e9}llo", x = "<a b='1'>2</a>", bin = "\0\1\255" })
  op.upsert("t", { id = 2, s = 42, x = -7, bin = "abc" })
  op.upsert("t", { id = 3, s = 1.5, x = 3.0 })
  op.upsert("t", { id = 4, s = true, x = false })
  op.upsert("t", { id = 5, s = "a\0b", x = "<a>\0</a>", bin = "a\0b" })
  op.upsert("t", { id = 6, s = "", x = "", bin = "" })
  op.upsert("t", { id = 7, s = math.mininteger, x = 1e100 })
  op.upsert("t", { id = 8, s = -0.0, x = 0.1 })
end
LUA
run ok.lua --output o
expect_exit 0
expect_out "SYNC SUCCEEDED"
# Numbers become the shortest text that reads back to the same value (a
# float 3.0 is "3", -0.0 is "0"); booleans "true"/"false".
expect_sql o/warehouse.db "SELECT id, quote(s), typeof(s), quote(x), typeof(x) FROM t WHERE id NOT IN (1, 5) ORDER BY id" \
$'2|\'42\'|text|\'-7\'|text
3|\'1.5\'|text|\'3\'|text
4|\'true\'|text|\'false\'|text
6|\'\'|text|\'\'|text
7|\'-9223372036854775808\'|text|\'1e+100\'|text
8|\'0\'|text|\'0.1\'|text'
expect_sql o/warehouse.db "SELECT s, hex(s), typeof(s), x, typeof(x) FROM t WHERE id = 1" \
  "héllo|68C3A96C6C6F|text|<a b='1'>2</a>|text"
# Embedded NUL bytes are kept: the whole string is stored, as TEXT.
expect_sql o/warehouse.db "SELECT hex(s), typeof(s), length(CAST(s AS BLOB)), hex(x), typeof(x), length(CAST(x AS BLOB)) FROM t WHERE id = 5" \
  "610062|text|3|3C613E003C2F613E|text|8"
# BINARY is a BLOB holding exactly the bytes of the string.
expect_sql o/warehouse.db "SELECT id, hex(bin), typeof(bin), length(bin) FROM t WHERE bin IS NOT NULL ORDER BY id" \
$'1|0001FF|blob|3
2|616263|blob|3
5|610062|blob|3
6||blob|0'
expect_sql o/warehouse.db "SELECT count(*) FROM t WHERE bin = X'0001FF'" "1"
expect_sql o/warehouse.db "SELECT name, type FROM pragma_table_info('t') WHERE name IN ('s', 'x', 'bin') ORDER BY name" \
  $'bin|BLOB\ns|TEXT\nx|TEXT'

reject '"STRING"' '{}' 'is STRING, got table'
reject '"STRING"' 'print' 'is STRING, got function'
reject '"XML"' '{ "<a/>" }' 'is XML, got table'
reject '"BINARY"' '5' 'is BINARY, got integer 5'
reject '"BINARY"' 'true' 'is BINARY, got boolean true'
reject '"BINARY"' '{ 1, 2 }' 'is BINARY, got table'
expect_sql r/warehouse.db "SELECT count(*) FROM sqlite_master WHERE name = 't'" "0"

# A message shows bytes outside printable ASCII as \xNN, and cuts a long string.
reject '"INT"' '"a\0\255"' 'is INT, got string "a\x00\xFF"'
reject '"INT"' '("x"):rep(100)' 'is INT, got string "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..." (100 bytes)'
