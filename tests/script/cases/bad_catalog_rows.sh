# A _clua_columns row that no run writes (someone edited it): a column
# with a type the runtime does not know stops the sync at once with a
# message naming it, and the data stay. A database from
# before _clua_columns had its `declared` column is brought up to date.
K_SCHEMA='function schema()
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", v = "STRING" } } }
end'
run_update k.lua "$K_SCHEMA" 'op.upsert("t", { id = 1, v = "x", extra = 5 })'
expect_exit 0
cp o/warehouse.db saved.db

sqlite3 o/warehouse.db "UPDATE _clua_columns SET logical_type = 'VARCHAR' WHERE column_name = 'v'"
run k.lua --output o
expect_exit 1
expect_err '_clua_columns: column "t"."v" has unknown type "VARCHAR"'
expect_sql o/warehouse.db "SELECT id, v, extra FROM t" "1|x|5"

# An older database: no `declared`. It is added (0: typed by data), and
# this run's schema() marks its own columns again, so a value that does
# not fit a declared column is refused, and the undeclared one still widens.
cp saved.db o/warehouse.db
sqlite3 o/warehouse.db "ALTER TABLE _clua_columns DROP COLUMN declared"
run k.lua --output o
expect_exit 0
expect_sql o/warehouse.db "SELECT column_name, declared FROM _clua_columns WHERE table_name = 't' ORDER BY 1" \
  $'extra|0\nid|1\nv|1'
run_update k.lua "$K_SCHEMA" 'op.upsert("t", { id = 2, v = "y", extra = "text" })' 'op.upsert("t", { id = 3, v = {} })'
expect_exit 1
expect_err 'op.upsert("t") id=3: column "v" is STRING, got table'
sqlite3 saved.db "ALTER TABLE _clua_columns DROP COLUMN declared"
cp saved.db o/warehouse.db
run_update k.lua "$K_SCHEMA" 'op.upsert("t", { id = 2, v = "y", extra = "text" })'
expect_exit 0
expect_sql o/warehouse.db "SELECT id, v, extra, typeof(extra) FROM t ORDER BY id" $'1|x|5|text\n2|y|text|text'
