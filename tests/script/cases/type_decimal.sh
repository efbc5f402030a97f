# Type DECIMAL(p,s) (README "Types"): a string or a number, checked against the
# precision and scale, stored as TEXT with exactly s decimals. Declared as
# { type = "DECIMAL", precision = p, scale = s }; a bare "DECIMAL" is an
# error that shows that form.

D52='{ type = "DECIMAL", precision = 5, scale = 2 }'
write ok.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" },
             columns = { id = "INT",
                         a = { type = "DECIMAL", precision = 5, scale = 2 },
                         z = { type = "DECIMAL", precision = 3, scale = 0 },
                         w = { type = "DECIMAL", precision = 38, scale = 10 } } } }
end
function update(configuration, state)
  op.upsert("t", { id = 1, a = "12.3", z = "12", w = "1234567890123456789012345678.0123456789" })
  op.upsert("t", { id = 2, a = 12.3, z = -7, w = 0.1 + 0.2 })
  op.upsert("t", { id = 3, a = "-0.5", z = "5.", w = "-1e-10" })
  op.upsert("t", { id = 4, a = 7, z = "-0", w = math.maxinteger })
  op.upsert("t", { id = 5, a = "1.2300", z = "999", w = "1.5E3" })
  op.upsert("t", { id = 6, a = "-000123.4", z = 0.0, w = "-0.0000000000" })
  op.upsert("t", { id = 7, a = "+999.99", z = -999, w = -2.5 })
  op.upsert("t", { id = 8, a = ".5", z = 1e2, w = "0" })
end
LUA
run ok.lua --output o
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_sql o/warehouse.db "SELECT id, a, z, w FROM t ORDER BY id" \
$'1|12.30|12|1234567890123456789012345678.0123456789
2|12.30|-7|0.3000000000
3|-0.50|5|-0.0000000001
4|7.00|0|9223372036854775807.0000000000
5|1.23|999|1500.0000000000
6|-123.40|0|0.0000000000
7|999.99|-999|-2.5000000000
8|0.50|100|0.0000000000'
expect_sql o/warehouse.db "SELECT DISTINCT typeof(a), typeof(z), typeof(w) FROM t" "text|text|text"
expect_sql o/warehouse.db "SELECT name, type FROM pragma_table_info('t') WHERE name IN ('a', 'z', 'w') ORDER BY name" \
  $'a|TEXT\nw|TEXT\nz|TEXT'
expect_sql o/warehouse.db "SELECT column_name, logical_type, precision, scale FROM _clua_columns WHERE table_name = 't' AND column_name IN ('a', 'z', 'w') ORDER BY column_name" \
  $'a|DECIMAL|5|2\nw|DECIMAL|38|10\nz|DECIMAL|3|0'

# Too many digits on either side of the point, from a string or a number.
reject "$D52" '"1234.5"' 'is DECIMAL(5,2), got string "1234.5" (4 digits before the point, at most 3)'
reject "$D52" '1000' 'is DECIMAL(5,2), got integer 1000 (4 digits before the point, at most 3)'
reject "$D52" '"1e3"' 'is DECIMAL(5,2), got string "1e3" (4 digits before the point, at most 3)'
reject "$D52" '"1.234"' 'is DECIMAL(5,2), got string "1.234" (3 decimals, at most 2)'
reject "$D52" '12.345' 'is DECIMAL(5,2), got float 12.345 (3 decimals, at most 2)'
reject '{ type = "DECIMAL", precision = 3, scale = 0 }' '"0.5"' 'is DECIMAL(3,0), got string "0.5" (1 decimal, at most 0)'
# Not a number at all.
reject "$D52" '"abc"' 'is DECIMAL(5,2), got string "abc" (not a decimal number)'
reject "$D52" '""' 'is DECIMAL(5,2), got string "" (not a decimal number)'
reject "$D52" '"1,5"' 'is DECIMAL(5,2), got string "1,5" (not a decimal number)'
reject "$D52" '"12.3 "' 'is DECIMAL(5,2), got string "12.3 " (not a decimal number)'
reject "$D52" 'math.huge' 'is DECIMAL(5,2), got float inf (not a finite number)'
reject "$D52" 'true' 'is DECIMAL(5,2), got boolean true'
reject "$D52" '{ 1 }' 'is DECIMAL(5,2), got table'
expect_sql r/warehouse.db "SELECT count(*) FROM sqlite_master WHERE name = 't'" "0"

# A bare "DECIMAL" in schema() fails before update() and shows the right form.
schema_fails '{ { table = "t", primary_key = { "id" }, columns = { id = "INT", amount = "DECIMAL" } } }' \
  'schema(): table "t" column "amount": DECIMAL needs precision and scale: { type = "DECIMAL", precision = 15, scale = 2 }'

# A precision or scale out of range.
schema_fails '{ { table = "t", primary_key = { "id" }, columns = { id = "INT", amount = { type = "DECIMAL", precision = 39, scale = 2 } } } }' \
  'schema(): table "t" column "amount": DECIMAL(39,2) is out of range (precision 1 to 38, scale 0 to precision)'
schema_fails '{ { table = "t", primary_key = { "id" }, columns = { id = "INT", amount = { type = "DECIMAL", precision = 2, scale = 3 } } } }' \
  'schema(): table "t" column "amount": DECIMAL(2,3) is out of range (precision 1 to 38, scale 0 to precision)'
