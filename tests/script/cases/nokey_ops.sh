# op.update and op.delete on a table without a primary key find the row by
# the `_fivetran_id` in their keys; without it they are a clear error. An
# upsert must not bring `_fivetran_id` (the runtime computes it), and a
# table with a primary key has no such column. The three runs are one
# connector (nokey.lua) at three stages, on one database.

write nokey.lua <<'LUA'
function schema(configuration)
  return { { table = "decl", columns = { name = "STRING", n = "INT" } },
           { table = "keyed", primary_key = { "id" }, columns = { id = "INT" } } }
end
function update(configuration, state)
  op.upsert("free", { a = 1, b = "one" })
  op.upsert("free", { a = 2, b = "two" })
  op.upsert("free", { a = 3, b = "three" })
  op.upsert("decl", { name = "x", n = 1 })
  op.checkpoint({})
end
LUA
run nokey.lua --output o
expect_exit 0
ID1=$(sqlite3 o/warehouse.db "SELECT _fivetran_id FROM free WHERE a = 1")
ID2=$(sqlite3 o/warehouse.db "SELECT _fivetran_id FROM free WHERE a = 2")
ID3=$(sqlite3 o/warehouse.db "SELECT _fivetran_id FROM free WHERE a = 3")
DID=$(sqlite3 o/warehouse.db "SELECT _fivetran_id FROM decl")
SYNCED3=$(sqlite3 o/warehouse.db "SELECT _fivetran_synced FROM free WHERE a = 3")
printf '{"id1":"%s","id2":"%s","did":"%s"}' "$ID1" "$ID2" "$DID" > ids.json

write nokey.lua <<'LUA'
local function try(f)
  local ok, err = pcall(f)
  log.info(ok and "accepted" or ("refused: " .. err))
end
function update(configuration, state)
  op.update("free", { _fivetran_id = configuration.id1, b = "changed", extra = true })
  op.delete("free", { _fivetran_id = configuration.id2, a = 99 })   -- other fields ignored
  op.update("decl", { _fivetran_id = configuration.did, n = 5 })
  op.update("free", { _fivetran_id = "00000000000000000000000000000000", b = "nobody" })
  op.delete("free", { _fivetran_id = "00000000000000000000000000000000" })
  try(function() op.update("free", { a = 3, b = "no id" }) end)
  try(function() op.delete("free", { a = 3 }) end)
  try(function() op.delete("decl", { _fivetran_id = json.null }) end)
  try(function() op.upsert("free", { a = 4, _fivetran_id = "abc" }) end)
  try(function() op.upsert("decl", { _fivetran_id = configuration.did, n = 1 }) end)
  try(function() op.upsert("keyed", { id = 1, _fivetran_id = "abc" }) end)
end
LUA
run nokey.lua --output o --configuration ids.json
expect_exit 0
expect_out "Updates        | 3"
expect_out "Deletes        | 2"
expect_err 'refused: nokey.lua:11: op.update("free"): table "free" has no primary key, so the row must give its _fivetran_id'
expect_err 'refused: nokey.lua:12: op.delete("free"): table "free" has no primary key, so the row must give its _fivetran_id'
expect_err 'refused: nokey.lua:13: op.delete("decl"): table "decl" has no primary key, so the row must give its _fivetran_id'
expect_err 'refused: nokey.lua:14: op.upsert("free") _fivetran_id="abc": column "_fivetran_id" is computed by the runtime from the row'"'"'s values'
expect_err "refused: nokey.lua:15: op.upsert(\"decl\") _fivetran_id=\"$DID\": column \"_fivetran_id\" is computed by the runtime from the row's values"
expect_err 'refused: nokey.lua:16: op.upsert("keyed") id=1: column "_fivetran_id" is reserved for the runtime'
expect_no_err "accepted"
# the update changed the row it names (its id stays), the delete soft-deleted
# the row it names, the unknown id touched nothing
expect_sql o/warehouse.db "SELECT _fivetran_id = '$ID1', a, b, quote(extra), _fivetran_deleted FROM free WHERE a = 1" "1|1|changed|1|0"
expect_sql o/warehouse.db "SELECT _fivetran_id = '$ID2', a, b, _fivetran_deleted FROM free WHERE a = 2" "1|2|two|1"
expect_sql o/warehouse.db "SELECT _fivetran_id = '$ID3', b, _fivetran_deleted, _fivetran_synced = '$SYNCED3' FROM free WHERE a = 3" "1|three|0|1"
expect_sql o/warehouse.db "SELECT count(*) FROM free" "3"
expect_sql o/warehouse.db "SELECT name, n FROM decl" "x|5"
expect_sql o/warehouse.db "SELECT count(*) FROM keyed" "0"
expect_sql o/warehouse.db "SELECT count(*) FROM pragma_table_info('keyed') WHERE name = '_fivetran_id'" "0"

# Uncaught, a missing _fivetran_id fails the sync and rolls back.
write nokey.lua <<'LUA'
function update(configuration, state)
  op.update("free", { _fivetran_id = configuration.id1, b = "rolled back" })
  op.delete("free", { b = "changed" })
end
LUA
run nokey.lua --output o --configuration ids.json
expect_exit 1
expect_out "SYNC FAILED"
severe_is 'nokey.lua:3: op.delete("free"): table "free" has no primary key, so the row must give its _fivetran_id'
expect_sql o/warehouse.db "SELECT b FROM free WHERE a = 1" "changed"
