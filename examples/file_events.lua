-- file_events.lua: a JSON-lines file (one event object a line) synced
-- incrementally, like an append-only log.
--
--   connector-lua examples/file_events.lua --configuration examples/file_events.json
--
-- The state is { offset = N }: the bytes of the file already synced. A sync
-- seeks there, reads the complete lines that follow, upserts one row per
-- line and checkpoints every `batch` lines, so lines appended later are
-- read next time and a failed sync resumes after its last checkpoint. A last
-- line without its newline is still being written: it waits for the next
-- sync. A file shorter than the offset was replaced: it is read again from
-- the start (the rows are upserted again, which is harmless).
--
-- configuration: path (default examples/data/events.jsonl), batch (lines
-- between checkpoints, default 1000).

function schema(configuration)
  return {
    { table = "event", primary_key = { "id" },
      columns = { id = "STRING", type = "STRING", at = "UTC_DATETIME", user = "STRING",
                  amount = { type = "DECIMAL", precision = 12, scale = 2 }, line_offset = "LONG" } },
  }
end

function update(configuration, state)
  local path = configuration.path or "examples/data/events.jsonl"
  local batch = tonumber(configuration.batch) or 1000
  -- <close>: the file is closed however update() ends, errors included.
  local f <close> = assert(io.open(path, "rb"))
  local size = f:seek("end")
  local offset = state.offset or 0
  if size < offset then
    log.warning(("%s is shorter than the synced offset %d: reading it again from the start")
                :format(path, offset))
    offset = 0
  end
  f:seek("set", offset)
  log.info(("reading %s from byte %d of %d"):format(path, offset, size))

  local lines = 0
  while true do
    local line = f:read("L") -- the line with its newline
    if not line or line:sub(-1) ~= "\n" then break end
    local at = offset
    offset = offset + #line
    local text = line:gsub("\r?\n$", "")
    if text:match("%S") then -- blank lines are skipped
      local ok, event = pcall(json.decode, text)
      if not ok or type(event) ~= "table" then
        error(("%s: the line at byte %d is not a JSON object: %s"):format(path, at, tostring(event)))
      end
      op.upsert("event", { id = event.id, type = event.type, at = event.at, user = event.user,
                           amount = event.amount, line_offset = at })
      lines = lines + 1
      if lines % batch == 0 then op.checkpoint({ offset = offset }) end
    end
  end
  op.checkpoint({ offset = offset })
  log.info(("%d new lines, now at byte %d"):format(lines, offset))
end
