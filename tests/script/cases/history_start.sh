# history = { start = "updated_at" }: a version starts at that UTC_DATETIME
# column's value; the version it supersedes ends 1 ms before. A start not
# later than the active version's is refused, except that the same version
# sent again (same start, same values) changes nothing, so re-running after
# a failure is idempotent.
SCHEMA=$(price_schema)
write_price_rows p.lua # and fail.json
run p.lua --output o --configuration fail.json
expect_exit 1
expect_err "source went away"
DB=o/warehouse.db
expect_sql $DB "SELECT sku, amount, _fivetran_start, _fivetran_end, _fivetran_active FROM price ORDER BY sku, _fivetran_start" \
  $'a|10|2020-01-01T00:00:00.000Z|2020-01-31T22:59:59.999Z|0\na|11|2020-01-31T23:00:00.000Z|9999-12-31T23:59:59.999Z|1'
# the re-run sends row 2 again (same start, same values): nothing changes for it
run p.lua --output o
expect_exit 0
expect_sql $DB "SELECT sku, amount, _fivetran_start, _fivetran_end, _fivetran_active FROM price ORDER BY sku, _fivetran_start" \
  $'a|10|2020-01-01T00:00:00.000Z|2020-01-31T22:59:59.999Z|0\na|11|2020-01-31T23:00:00.000Z|2020-02-29T23:59:59.999Z|0\na|12|2020-03-01T00:00:00.000Z|9999-12-31T23:59:59.999Z|1\nb|20|2020-01-05T00:00:00.000Z|9999-12-31T23:59:59.999Z|1'
# an uninterrupted run from scratch ends with the same rows
run p.lua --output fresh
expect_exit 0
expect_sql fresh/warehouse.db "SELECT sku, amount, _fivetran_start, _fivetran_end, _fivetran_active FROM price ORDER BY sku, _fivetran_start" \
  "$(sqlite3 $DB "SELECT sku, amount, _fivetran_start, _fivetran_end, _fivetran_active FROM price ORDER BY sku, _fivetran_start")"

# an older start is refused, naming both starts
run_update p.lua "$SCHEMA" 'op.upsert("price", { sku = "a", updated_at = "2020-02-15T00:00:00Z", amount = 99 })'
expect_exit 1
expect_err 'p.lua:6: op.upsert("price"): the new version'"'"'s start 2020-02-15T00:00:00.000Z (column "updated_at") is not later than the active version'"'"'s start 2020-03-01T00:00:00.000Z'
# the same start with other values is refused too
run_update p.lua "$SCHEMA" 'op.upsert("price", { sku = "a", updated_at = "2020-03-01T00:00:00Z", amount = 99 })'
expect_exit 1
expect_err "and its values differ"
# a start column left out is an error naming it
run_update p.lua "$SCHEMA" 'op.upsert("price", { sku = "c", amount = 1 })'
expect_exit 1
expect_err 'column "updated_at" gives each version'"'"'s start'
# op.update without the start column cannot start a later version
run_update p.lua "$SCHEMA" 'op.update("price", { sku = "b", amount = 21 })'
expect_exit 1
expect_err "is not later than the active version's start 2020-01-05T00:00:00.000Z"
# with it, it can
run_update p.lua "$SCHEMA" 'op.update("price", { sku = "b", amount = 21, updated_at = "2020-04-01T00:00:00Z" })' \
  'op.delete("price", { sku = "a" })'
expect_exit 0
expect_sql $DB "SELECT sku, amount, _fivetran_start, _fivetran_end FROM price WHERE sku = 'b' ORDER BY _fivetran_start" \
  $'b|20|2020-01-05T00:00:00.000Z|2020-03-31T23:59:59.999Z\nb|21|2020-04-01T00:00:00.000Z|9999-12-31T23:59:59.999Z'
expect_sql $DB "SELECT count(*) FROM price WHERE _fivetran_active = 1" "1"
expect_sql $DB "SELECT count(*) FROM price WHERE sku = 'a' AND _fivetran_deleted = 1 AND _fivetran_end > '2020-03-01'" "1"

# the start column must be a declared UTC_DATETIME column
write bad.lua <<'LUA'
function schema()
  return { { table = "t", primary_key = { "id" }, history = { start = "at" },
             columns = { id = "INT", at = "STRING" } } }
end
function update() end
LUA
run bad.lua --output b
expect_exit 1
expect_err 'table "t": history start column "at" must be declared in columns as UTC_DATETIME'
