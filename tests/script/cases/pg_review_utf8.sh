# A text value that is not UTF-8 is refused on PostgreSQL (whose text
# cannot hold it) before it is sent, with an error naming the table, the
# column and the byte (review of issue 14), and, since the server never saw
# it, the transaction goes on: a script that catches the error with pcall
# writes its next rows, as a script does after any refused op on SQLite.
pg_reset_schema
case $CLUA_PG_URL in *\?*) SEP='&' ;; *) SEP='?' ;; esac
PGO="$CLUA_PG_URL${SEP}schema=$PG_SCHEMA"

write u.lua <<'LUA'
function schema()
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", name = "STRING" } } }
end
function update(configuration, state)
  op.upsert("t", { id = 1, name = "one" })
  local ok, err = pcall(op.upsert, "t", { id = 2, name = "ab\255c" })
  log.info("caught: " .. tostring(ok) .. " " .. tostring(err))
  ok, err = pcall(op.upsert, "t", { id = "four" }) -- a type error, on either destination
  log.info("caught: " .. tostring(ok))
  op.upsert("t", { id = 3, name = "three" })
  op.checkpoint({ done = true })
end
LUA
run u.lua --output "$PGO"
expect_exit 0
expect_err 'caught: false op.upsert("t"): column "name" of "t": PostgreSQL text cannot hold bytes that are not UTF-8 (byte 0xFF at offset 2; store it as BINARY)'
expect_pg "SELECT id, name FROM \"$PG_SCHEMA\".t ORDER BY id" '1|one
3|three'
expect_pg "SELECT convert_from(state, 'UTF8') FROM \"$PG_SCHEMA\"._clua_state" '{"done":true}'
# SQLite keeps such text: there the row is written.
run u.lua --output o
expect_exit 0
expect_sql o/warehouse.db "SELECT id, hex(name) FROM t ORDER BY id" '1|6F6E65
2|6162FF63
3|7468726565'

# Not caught, the sync fails with the same message, at the checkpoint before.
write v.lua <<'LUA'
function schema() return {} end
function update(configuration, state)
  op.upsert("v", { id = 1, name = "\192\128" }) -- an overlong NUL
  op.checkpoint({})
end
LUA
run v.lua --output "$PGO" --take-over
expect_exit 1
expect_err 'column "name" of "v": PostgreSQL text cannot hold bytes that are not UTF-8 (byte 0xC0 at offset 0; store it as BINARY)'
