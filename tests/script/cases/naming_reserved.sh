# Names that SQLite or the runtime need for themselves. With --naming source
# any name is stored literally; a name that cannot be (SQLite folds ASCII
# case, so "_Fivetran_Synced" is the system column _fivetran_synced; the
# runtime keeps _clua_state and _clua_columns; SQLite keeps sqlite_*, which
# a normalised name can be too) is a clear error that the script can catch,
# like any misuse, not a database failure that ends the sync. A table the
# script names "t__clua_widen" is just a table: widening "t" still works.

write cols.lua <<'LUA'
local function try(what, f)
  local ok, err = pcall(f)
  log.info(what .. ": " .. (ok and "accepted" or ("refused: " .. err)))
end
function update(configuration, state)
  op.upsert("t", { id = 1 })
  try("synced", function() op.upsert("t", { id = 2, _Fivetran_Synced = "x" }) end)
  try("deleted", function() op.upsert("t", { id = 3, _FIVETRAN_DELETED = 0 }) end)
  op.upsert("t", { id = 4 })
end
LUA
run cols.lua --output o --naming source
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_err 'synced: refused: cols.lua:7: op.upsert("t"): column "_Fivetran_Synced" is reserved for the runtime'
expect_err 'deleted: refused: cols.lua:8: op.upsert("t"): column "_FIVETRAN_DELETED" is reserved for the runtime'
expect_no_err "duplicate column name"
expect_sql o/warehouse.db "SELECT id FROM t ORDER BY id" $'1\n4'

write decl.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", _FIVETRAN_DELETED = "INT" } } }
end
function update(configuration, state) end
LUA
run decl.lua --output d --naming source
expect_exit 1
expect_err 'is reserved for the runtime'
expect_err '_FIVETRAN_DELETED'
expect_no_err "duplicate column name"

write tables.lua <<'LUA'
local function try(name)
  local ok, err = pcall(function() op.upsert(name, { v = 1 }) end)
  log.info(name .. ": " .. (ok and "accepted" or ("refused: " .. err)))
end
function update(configuration, state)
  try("_clua_state")
  try("_clua_columns")
  try("sqlite_x")
  op.upsert("fine", { v = 1 })
end
LUA
run tables.lua --output tb --naming source
expect_exit 0
expect_out "SYNC SUCCEEDED"
# each is either stored under its name or refused with a clear message
for n in _clua_state _clua_columns sqlite_x; do
  grep -qE "INFO +$n: (accepted|refused: tables.lua:2: .*reserved)" err || { fail "table $n neither stored nor clearly refused"; show_output; }
done
expect_no_err "already exists"
expect_no_err "the sync has failed already"
expect_sql tb/warehouse.db "SELECT count(*) FROM fine" "1"
expect_sql tb/warehouse.db "SELECT count(*) FROM _clua_state" "1"

write widen.lua <<'LUA'
function update(configuration, state)
  op.upsert("t__clua_widen", { v = 1 })
  op.upsert("t", { k = "a", v = 1 })
  op.upsert("t", { k = "b", v = "x" })   -- widens t.v: t is rebuilt
end
LUA
run widen.lua --output w --naming source
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_sql w/warehouse.db "SELECT k, quote(v) FROM t ORDER BY k" $'a|\'1\'\nb|\'x\''
expect_sql w/warehouse.db "SELECT quote(v) FROM t__clua_widen" "1"

# Normalised names can be SQLite's too.
write norm.lua <<'LUA'
function update(configuration, state)
  local ok, err = pcall(function() op.upsert("SQLite_Stats", { v = 1 }) end)
  log.info("stats: " .. (ok and "accepted" or ("refused: " .. err)))
  op.upsert("fine", { v = 1 })
end
LUA
run norm.lua --output n
expect_exit 0
expect_out "SYNC SUCCEEDED"
grep -qE 'INFO +stats: (accepted|refused: norm.lua:2: .*sqlite_stats.*reserved)' err || { fail "table sqlite_stats neither stored nor clearly refused"; show_output; }
expect_no_err "the sync has failed already"
expect_sql n/warehouse.db "SELECT count(*) FROM fine" "1"
