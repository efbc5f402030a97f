# A declared table whose rows bring new columns, one more with each row,
# until it has more than 8, 16 and 64 columns: every value of every type
# must land exactly as sent. (The table's arrays grow while a row is read;
# a value converted before the growth once pointed into the old array and
# read freed memory: dates and decimals came out as heap bytes.)
write grow.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" },
             columns = { id = "INT", d = "NAIVE_DATE", dt = "NAIVE_DATETIME", u = "UTC_DATETIME",
                         p = { type = "DECIMAL", precision = 10, scale = 2 }, s = "STRING",
                         f = "DOUBLE", b = "BOOLEAN", bin = "BINARY", j = "JSON", x = "XML" } } }
end
function update(configuration, state)
  for i = 1, 80 do
    local row = { id = i, d = "2024-01-02", dt = "2024-01-02 03:04:05.678",
                  u = "2024-01-02T03:04:05+01:00", p = i * 1.5, s = i * 1.5, f = i / 4,
                  b = i % 2 == 0, bin = "\0\1" .. i, j = { n = i, list = json.array() }, x = i }
    -- a new column with each row, of a type that changes with it
    local kinds = { i, i + 0.5, "v" .. i, i % 3 == 0, { k = i } }
    row["new" .. i] = kinds[i % 5 + 1]
    op.upsert("t", row)
  end
end
LUA
run grow.lua --output o
expect_exit 0
expect_out "SchemaChanges  | 81"
expect_sql o/warehouse.db "SELECT count(*) FROM pragma_table_info('t')" "93"
expect_sql o/warehouse.db "SELECT count(*) FROM t WHERE d = '2024-01-02' AND dt = '2024-01-02T03:04:05.678'
  AND u = '2024-01-02T02:04:05.000Z' AND p = printf('%.2f', id * 1.5) AND f = id / 4.0
  AND s = CASE WHEN id % 2 = 0 THEN printf('%d', id * 3 / 2) ELSE printf('%.1f', id * 1.5) END
  AND b = (id % 2 = 0) AND bin = CAST(x'0001' || CAST(id AS TEXT) AS BLOB)
  AND j = '{\"list\":[],\"n\":' || id || '}' AND x = CAST(id AS TEXT)" "80"
# each new column holds its one value, typed from it
expect_sql o/warehouse.db "SELECT quote(new7), quote(new8), quote(new9), quote(new10), quote(new61) FROM t WHERE id IN (7, 8, 9, 10, 61) ORDER BY id" \
"'v7'|NULL|NULL|NULL|NULL
NULL|0|NULL|NULL|NULL
NULL|NULL|'{\"k\":9}'|NULL|NULL
NULL|NULL|NULL|10|NULL
NULL|NULL|NULL|NULL|61.5"
expect_sql o/warehouse.db "SELECT count(*) FROM t WHERE new7 IS NOT NULL OR new8 IS NOT NULL" "2"
