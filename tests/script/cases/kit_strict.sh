# --strict (issue 11, item 5): a table or a column that schema() did not
# declare is an error that names it (as the script wrote it) and lists what
# is declared; so is op.update/op.delete/op.truncate of an undeclared table.
# A refused op leaves no trace: no table, no column, nothing counted. The
# same script without --strict runs as before.
SCHEMA='function schema(configuration)
  return {
    { table = "users", primary_key = { "id" },
      columns = { id = "INT", name = "STRING", UpdatedAt = "UTC_DATETIME" } },
    { table = "orders", primary_key = { "id" } },
    { table = "events" },
  }
end'

# try(f) in a script: logs "accepted", or "refused: " and f's error without
# its file and line.
TRY='local function try(f)
  local ok, err = pcall(f)
  log.info(ok and "accepted" or ("refused: " .. err:gsub("^[^:]*:%d+: ", "")))
end'

# The last checkpoint: a good --strict run into o/.
write s.lua <<LUA
$SCHEMA
function update(configuration, state)
  op.upsert("users", { id = 1, name = "kept" })
  op.checkpoint({ n = 1 })
end
LUA
run s.lua --output o --strict
expect_exit 0
dump_db o/warehouse.db > dump.before

# refused CALL MESSAGE: under --strict, update() upserts a good row (line
# 10), then makes CALL on line 11, which fails the sync with exit 1 and
# the one message `s.lua:11: MESSAGE`; the database is as the last
# checkpoint left it: no table, no column, no row.
refused() {
  local before=$FAILURES
  write s.lua <<LUA
$SCHEMA
function update(configuration, state)
  op.upsert("users", { id = 9, name = "rolled back" })
  $1
end
LUA
  run s.lua --output o --strict
  expect_exit 1
  expect_out "SYNC FAILED"
  severe_is "s.lua:11: $2"
  dump_db o/warehouse.db > dump.after
  cmp -s dump.before dump.after || { fail "the database changed"; diff dump.before dump.after >&2; }
  [ "$FAILURES" = "$before" ] || echo "  (in: refused $1)" >&2
}
DECLARED='schema() declares events, orders, users'
refused 'op.upsert("users", { id = 1, updated_ = "2024-01-01T00:00:00Z" })' \
  'op.upsert("users") id=1: --strict: column "updated_" is not declared; "users" declares id, updated_at, name'
refused 'op.update("users", { id = 1, nickname = "x" })' \
  'op.update("users") id=1: --strict: column "nickname" is not declared; "users" declares id, updated_at, name'
# op.delete reads only the key, but under --strict every name must be declared.
refused 'op.delete("users", { id = 1, nme = "x" })' \
  'op.delete("users") id=1: --strict: column "nme" is not declared; "users" declares id, updated_at, name'
# A column given json.null is named all the same.
refused 'op.upsert("users", { id = 1, gone = json.null })' \
  'op.upsert("users") id=1: --strict: column "gone" is not declared; "users" declares id, updated_at, name'
refused 'op.upsert("usr", { id = 1 })' \
  "op.upsert(\"usr\"): --strict: table \"usr\" is not declared; $DECLARED"
refused 'op.update("usr", { id = 1 })' \
  "op.update(\"usr\"): --strict: table \"usr\" is not declared; $DECLARED"
refused 'op.delete("usr", { id = 1 })' \
  "op.delete(\"usr\"): --strict: table \"usr\" is not declared; $DECLARED"
refused 'op.truncate("usr")' \
  "op.truncate(\"usr\"): --strict: table \"usr\" is not declared; $DECLARED"
# A table declared with a primary key and no columns: only its key is declared.
refused 'op.upsert("orders", { id = 1, total = 5 })' \
  'op.upsert("orders") id=1: --strict: column "total" is not declared; "orders" declares id'
# A table declared with neither: no column at all.
refused 'op.upsert("events", { kind = "click" })' \
  'op.upsert("events"): --strict: column "kind" is not declared; "events" declares no columns'
# Names are compared after normalisation, and shown as the script wrote them.
refused 'op.upsert("users", { id = 1, UpdatedAtt = "2024-01-01T00:00:00Z" })' \
  'op.upsert("users") id=1: --strict: column "UpdatedAtt" is not declared; "users" declares id, updated_at, name'
refused 'op.upsert("Usr", { id = 1 })' \
  "op.upsert(\"Usr\"): --strict: table \"Usr\" is not declared; $DECLARED"

# Caught with pcall, a refused op counts nothing and leaves nothing; what is
# declared is taken, in any spelling that normalises to it.
write s.lua <<LUA
$SCHEMA
$TRY
function update(configuration, state)
  try(function() op.upsert("Users", { ID = 1, name = "ann", updatedAt = "2024-01-01T00:00:00Z" }) end)
  try(function() op.upsert("users", { id = 2, name = "bob", extra = 1 }) end)
  try(function() op.update("usr", { id = 1 }) end)
  try(function() op.delete("usr", { id = 1 }) end)
  try(function() op.truncate("usr") end)
  try(function() op.upsert("usr", { id = 3 }) end)
  try(function() op.update("users", { id = 1, name = "Ann" }) end)
  try(function() op.upsert("orders", { id = 7 }) end)
  try(function() op.delete("orders", { id = 7 }) end)
  try(function() op.upsert("events", {}) end)
  op.checkpoint({ done = true })
end
LUA
rm -rf o
run s.lua --output o --strict
expect_exit 0
expect_out "Upserts        | 3"
expect_out "Updates        | 1"
expect_out "Deletes        | 1"
expect_out "Truncates      | 0"
expect_out "SchemaChanges  | 3"
[ "$(grep -c 'INFO     refused: ' err)" = 5 ] || { fail "expected 5 refused ops"; show_output; }
[ "$(grep -c 'INFO     accepted' err)" = 5 ] || { fail "expected 5 accepted ops"; show_output; }
expect_no_err "no table"
expect_sql o/warehouse.db "SELECT id, name, updated_at FROM users" "1|Ann|2024-01-01T00:00:00.000Z"
expect_sql o/warehouse.db "SELECT count(*) FROM pragma_table_info('users') WHERE name = 'extra'" "0"
expect_sql o/warehouse.db "SELECT count(*) FROM sqlite_master WHERE name = 'usr'" "0"
expect_sql o/warehouse.db "SELECT count(*) FROM _clua_columns WHERE table_name = 'usr' OR column_name = 'extra'" "0"
expect_sql o/warehouse.db "SELECT count(*) FROM events" "1"

# Without --strict the same script runs as before: the column and the table
# are made, and op.update/op.delete of a missing table warn once.
rm -rf o
run s.lua --output o
expect_exit 0
expect_out "Upserts        | 5"
expect_out "Updates        | 2"
expect_out "Deletes        | 2"
expect_out "Truncates      | 1"
expect_no_err "refused"
expect_err 'WARNING  op.update("usr"): no table "usr" has had a row yet'
expect_sql o/warehouse.db "SELECT id, extra FROM users WHERE id = 2" "2|1"
expect_sql o/warehouse.db "SELECT count(*) FROM usr" "1"

# What that run made without --strict is refused by a --strict run whose
# schema() does not declare it: the table usr and the column extra.
write s.lua <<LUA
$SCHEMA
$TRY
function update(configuration, state)
  try(function() op.upsert("usr", { id = 4 }) end)
  try(function() op.upsert("users", { id = 5, extra = 2 }) end)
end
LUA
run s.lua --output o --strict
expect_exit 0
expect_err "INFO     refused: op.upsert(\"usr\"): --strict: table \"usr\" is not declared; $DECLARED"
expect_err 'INFO     refused: op.upsert("users") id=5: --strict: column "extra" is not declared; "users" declares id, updated_at, name'
expect_sql o/warehouse.db "SELECT count(*) FROM usr" "1"

# A schema() that declares nothing, or no schema() at all: every op is refused.
for decl in 'function schema(configuration) return {} end' ''; do
  write n.lua <<LUA
$decl
function update(configuration, state)
  op.upsert("t", { id = 1 })
end
LUA
  rm -rf n
  run n.lua --output n --strict
  expect_exit 1
  severe_is 'n.lua:3: op.upsert("t"): --strict: table "t" is not declared; schema() declares no tables'
  expect_sql n/warehouse.db "SELECT count(*) FROM sqlite_master WHERE name = 't'" "0"
done

# A table without a primary key: its _fivetran_id is the runtime's, and
# op.update/op.delete give it under --strict too.
write h.lua <<'LUA'
function schema(configuration)
  return { { table = "h", columns = { v = "STRING" } } }
end
function update(configuration, state)
  if not state.id then
    op.upsert("h", { v = "a" })
  else
    op.update("h", { _fivetran_id = state.id, v = "b" })
    op.delete("h", { _fivetran_id = state.id })
  end
end
LUA
run h.lua --output h --strict
expect_exit 0
ID=$(sqlite3 h/warehouse.db "SELECT _fivetran_id FROM h")
printf '{"id":"%s"}' "$ID" > st.json
run h.lua --output h --strict --state st.json
expect_exit 0
expect_sql h/warehouse.db "SELECT v, _fivetran_deleted FROM h" "b|1"
