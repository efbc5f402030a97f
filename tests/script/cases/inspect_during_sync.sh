# inspect while a sync holds the output directory: it takes no lock and
# reads the database read-only, so it works at once (where a second run or
# a reset is refused) and shows the sync's last checkpoint, not the rows of
# its open transaction; the sync finishes normally.
write_slow slow.lua 2 open

start_sync slow.lua

run_beside inspect slow.lua
expect_exit 0
expect_out "Table t: 100 live rows, 0 deleted"
expect_out '): {"page":1}'
run_beside inspect slow.lua t --limit 3
expect_exit 0
expect_out "3 of 100 rows shown, newest first"
expect_no_out "second"
run_beside inspect --output files/slow t --json --limit 500
expect_exit 0
expect_sql :memory: "SELECT json_extract(CAST(readfile('out') AS TEXT), '\$.shown'), json_extract(CAST(readfile('out') AS TEXT), '\$.total')" "100|100"
# while a sync holds the directory, a reset is refused, but inspect is not
run_beside reset slow.lua
expect_exit 4

end_sync
expect_sql files/slow/warehouse.db "SELECT count(*), sum(_fivetran_deleted), sum(v = 'second') FROM t" "200|1|100"
expect_sql files/slow/warehouse.db "PRAGMA integrity_check" "ok"

# Afterwards inspect sees the whole run, and another sync still works.
run inspect slow.lua
expect_exit 0
expect_out "Table t: 199 live rows, 1 deleted"
expect_out '): {"page":2}'
run slow.lua
expect_exit 0
expect_out "SYNC SUCCEEDED"
run inspect slow.lua
expect_exit 0
expect_out "Table t: 199 live rows, 1 deleted"
