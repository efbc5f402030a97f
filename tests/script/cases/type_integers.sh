# Types SHORT, INT and LONG (README "Types"): an integer, or a float with an exact
# integral value, stored as an INTEGER; a value out of range, a fraction or
# any other kind of value fails the sync with one message naming the op,
# table, column, type and value.

INTS='{ { table = "t", primary_key = { "id" }, columns = { id = "INT", s = "SHORT", i = "INT", l = "LONG" } } }'
write_declared ints.lua "$INTS" <<'LUA'
function update(configuration, state)
  -- the bounds
  op.upsert("t", { id = 1, s = 32767, i = 2147483647, l = math.maxinteger })
  op.upsert("t", { id = 2, s = -32768, i = -2147483648, l = math.mininteger })
  -- floats with an integral value become integers
  op.upsert("t", { id = 3, s = 3.0, i = -2.0, l = 2^53 })
  op.upsert("t", { id = 4, s = -32768.0, i = 2147483647.0, l = -2^63 })
  op.upsert("t", { id = 5, s = 0, i = 1e9, l = -0.0 })
  -- the key column converts a float too
  op.upsert("t", { id = 6.0, s = 6 })
end
LUA
run ints.lua --output o
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_out "Upserts        | 6"
expect_sql o/warehouse.db "SELECT id, s, typeof(s), i, typeof(i), l, typeof(l) FROM t ORDER BY id" \
$'1|32767|integer|2147483647|integer|9223372036854775807|integer
2|-32768|integer|-2147483648|integer|-9223372036854775808|integer
3|3|integer|-2|integer|9007199254740992|integer
4|-32768|integer|2147483647|integer|-9223372036854775808|integer
5|0|integer|1000000000|integer|0|integer
6|6|integer||null||null'
expect_sql o/warehouse.db "SELECT count(*) FROM t WHERE typeof(id) = 'integer'" "6"
expect_sql o/warehouse.db "SELECT name, type FROM pragma_table_info('t') WHERE name IN ('s', 'i', 'l') ORDER BY name" \
  $'i|INTEGER\nl|INTEGER\ns|INTEGER'

# One past each bound.
reject '"SHORT"' '32768' 'is SHORT (-32768 to 32767), got integer 32768'
reject '"SHORT"' '-32769' 'is SHORT (-32768 to 32767), got integer -32769'
reject '"INT"' '2147483648' 'is INT (-2147483648 to 2147483647), got integer 2147483648'
reject '"INT"' '-2147483649' 'is INT (-2147483648 to 2147483647), got integer -2147483649'
reject '"INT"' '2^40' 'is INT (-2147483648 to 2147483647), got float 1099511627776.0'
# 9223372036854775808 is past every Lua integer: Lua reads it as a float
reject '"LONG"' '9223372036854775808' 'is LONG (-9223372036854775808 to 9223372036854775807), got float 9.223372036854776e+18'
reject '"LONG"' '-2^64' 'is LONG (-9223372036854775808 to 9223372036854775807), got float -1.8446744073709552e+19'
# Not an integer.
reject '"INT"' '1.5' 'is INT, got float 1.5 (not an integer)'
reject '"SHORT"' '-0.25' 'is SHORT, got float -0.25 (not an integer)'
reject '"LONG"' 'math.huge' 'is LONG, got float inf (not an integer)'
# Other kinds of value: a string is not parsed as a number.
reject '"INT"' '"abc"' 'is INT, got string "abc"'
reject '"INT"' '"5"' 'is INT, got string "5"'
reject '"LONG"' 'true' 'is LONG, got boolean true'
reject '"SHORT"' '{ 1 }' 'is SHORT, got table'
# Nothing of the failed runs was kept, not even the table.
expect_sql r/warehouse.db "SELECT count(*) FROM sqlite_master WHERE name = 't'" "0"

# The other ops check their values too, and name themselves.
write_declared ints.lua "$INTS" <<'LUA'
function update(configuration, state)
  op.update("t", { id = 1, s = 40000 })
end
LUA
run ints.lua --output o
expect_exit 1
severe_is 'ints.lua:2: op.update("t") id=1: column "s" is SHORT (-32768 to 32767), got integer 40000'
write_declared ints.lua "$INTS" <<'LUA'
function update(configuration, state)
  op.delete("t", { id = "1" })
end
LUA
run ints.lua --output o
expect_exit 1
severe_is 'ints.lua:2: op.delete("t") id="1": column "id" is INT, got string "1"'
expect_sql o/warehouse.db "SELECT count(*), sum(s), sum(_fivetran_deleted) FROM t" "6|-32760|0"
