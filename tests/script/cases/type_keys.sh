# Primary-key values are converted by their declared type (README "Types") before
# they are matched, so every spelling of the same value finds the same row:
# 1 and 1.0 for an INT, "1.5" and 1.50 for a DECIMAL, one instant with any
# UTC offset for a UTC_DATETIME, T or a space for a NAIVE_DATETIME.
write k.lua <<'LUA'
function schema(configuration)
  return { { table = "k", primary_key = { "i", "d", "u", "n" },
             columns = { i = "INT", d = { type = "DECIMAL", precision = 4, scale = 2 },
                         u = "UTC_DATETIME", n = "NAIVE_DATETIME", v = "STRING" } } }
end
function update(configuration, state)
  op.upsert("k", { i = 1, d = "1.5", u = "2024-01-01T01:00:00+01:00", n = "2024-01-01T00:00:00", v = "a" })
  op.upsert("k", { i = 2, d = 2, u = "2024-01-01T00:00:00Z", n = "2024-01-01 00:00:00", v = "b" })
  -- the same two rows, spelt differently
  op.upsert("k", { i = 1.0, d = 1.50, u = "2024-01-01T00:00:00.000Z", n = "2024-01-01 00:00:00.0", v = "A" })
  op.update("k", { i = 2.0, d = "2.000", u = "2024-01-01T05:30:00+0530", n = "2024-01-01T00:00:00.000", v = "B" })
  op.delete("k", { i = 2, d = "+2", u = "2023-12-31T19:00:00-05:00", n = "2024-01-01T00:00:00" })
end
LUA
run k.lua --output o
expect_exit 0
expect_out "Upserts        | 3"
expect_out "Updates        | 1"
expect_out "Deletes        | 1"
expect_sql o/warehouse.db "SELECT i, d, u, n, v, _fivetran_deleted FROM k ORDER BY i" \
$'1|1.50|2024-01-01T00:00:00.000Z|2024-01-01T00:00:00.000|A|0
2|2.00|2024-01-01T00:00:00.000Z|2024-01-01T00:00:00.000|B|1'
