# op.sweep(table, before [, scope]): soft-deletes (in a history table:
# closes) every live row whose _fivetran_synced is earlier than before,
# limited to the rows whose columns equal scope (compared on the stored
# forms). It returns how many, and they count as Deletes.
write s.lua <<'LUA'
function schema()
  return {
    { table = "line", primary_key = { "order_id", "n" },
      columns = { order_id = "INT", n = "INT", sku = "STRING", day = "NAIVE_DATE" } },
    { table = "hist", primary_key = { "id" }, history = true, columns = { id = "INT" } },
  }
end
function update(configuration, state)
  if configuration.step == "1" then
    for o = 1001, 1002 do
      for n = 1, 3 do op.upsert("line", { order_id = o, n = n, sku = "s" .. n, day = "2024-01-0" .. n }) end
    end
    for id = 1, 3 do op.upsert("hist", { id = id }) end
    return
  end
  local start = time.now()
  time.sleep(0.01)
  -- order 1001 now has lines 1 and 3 only: sweep its stale lines
  op.upsert("line", { order_id = 1001, n = 1, sku = "s1", day = "2024-01-01" })
  op.upsert("line", { order_id = 1001, n = 3, sku = "s3", day = "2024-01-03" })
  log.info("scoped: " .. op.sweep("line", start, { order_id = 1001 }))
  -- scope values are converted as the column's type: 1002.0 is the INT 1002
  log.info("none: " .. op.sweep("line", start, { order_id = 1002.0, n = 2, sku = "other" }))
  log.info("by date: " .. op.sweep("line", time.format(start), { day = "2024-01-03", order_id = 1002 }))
  op.upsert("hist", { id = 1 })
  log.info("history: " .. op.sweep("hist", start))
  log.info("unknown: " .. op.sweep("nosuch", start))
end
LUA
write one.json <<'EOF2'
{ "step": "1" }
EOF2
run s.lua --output o --configuration one.json
expect_exit 0
run s.lua --output o
expect_exit 0
expect_err "INFO     scoped: 1"
expect_err "INFO     none: 0"
expect_err "INFO     by date: 1"
expect_err "INFO     history: 2"
expect_err "INFO     unknown: 0"
expect_out "Deletes        | 4"
DB=o/warehouse.db
expect_sql $DB "SELECT order_id, n, _fivetran_deleted FROM line ORDER BY 1, 2" \
  $'1001|1|0\n1001|2|1\n1001|3|0\n1002|1|0\n1002|2|0\n1002|3|1'
expect_sql $DB "SELECT id, _fivetran_active, _fivetran_deleted, _fivetran_end >= _fivetran_start FROM hist ORDER BY id" \
  $'1|1|0|1\n2|0|1|1\n3|0|1|1'

# mistakes name what is wrong
for call in 'op.sweep("line", 1, { nope = 1 })|scope column "nope" is not a column of the table' \
            'op.sweep("line", {})|before must be milliseconds since the epoch' \
            'op.sweep("line", "yesterday")|before "yesterday" is not a UTC_DATETIME' \
            'op.sweep("line", 1, { n = "x" })|scope column "n" is INT, got string "x"' \
            'op.sweep("line", 1, 5)|scope must be a table of column = value'; do
  write s.lua <<LUA
function update() ${call%%|*} end
LUA
  run s.lua --output o
  expect_exit 1
  expect_err "${call#*|}"
done
# an unknown table under --strict is an error
write e.lua <<'LUA'
function schema() return { { table = "line", primary_key = { "order_id", "n" } } } end
function update() op.sweep("nosuch", 1) end
LUA
run e.lua --output strict --strict
expect_exit 1
expect_err 'op.sweep("nosuch"): --strict: table "nosuch" is not declared'
