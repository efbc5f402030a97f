-- three_workload.lua: the yardstick workload of ../shared/bench/README.md as a
-- connector. N upserts into three(id, val1, val2), a partial update every
-- 10th, a soft delete every 100th, a checkpoint every 10,000 operations and
-- once more at the end. N comes from the configuration: {"n": 100000}.
-- With {"script_alone": true} every op.* is an empty function, so a run
-- times the script's own Lua work (and the runtime's start and end): the
-- full run minus this one is what the op path itself costs.

function schema(configuration)
  return {
    { table = "three", primary_key = { "id" },
      columns = { id = "STRING", val1 = "STRING", val2 = "LONG" } },
  }
end

local format = string.format

-- The same uuid-like 36-character ids as make_id() in the yardsticks
-- ("%016x%016x" of the two products, cut 8-4-4-4-12), in one format call.
local function make_id(i)
  local a, b = i * 0x9E3779B97F4A7C15, i * 0xD6E8FEB86659FD93
  return format("%08x-%04x-%04x-%04x-%012x", (a >> 32) & 0xffffffff, (a >> 16) & 0xffff,
                a & 0xffff, (b >> 48) & 0xffff, b & 0xffffffffffff)
end

function update(configuration, state)
  local n = configuration.n or 100000
  local every = configuration.checkpoint_every or 10000
  local upsert, update_, delete, checkpoint = op.upsert, op.update, op.delete, op.checkpoint
  if configuration.script_alone then
    local function nothing() end
    upsert, update_, delete, checkpoint = nothing, nothing, nothing, nothing
  end
  local ops = 0
  for i = 1, n do
    upsert("three", { id = make_id(i), val1 = "value-" .. i, val2 = i })
    ops = ops + 1
    if ops % every == 0 then checkpoint({ cursor = i, ops = ops }) end
    if i % 10 == 0 then
      update_("three", { id = make_id(i // 2), val2 = -i })
      ops = ops + 1
      if ops % every == 0 then checkpoint({ cursor = i, ops = ops }) end
    end
    if i % 100 == 0 then
      delete("three", { id = make_id(i // 4) })
      ops = ops + 1
      if ops % every == 0 then checkpoint({ cursor = i, ops = ops }) end
    end
  end
  checkpoint({ cursor = n, ops = ops })
end
