# time: time.now(), time.parse(text), time.format(ms [, pattern]) and
# time.sleep's argument checks, with and without --sandbox. Instants are
# integer milliseconds since the Unix epoch in UTC; parse accepts a date,
# or a date and time with Z, +hh:mm, +hhmm or no offset (UTC), and gives
# nil plus a message for anything else. time.sleep stopped by --timeout is
# in kit_time_sleep.sh (it measures time).

write t.lua <<'LUA'
local function eq(got, want, what)
  if got ~= want then
    error(string.format("%s: got %s (%s), want %s (%s)", what, tostring(got), math.type(got) or type(got),
      tostring(want), math.type(want) or type(want)), 2)
  end
end

local function refused(text, reason)
  local v, msg = time.parse(text)
  eq(v, nil, "time.parse(" .. text .. ")")
  if type(msg) ~= "string" or not msg:find(reason, 1, true) or not msg:find("time.parse: ", 1, true) then
    error("time.parse(" .. text .. ") message: " .. tostring(msg) .. ", want " .. reason, 2)
  end
end

local function raises(f, text)
  local ok, err = pcall(f)
  if ok or not tostring(err):find(text, 1, true) then
    error("want an error with: " .. text .. ", got " .. tostring(err), 2)
  end
end

function update(configuration, state)
  -- every accepted form, with its epoch value
  local known = {
    ["2024-02-29T12:34:56.789+05:30"] = 1709190296789,
    ["1969-12-31T23:59:59.999Z"] = -1,
    ["1970-01-01"] = 0,
    ["0001-01-01"] = -62135596800000,
    ["0001-01-01T00:00:00Z"] = -62135596800000,
    ["9999-12-31T23:59:59.999Z"] = 253402300799999,
    ["2024-02-29"] = 1709164800000,
    ["2024-02-29 12:34"] = 1709210040000,
    ["2024-02-29T12:34"] = 1709210040000,
    ["2024-02-29T12:34Z"] = 1709210040000,
    ["2024-02-29T12:34:56"] = 1709210096000,
    ["2024-02-29T12:34:56Z"] = 1709210096000,
    ["2024-02-29t12:34:56z"] = 1709210096000,
    ["2024-02-29 12:34:56+00:00"] = 1709210096000,
    ["2024-02-29T12:34-02:00"] = 1709217240000,
    ["2024-02-29T12:34:56.5-0230"] = 1709219096500,
    ["1900-03-01T00:00:00Z"] = -2203891200000,
    ["2000-01-01T00:00:00+00:00"] = 946684800000,
    ["1970-01-01T00:00:00.123456789Z"] = 123,
    ["1970-01-01T00:00:00.1Z"] = 100,
    ["1970-01-01T05:30:00+05:30"] = 0,
    ["1969-12-31T18:30:00-05:30"] = 0,
  }
  for text, ms in pairs(known) do
    local v, msg = time.parse(text)
    eq(v, ms, "time.parse(" .. text .. ") " .. tostring(msg))
    eq(math.type(v), "integer", "math.type of time.parse(" .. text .. ")")
  end

  -- refused, with a message that says why
  refused("2023-02-29", "not a calendar date")
  refused("2023-02-29T00:00:00Z", "not a calendar date")
  refused("2024-13-01", "not a calendar date")
  refused("2024-04-31", "not a calendar date")
  refused("0000-12-31", "not a calendar date")
  refused("2024-01-01T24:00:00Z", "not a time of day")
  refused("2024-01-01T12:60Z", "not a time of day")
  refused("2024-01-01T12:00:60Z", "not a time of day")
  refused("2024-01-01T12:00+05", "bad UTC offset")
  refused("2024-01-01T12:00+24:00", "bad UTC offset")
  refused("2024-01-01T12:00+05:60", "bad UTC offset")
  refused("2024-01-01T12:00:00+5:30", "bad UTC offset")
  refused("2024-01-01T12:00:00.1234567891Z", "more than 9 digits")
  refused("2024-01-01T12:00:00.Z", "not YYYY-MM-DD")
  refused("2024-01-01T12", "not YYYY-MM-DD")
  refused("2024-01-01T12:0", "not YYYY-MM-DD")
  refused("2024-01-01T12:00:0", "not YYYY-MM-DD")
  refused("2024-1-01", "not YYYY-MM-DD")
  refused("", "not YYYY-MM-DD")
  refused("yesterday", "not YYYY-MM-DD")
  refused("2024-01-01T12:00 UTC", "not YYYY-MM-DD")
  refused("0001-01-01T00:00+01:00", "outside years 0001 to 9999 in UTC")
  refused("9999-12-31T23:59-01:00", "outside years 0001 to 9999 in UTC")
  refused("2024-01-01\0", "not YYYY-MM-DD")
  raises(function() time.parse(5) end, "time.parse: text must be a string, got integer 5")
  raises(function() time.parse() end, "time.parse: text must be a string, got no value")

  -- format: the default form, and round trips to the canonical text
  eq(time.format(0), "1970-01-01T00:00:00.000Z", "format 0")
  eq(time.format(-1), "1969-12-31T23:59:59.999Z", "format -1")
  eq(time.format(-1000), "1969-12-31T23:59:59.000Z", "format -1000")
  eq(time.format(-1001), "1969-12-31T23:59:58.999Z", "format -1001")
  eq(time.format(1.0 * 1000), "1970-01-01T00:00:01.000Z", "format of an integral float")
  local canonical = {
    ["2024-02-29T12:34:56.789+05:30"] = "2024-02-29T07:04:56.789Z",
    ["1969-12-31T23:59:59.999Z"] = "1969-12-31T23:59:59.999Z",
    ["0001-01-01"] = "0001-01-01T00:00:00.000Z",
    ["9999-12-31T23:59:59.999Z"] = "9999-12-31T23:59:59.999Z",
    ["2024-02-29 12:34"] = "2024-02-29T12:34:00.000Z",
    ["2024-02-29T12:34:56.5-0230"] = "2024-02-29T15:04:56.500Z",
    ["1900-02-28T23:00:00-01:00"] = "1900-03-01T00:00:00.000Z",
    ["1970-01-01T00:00:00.123456789Z"] = "1970-01-01T00:00:00.123Z",
  }
  for text, want in pairs(canonical) do
    eq(time.format(time.parse(text)), want, "time.format(time.parse(" .. text .. "))")
    eq(time.parse(want), time.parse(text), "time.parse(" .. want .. ")")
  end

  -- patterns: strftime's codes in UTC, and %f
  local t = time.parse("2024-02-29T07:04:05.009Z")
  eq(time.format(t, "%Y/%m/%d %H:%M:%S.%f"), "2024/02/29 07:04:05.009", "pattern")
  eq(time.format(t, "%j"), "060", "%j")
  eq(time.format(t, "day %j of %Y, %f ms, 100%%, %%f"), "day 060 of 2024, 009 ms, 100%, %f", "%% and %f")
  eq(time.format(t, "%z %Z"), "+0000 GMT", "%z in UTC")
  eq(time.format(t, ""), "", "empty pattern")
  eq(time.format(-1, "%Y-%m-%d %H:%M:%S.%f"), "1969-12-31 23:59:59.999", "pattern before 1970")
  eq(time.format(time.parse("0001-01-01"), "%Y %j"), "0001 001", "year 1")
  -- years before 1000 keep four digits, so the text reads back
  eq(time.format(time.parse("0999-12-31"), "%F|%Y|%G|%y"), "0999-12-31|0999|1000|99", "year 999")
  eq(time.parse(time.format(time.parse("0042-03-04"), "%FT%T.%fZ")), time.parse("0042-03-04"),
     "year 42 round trip")
  raises(function() time.format(t, "%s") end, "%s is not a code it takes")
  raises(function() time.format(t, "%Ey") end, "%E is not a code it takes")
  raises(function() time.format(t, "50%") end, "is not a code it takes")
  raises(function() time.format(t, 5) end, "time.format: pattern must be a string, got integer 5")

  -- format's range and argument checks
  local range = "ms must be an integer from -62135596800000 to 253402300799999 (years 0001 to 9999)"
  raises(function() time.format(1.5) end, range .. ", got float 1.5")
  raises(function() time.format("0") end, range .. ", got string \"0\"")
  raises(function() time.format() end, range .. ", got no value")
  raises(function() time.format(253402300800000) end, range .. ", got integer 253402300800000")
  raises(function() time.format(-62135596800001) end, range .. ", got integer -62135596800001")
  raises(function() time.format(math.mininteger) end, range)
  raises(function() time.format(0 / 0) end, range)

  -- now: an integer, close to os.time()
  local now = time.now()
  eq(math.type(now), "integer", "math.type(time.now())")
  if math.abs(now - os.time() * 1000) > 2000 then error("time.now() " .. now .. " is far from os.time()") end
  local p = time.parse(time.format(now))
  eq(p, now, "time.parse(time.format(time.now()))")

  -- sleep: checks its argument, sleeps
  raises(function() time.sleep(-1) end, "time.sleep: seconds must be a number from 0 to 86400, got integer -1")
  raises(function() time.sleep(86401) end, "got integer 86401")
  raises(function() time.sleep("1") end, "got string \"1\"")
  raises(function() time.sleep(0 / 0) end, "got float")
  raises(function() time.sleep() end, "got no value")
  time.sleep(0)
  local c0 = time.now()
  time.sleep(0.12)
  local slept = time.now() - c0
  if slept < 100 then error("time.sleep(0.12) slept " .. slept .. " ms") end

  op.checkpoint({ done = true })
end
LUA

run t.lua --output o
expect_exit 0
expect_out "SYNC SUCCEEDED"
rm -rf o
run t.lua --output o --sandbox
expect_exit 0
expect_out "SYNC SUCCEEDED"
