-- utils/timestamp_serializer.lua: timestamps the source sends as
-- "YYYY/MM/DD HH:MM:SS" or "YYYY-MM-DD HH:MM:SS", in UTC, made ISO 8601
-- ("2024-09-24T14:30:45+00:00", as Python's isoformat() writes them).
-- Anything else, or a date that is not in the calendar, is an error that
-- shows the text.

local M = {}

-- The two formats, as Lua patterns: yyyy/MM/dd HH:mm:ss and
-- yyyy-MM-dd HH:mm:ss (one-digit fields too, as Python's strptime takes).
local FORMATS = {
  "^(%d%d%d%d)/(%d%d?)/(%d%d?) (%d%d?):(%d%d?):(%d%d?)$",
  "^(%d%d%d%d)%-(%d%d?)%-(%d%d?) (%d%d?):(%d%d?):(%d%d?)$",
}

-- text as "YYYY-MM-DDTHH:MM:SS", or nil when it is in neither format.
function M.parse_timestamp(text)
  if type(text) ~= "string" then return nil end
  for _, pattern in ipairs(FORMATS) do
    local y, mo, d, h, mi, s = text:match(pattern)
    if y then
      local iso = string.format("%s-%02d-%02dT%02d:%02d:%02d", y, tonumber(mo), tonumber(d),
                                tonumber(h), tonumber(mi), tonumber(s))
      -- time.parse checks the calendar (no February 30th) and the clock.
      if time.parse(iso .. "Z") then return iso end
    end
  end
  return nil
end

function M.serialize(text)
  local iso = M.parse_timestamp(text)
  if not iso then error("Timestamp format not recognized: " .. tostring(text), 2) end
  return iso .. "+00:00"
end

return M
