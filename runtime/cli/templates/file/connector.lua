-- connector.lua: a connector that reads a CSV file, here orders.csv beside
-- this script.
--
--   connector-lua connector.lua --configuration configuration.json
--   connector-lua test connector.lua      (compares with connector.expected.json)
--
-- The file is the whole truth about the orders: each sync reads all of it,
-- soft-deletes the rows synced before (op.truncate) and upserts every row
-- the file holds now, so an order removed from the file ends up with
-- _fivetran_deleted = true. The state keeps the file's SHA-256: a sync that
-- finds the file unchanged writes nothing.
--
-- (For a file that only grows, a log, keep the byte offset read so far in
-- the state instead and read from there: see examples/file_events.lua in
-- connector-lua's sources.)
--
-- configuration: data_file, the CSV file's path; a relative path is taken
-- from this script's directory, so the connector runs from any directory.
-- The first line of the file names the columns.
--
-- The script reads files with io, so it cannot run with --sandbox.

---@param configuration table
---@return connector.Table[]
function schema(configuration)
  return {
    { table = "orders", primary_key = { "id" },
      columns = { id = "INT", customer = "STRING", ordered_at = "UTC_DATETIME", paid = "BOOLEAN",
                  amount = { type = "DECIMAL", precision = 10, scale = 2 } } },
  }
end

-- The directory this script is in ("" for the current one). The runtime
-- loads the script from its path, which debug.getinfo reports as
-- "@dir/connector.lua".
local function script_dir()
  local source = debug and debug.getinfo(1, "S").source or ""
  return source:match("^@(.*/)") or ""
end

-- The fields of one CSV line (RFC 4180): separated by commas; a field in
-- double quotes may hold commas, and "" in it stands for one quote. A
-- quoted field cannot span lines here.
local function csv_fields(line, where)
  local fields, pos = {}, 1
  while true do
    if line:sub(pos, pos) == '"' then
      local parts, i = {}, pos + 1
      while true do
        local q = line:find('"', i, true)
        if not q then error(where .. ": a quoted field is not closed") end
        parts[#parts + 1] = line:sub(i, q - 1)
        if line:sub(q + 1, q + 1) ~= '"' then
          pos = q + 1
          break
        end
        parts[#parts + 1] = '"'
        i = q + 2
      end
      fields[#fields + 1] = table.concat(parts)
    else
      local comma = line:find(",", pos, true) or #line + 1
      fields[#fields + 1] = line:sub(pos, comma - 1)
      pos = comma
    end
    local after = line:sub(pos, pos)
    if after == "" then return fields end
    if after ~= "," then error(("%s: unexpected %q after a quoted field"):format(where, after)) end
    pos = pos + 1
  end
end

---@param configuration table
---@param state table
function update(configuration, state)
  local path = configuration.data_file or "orders.csv"
  if path:sub(1, 1) ~= "/" then path = script_dir() .. path end

  -- <close>: the file is closed however update() ends, errors included.
  local f <close> = assert(io.open(path, "rb"))
  local text = f:read("a")
  local digest = hash.sha256(text)
  if state.sha256 == digest then
    log.info(path .. " has not changed since the last sync")
    return
  end

  -- Everything synced before is soft-deleted; the upserts below revive the
  -- rows still in the file.
  op.truncate("orders")
  local header, rows = nil, 0
  local line_no = 0
  for line in text:gmatch("[^\n]*") do
    line_no = line_no + 1
    line = line:gsub("\r$", "")
    local where = ("%s:%d"):format(path, line_no)
    if line == "" then
      -- a blank line (or the end of the file): nothing to read
    elseif not header then
      header = csv_fields(line, where)
    else
      local fields = csv_fields(line, where)
      if #fields ~= #header then
        error(("%s: %d fields, the header names %d"):format(where, #fields, #header))
      end
      local row = {}
      for i, name in ipairs(header) do row[name] = fields[i] end
      -- CSV holds only text: turn it into the declared types. DECIMAL and
      -- UTC_DATETIME take the text as it is (and check it).
      row.id = math.tointeger(tonumber(row.id)) or error(where .. ": id is not an integer: " .. tostring(row.id))
      row.paid = row.paid == "true"
      op.upsert("orders", row)
      rows = rows + 1
    end
  end
  op.checkpoint({ sha256 = digest, rows = rows })
  log.info(("%d orders read from %s"):format(rows, path))
end
