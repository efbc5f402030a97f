-- three.lua: the smallest complete connector, and the one to copy first.
-- Each run logs a warning, upserts three rows with fresh UUIDs, changes the
-- second row's val1, soft-deletes the third, and checkpoints the state it was
-- given. After one run files/three/warehouse.db holds 3 rows, the third
-- soft-deleted; every further run adds three more.
--
--   connector-lua scripts/three.lua

function schema(configuration)
  return {
    {
      table = "three",
      primary_key = { "id" },
      columns = { id = "STRING", val1 = "STRING", val2 = "INT" },
    },
  }
end

function update(configuration, state)
  log.warning("Example: three.lua - upserts three rows, updates one, deletes one")

  local ids = {}
  for i = 0, 2 do
    local id = uuid.v4()
    ids[#ids + 1] = id
    op.upsert("three", { id = id, val1 = id, val2 = i })
  end
  op.update("three", { id = ids[2], val1 = "abc" })
  op.delete("three", { id = ids[3] })

  -- Commits everything above together with the state, so data and cursor
  -- can never disagree.
  op.checkpoint(state)
end
