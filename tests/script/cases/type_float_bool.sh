# Types FLOAT, DOUBLE and BOOLEAN (README "Types"): FLOAT/DOUBLE take any number
# (integers too, if a double holds them exactly; NaN allowed) and are stored as REAL; BOOLEAN takes a
# boolean only and is stored as INTEGER 0/1.

write ok.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" },
             columns = { id = "INT", f = "FLOAT", g = "DOUBLE", b = "BOOLEAN" } } }
end
function update(configuration, state)
  op.upsert("t", { id = 1, f = 1.5, g = -2.25, b = true })
  op.upsert("t", { id = 2, f = 7, g = 1 << 62, b = false })
  op.upsert("t", { id = 3, f = 1 / 0, g = -1 / 0 })
  op.upsert("t", { id = 4, f = 0 / 0, g = -(0 / 0) })
  op.upsert("t", { id = 5, f = -0.0, g = 0.1 })
  op.upsert("t", { id = 6, f = 1e308, g = 5e-324 })
end
LUA
run ok.lua --output o
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_sql o/warehouse.db "SELECT id, typeof(f), typeof(g), quote(b), typeof(b) FROM t ORDER BY id" \
$'1|real|real|1|integer
2|real|real|0|integer
3|real|real|NULL|null
4|null|null|NULL|null
5|real|real|NULL|null
6|real|real|NULL|null'
# the values are the doubles the script had (compared in SQL, as the text
# SQLite shows for a REAL differs between versions)
expect_sql o/warehouse.db "SELECT f = 1.5, g = -2.25 FROM t WHERE id = 1" "1|1"
expect_sql o/warehouse.db "SELECT f = 7.0, g = 4611686018427387904.0 FROM t WHERE id = 2" "1|1"
expect_sql o/warehouse.db "SELECT f = 9e999, g = -9e999 FROM t WHERE id = 3" "1|1"
expect_sql o/warehouse.db "SELECT f = 0.0, g = 0.1 FROM t WHERE id = 5" "1|1"
expect_sql o/warehouse.db "SELECT f = 1e308, g = 5e-324, g > 0 FROM t WHERE id = 6" "1|1|1"
expect_sql o/warehouse.db "SELECT name, type FROM pragma_table_info('t') WHERE name IN ('f', 'g', 'b') ORDER BY name" \
  $'b|INTEGER\nf|REAL\ng|REAL'

# NaN is accepted (README "Types"), but SQLite has no NaN: binding one stores NULL.
# Row 4 exists, with NULL in both columns, and the run counts it.
expect_out "Upserts        | 6"
expect_sql o/warehouse.db "SELECT count(*) FROM t WHERE id = 4 AND f IS NULL AND g IS NULL" "1"

reject '"FLOAT"' '"1.5"' 'is FLOAT, got string "1.5"'
# An integer a double cannot hold exactly is refused, not rounded.
reject '"DOUBLE"' 'math.maxinteger' 'is DOUBLE, got integer 9223372036854775807 (not exact as a double: store it as a string)'
reject '"FLOAT"' '9007199254740993' 'is FLOAT, got integer 9007199254740993 (not exact as a double: store it as a string)'
reject '"DOUBLE"' 'true' 'is DOUBLE, got boolean true'
reject '"DOUBLE"' '{ 1.5 }' 'is DOUBLE, got table'
reject '"BOOLEAN"' '1' 'is BOOLEAN, got integer 1'
reject '"BOOLEAN"' '0.0' 'is BOOLEAN, got float 0.0'
reject '"BOOLEAN"' '"true"' 'is BOOLEAN, got string "true"'
reject '"BOOLEAN"' '{}' 'is BOOLEAN, got table'
expect_sql r/warehouse.db "SELECT count(*) FROM sqlite_master WHERE name = 't'" "0"
