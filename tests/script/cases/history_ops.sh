# History mode (history = true): every op on a history table, with the op's
# time as each version's start. An upsert that differs from the active
# version closes it (end = new start - 1 ms) and opens a new one; an
# identical one refreshes _fivetran_synced only; op.update makes a version
# from the active one plus the columns given; op.delete closes the active
# version; an upsert after a delete opens a new one; op.truncate closes
# every active version. Two versions in one millisecond: the later starts
# 1 ms after the earlier, so the key (id, _fivetran_start) never collides.
SCHEMA=$(customer_schema)
# milliseconds since the epoch of a UTC_DATETIME text, in SQL
MS="CAST(round((julianday(substr(X, 1, 23)) - 2440587.5) * 86400000) AS INTEGER)"
ms() { printf '%s' "${MS//X/$1}"; }
write_customer_ops c.lua
run c.lua --output o
expect_exit 0
expect_out "SYNC SUCCEEDED"
DB=o/warehouse.db
expect_sql $DB "SELECT id, name, tier, _fivetran_active, _fivetran_deleted FROM customer ORDER BY id, _fivetran_start" \
  $'1|a|1|0|0\n1|b|1|0|0\n1|b|2|1|0\n2|x|5|0|1\n2|x||1|0'
# the key is the declared key plus _fivetran_start
expect_sql $DB "SELECT group_concat(name) FROM pragma_table_info('customer') WHERE pk > 0 ORDER BY pk" "id,_fivetran_start"
# an active version ends at the end of time; a superseded one 1 ms before its successor starts
expect_sql $DB "SELECT count(*) FROM customer WHERE _fivetran_active = 1 AND _fivetran_end = '9999-12-31T23:59:59.999Z'" "2"
expect_sql $DB "SELECT count(*) FROM customer a JOIN customer b ON a.id = b.id AND b._fivetran_start = (SELECT min(_fivetran_start) FROM customer c WHERE c.id = a.id AND c._fivetran_start > a._fivetran_start) WHERE a.id = 1 AND $(ms a._fivetran_end) = $(ms b._fivetran_start) - 1" "2"
# starts are strictly increasing and every time has the form of _fivetran_synced
expect_sql $DB "SELECT count(*) FROM customer WHERE _fivetran_start GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z' AND _fivetran_end >= _fivetran_start" "5"
# the deleted version ends at the delete's time, before the new version starts
expect_sql $DB "SELECT a._fivetran_end < b._fivetran_start, a._fivetran_end = a._fivetran_synced FROM customer a, customer b WHERE a.id = 2 AND b.id = 2 AND a._fivetran_active = 0 AND b._fivetran_active = 1" "1|1"

# an identical re-upsert in a later run refreshes _fivetran_synced only
db_exec $DB "UPDATE customer SET _fivetran_synced = '2000-01-01T00:00:00.000Z'"
run_update c.lua "$SCHEMA" 'op.upsert("customer", { id = 1, name = "b", tier = 2 })'
expect_exit 0
expect_sql $DB "SELECT count(*), sum(_fivetran_synced > '2001') FROM customer" "5|1"
expect_sql $DB "SELECT tier FROM customer WHERE _fivetran_synced > '2001' AND _fivetran_active = 1" "2"

# truncate closes every active version, keeps their values and _fivetran_synced
run_update c.lua "$SCHEMA" 'op.truncate("customer")' \
  'op.upsert("customer", { id = 3, name = "after" })   -- live after the truncate'
expect_exit 0
expect_out "Truncates      | 1"
expect_sql $DB "SELECT id, name, _fivetran_deleted FROM customer WHERE _fivetran_active = 1" "3|after|0"
expect_sql $DB "SELECT count(*), sum(_fivetran_deleted) FROM customer WHERE _fivetran_end != '9999-12-31T23:59:59.999Z'" "5|3"
expect_sql $DB "SELECT count(*) FROM customer WHERE _fivetran_synced = '2000-01-01T00:00:00.000Z'" "4"

# a failed run leaves the versions as they were
run_update c.lua "$SCHEMA" 'op.upsert("customer", { id = 3, name = "changed" })' 'error("boom")'
expect_exit 1
expect_sql $DB "SELECT count(*) FROM customer" "6"

# history's system columns are the runtime's
write bad.lua <<'LUA'
function schema()
  return { { table = "t", primary_key = { "id" }, history = true,
             columns = { id = "INT", _fivetran_start = "STRING" } } }
end
function update() end
LUA
run bad.lua --output b
expect_exit 1
expect_err 'column "_fivetran_start" is reserved for the runtime'
write bad.lua <<'LUA'
function schema()
  return { { table = "t", primary_key = { "id" }, history = "yes", columns = { id = "INT" } } }
end
function update() end
LUA
run bad.lua --output b
expect_exit 1
expect_err 'table "t": history must be true or { start = "column" }'
