# An op called while another op is running — from a __gc finalizer that the
# collector runs in the middle of an op, or from a coroutine that finalizer
# resumes — is refused: the running op's row is half read, and letting the
# second op in once overwrote it (row -9450 held row 189's values and row
# 189 was missing). The refused op fails the sync loudly, since Lua turns a
# finalizer's error into a warning nobody sees; the rows written before it
# stay as the last checkpoint left them.

T_DECL='{ { table = "t", primary_key = { "id" }, columns = { id = "INT", v = "STRING" } } }'
write_declared gc.lua "$T_DECL" <<'LUA'
local mt = { __gc = function(o) op.upsert("t", { id = -o.n, v = "from gc " .. o.n }) end }
function update(configuration, state)
  op.upsert("t", { id = 0, v = "first" })
  op.checkpoint({ at = 0 })
  for i = 1, 5000 do
    setmetatable({ n = i }, mt) -- garbage with a finalizer
    -- the message of a refused row is made inside the op: the collector,
    -- and so the finalizer, runs there now and then
    pcall(op.upsert, "t", { id = i, v = {}, w = "row " .. i })
  end
end
LUA
run gc.lua --output g
expect_exit 1
expect_out "SYNC FAILED"
expect_err "was called while another op was running (from a __gc finalizer, a metamethod or a coroutine it resumed): ops cannot nest"
expect_sql g/warehouse.db "SELECT id, v FROM t" "0|first"

# The same through a coroutine that the finalizer resumes.
write_declared co.lua "$T_DECL" <<'LUA'
local mt = { __gc = function(o)
  coroutine.wrap(function() op.upsert("t", { id = -o.n, v = "from a coroutine" }) end)()
end }
function update(configuration, state)
  op.checkpoint({})
  for i = 1, 5000 do
    setmetatable({ n = i }, mt)
    pcall(op.upsert, "t", { id = i, v = {} })
  end
end
LUA
run co.lua --output c
expect_exit 1
expect_err "ops cannot nest"
expect_sql c/warehouse.db "SELECT count(*) FROM t" "0"

# Ops in coroutines are fine, also after one of them raised inside a
# coroutine that died of it (Lua closes nothing in a dead coroutine, so the
# op's guard must not stay up), and after a caught error in the main thread.
write_declared fine.lua "$T_DECL" <<'LUA'
function update(configuration, state)
  local ok = coroutine.resume(coroutine.create(function() op.upsert("t", { id = "bad" }) end))
  assert(not ok)
  assert(not pcall(op.upsert, "t", { v = "no key" }))
  local co = coroutine.wrap(function()
    for i = 1, 3 do op.upsert("t", { id = i, v = "co" }); coroutine.yield() end
  end)
  co(); co(); co()
  op.upsert("t", { id = 4, v = "main" })
end
LUA
run fine.lua --output f
expect_exit 0
expect_sql f/warehouse.db "SELECT group_concat(id || v, ',') FROM t" "1co,2co,3co,4main"
