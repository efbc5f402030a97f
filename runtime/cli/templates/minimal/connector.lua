-- connector.lua: a minimal connector-lua connector. Start here.
--
-- Run it, look at what it wrote, run it again:
--
--   connector-lua connector.lua --configuration configuration.json
--   connector-lua inspect connector.lua item
--   connector-lua test connector.lua      (compares with connector.expected.json)
--
-- Each sync adds `rows_per_sync` rows to the table "item", numbering them on
-- from where the last sync stopped. That number is the cursor, kept in the
-- state: op.checkpoint(state) saves it together with the rows, and the next
-- sync's update() receives it. A real connector keeps the same kind of
-- cursor: the newest timestamp, the last id, a page token.
--
-- The data is made up and the same on every machine (no clock, no random
-- ids), so connector.expected.json can say exactly what a first sync writes.
--
-- configuration.json holds example values; keep real ones (passwords,
-- tokens) in configuration.local.json, which .gitignore keeps out of git.
-- An editor with the Lua language server completes op., log., json. and the
-- rest from .luals/connector_lua.d.lua (see .luarc.json).

-- schema(configuration) declares the tables: their primary key and the type
-- of each column. It is optional (undeclared columns take the type of their
-- first value) but a declared type is checked on every row.
---@param configuration table
---@return connector.Table[]
function schema(configuration)
  return {
    { table = "item", primary_key = { "id" },
      columns = { id = "INT", name = "STRING", created_at = "UTC_DATETIME", even = "BOOLEAN" } },
  }
end

-- update(configuration, state) is the sync. `state` is what the last
-- op.checkpoint saved, {} on the first run.
---@param configuration table
---@param state table
function update(configuration, state)
  local last = state.last_id or 0
  local count = math.tointeger(configuration.rows_per_sync) or 3
  local prefix = configuration.prefix or "item"
  -- One day per id from 2024-01-01: time.parse gives milliseconds since
  -- 1970 (UTC), time.format the ISO text back.
  local day0 = time.parse("2024-01-01T00:00:00Z")
  log.info(("adding items %d to %d"):format(last + 1, last + count))

  for id = last + 1, last + count do
    -- Upsert: insert the row, or replace the one with the same id.
    op.upsert("item", {
      id = id,
      name = ("%s %d"):format(prefix, id),
      created_at = time.format(day0 + (id - 1) * 86400 * 1000),
      even = id % 2 == 0,
    })
  end

  -- Commit the rows and the cursor together: if a later step failed, the
  -- next sync would start from here, with these rows kept.
  op.checkpoint({ last_id = last + count })
end
