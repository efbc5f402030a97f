-- py_json.lua: JSON text exactly as Python's json.dumps writes it with its
-- defaults (ensure_ascii, ", " and ": " between items), for hashing rows
-- the way the SDK's Python examples do. json.encode writes compact JSON,
-- which would give other hashes.

local M = {}

-- A JSON string as Python's json.dumps writes it (ensure_ascii): the
-- short escapes, other control bytes, DEL and every non-ASCII character as \uXXXX
-- (past U+FFFF, a surrogate pair).
local short = { ['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\n", ["\r"] = "\\r",
                ["\t"] = "\\t", ["\b"] = "\\b", ["\f"] = "\\f" }
function M.string(s)
  local out = {}
  for _, c in utf8.codes(s) do
    local ch = utf8.char(c)
    if short[ch] then out[#out + 1] = short[ch]
    elseif c < 0x20 or (c >= 0x7f and c < 0x10000) then
      out[#out + 1] = string.format("\\u%04x", c)
    elseif c >= 0x10000 then
      c = c - 0x10000
      out[#out + 1] = string.format("\\u%04x\\u%04x", 0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff))
    else out[#out + 1] = ch end
  end
  return '"' .. table.concat(out) .. '"'
end

-- json.dumps(row, sort_keys=True) of a flat row of strings, integers,
-- booleans and json.null: keys in order, ", " and ": " between.
function M.dumps_sorted(row)
  local keys = {}
  for k in pairs(row) do keys[#keys + 1] = k end
  table.sort(keys)
  local parts = {}
  for i, k in ipairs(keys) do
    local v, text = row[k], nil
    if v == json.null then text = "null"
    elseif type(v) == "string" then text = M.string(v)
    elseif type(v) == "boolean" then text = v and "true" or "false"
    elseif math.type(v) == "integer" then text = tostring(v)
    else error("py_json.dumps_sorted: field " .. k .. " is a " .. type(v) .. ", which this example does not hash", 2) end
    parts[i] = M.string(k) .. ": " .. text
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

return M
