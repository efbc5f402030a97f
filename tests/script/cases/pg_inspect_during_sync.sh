# inspect of a PostgreSQL schema while a sync writes to it: it takes no lock
# (the sync holds the schema's), so it works at once where a second run or a
# reset is refused, and shows the sync's last checkpoint, not the rows of
# its open transaction. A table whose columns the open checkpoint changes
# (ALTER TABLE holds it until the commit) is waited for 5 seconds, then
# inspect says why, as SQLite's reader waits on a busy database.
URL="$CLUA_PG_URL&schema=$PG_SCHEMA"
pg_reset_schema
write_slow slow.lua 0 open # how long it holds is the configuration's
echo '{"hold": 3}' > hold.json
echo '{"hold": 7, "widen": true}' > widen.json

pg_start_sync slow.lua "$URL" --configuration hold.json
run inspect slow.lua --output "$URL"
expect_exit 0
expect_out "Table t: 100 live rows, 0 deleted"
expect_out '): {"page":1}'
still_running summary
run inspect --output "$URL" t --limit 3
expect_exit 0
expect_out "3 of 100 rows shown, newest first"
expect_no_out "second"
run inspect --output "$URL" --syncs
expect_exit 0
expect_out "Sync 1: running, slow.lua, started"
expect_out "    t: 100 upserted, 0 updated, 0 deleted, 0 truncated"
still_running "--syncs"
# while a sync holds the schema, a reset is refused, but inspect is not
run reset slow.lua --output "$URL" --yes
expect_exit 4
end_sync
run inspect --output "$URL" --json t --limit 0
expect_exit 0
expect_out '"shown":0,"total":200}'
run inspect slow.lua --output "$URL"
expect_exit 0
expect_out "Table t: 199 live rows, 1 deleted"
expect_out '): {"page":2}'

# A sync that adds a column holds t until its checkpoint commits.
pg_start_sync slow.lua "$URL" --configuration widen.json
for _ in $(seq 200); do [ -e altered ] && break; sleep 0.05; done
t0=$(date +%s)
run inspect --output "$URL" t
expect_exit 1
expect_err "canceling statement due to lock timeout (a running sync is adding or widening a column of this table in a checkpoint it has not committed yet; try again when it has)"
[ $(($(date +%s) - t0)) -ge 4 ] || fail "inspect gave up before its 5 seconds"
still_running "t"
# the journal is not held: --syncs works meanwhile
run inspect --output "$URL" --syncs --limit 1
expect_exit 0
expect_out "Sync 2: running"
end_sync
run inspect --output "$URL" t --key id=300
expect_exit 0
expect_out "| 300 | NULL | 1     |"
