# Types NAIVE_DATE, NAIVE_DATETIME and UTC_DATETIME (README "Types"), all stored
# as TEXT: a real calendar date as YYYY-MM-DD; a datetime with T or a space,
# fractions padded or cut to milliseconds, no offset, as
# YYYY-MM-DDTHH:MM:SS.fff; a UTC datetime must carry an offset (Z, +hh:mm,
# +hhmm) and is converted to UTC, as YYYY-MM-DDTHH:MM:SS.fffZ.

write ok.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" },
             columns = { id = "INT", d = "NAIVE_DATE", n = "NAIVE_DATETIME", u = "UTC_DATETIME" } } }
end
local D = { "2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31", "2023-12-31" }
local N = {
  "2024-01-02T03:04:05",            -- no fraction: .000
  "2024-01-02 03:04:05",            -- a space instead of T
  "2024-01-02T03:04:05.1",          -- padded
  "2024-01-02T03:04:05.12",
  "2024-01-02T03:04:05.123",
  "2024-01-02T03:04:05.123456789",  -- cut, not rounded
  "2024-01-02 03:04:05.9999",
  "2024-02-29T23:59:59",
  "0001-01-01T00:00:00",
  "9999-12-31T23:59:59.999",
}
local U = {
  "2024-01-02T03:04:05Z",
  "2024-01-01T02:00:00+05:30",      -- back over a day and a year
  "2024-01-01T02:00:00+0530",       -- the same without the colon
  "2023-12-31T22:30:00-01:30",      -- forward over a day and a year
  "2024-02-28T23:00:00-02:00",      -- into a leap day
  "2023-02-28T23:00:00-0200",       -- no leap day in 2023
  "2024-03-01T00:15:00+00:30",      -- back to the leap day
  "2024-01-02 03:04:05.5+00:00",    -- a space, a fraction
  "2024-06-15T12:00:00.123456-07:00",
  "2024-01-02T03:04:05.1-00:00",
}
function update(configuration, state)
  for i = 1, 10 do op.upsert("t", { id = i, d = D[i], n = N[i], u = U[i] }) end
end
LUA
run ok.lua --output o
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_sql o/warehouse.db "SELECT id, quote(d), n, u FROM t ORDER BY id" \
$'1|\'2024-02-29\'|2024-01-02T03:04:05.000|2024-01-02T03:04:05.000Z
2|\'2000-02-29\'|2024-01-02T03:04:05.000|2023-12-31T20:30:00.000Z
3|\'0001-01-01\'|2024-01-02T03:04:05.100|2023-12-31T20:30:00.000Z
4|\'9999-12-31\'|2024-01-02T03:04:05.120|2024-01-01T00:00:00.000Z
5|\'2023-12-31\'|2024-01-02T03:04:05.123|2024-02-29T01:00:00.000Z
6|NULL|2024-01-02T03:04:05.123|2023-03-01T01:00:00.000Z
7|NULL|2024-01-02T03:04:05.999|2024-02-29T23:45:00.000Z
8|NULL|2024-02-29T23:59:59.000|2024-01-02T03:04:05.500Z
9|NULL|0001-01-01T00:00:00.000|2024-06-15T19:00:00.123Z
10|NULL|9999-12-31T23:59:59.999|2024-01-02T03:04:05.100Z'
expect_sql o/warehouse.db "SELECT DISTINCT typeof(n), typeof(u) FROM t" "text|text"
expect_sql o/warehouse.db "SELECT DISTINCT typeof(d) FROM t WHERE d IS NOT NULL" "text"
expect_sql o/warehouse.db "SELECT name, type FROM pragma_table_info('t') WHERE name IN ('d', 'n', 'u') ORDER BY name" \
  $'d|TEXT\nn|TEXT\nu|TEXT'

# NAIVE_DATE: only real calendar dates, only YYYY-MM-DD.
reject '"NAIVE_DATE"' '"2023-02-29"' 'is NAIVE_DATE (YYYY-MM-DD), got string "2023-02-29" (not a calendar date)'
reject '"NAIVE_DATE"' '"1900-02-29"' 'is NAIVE_DATE (YYYY-MM-DD), got string "1900-02-29" (not a calendar date)'
reject '"NAIVE_DATE"' '"2024-04-31"' 'is NAIVE_DATE (YYYY-MM-DD), got string "2024-04-31" (not a calendar date)'
reject '"NAIVE_DATE"' '"2024-13-01"' 'is NAIVE_DATE (YYYY-MM-DD), got string "2024-13-01" (not a calendar date)'
reject '"NAIVE_DATE"' '"0000-01-01"' 'is NAIVE_DATE (YYYY-MM-DD), got string "0000-01-01" (not a calendar date)'
reject '"NAIVE_DATE"' '"2024-1-5"' 'is NAIVE_DATE (YYYY-MM-DD), got string "2024-1-5"'
reject '"NAIVE_DATE"' '"2024/01/05"' 'is NAIVE_DATE (YYYY-MM-DD), got string "2024/01/05"'
reject '"NAIVE_DATE"' '"2024-01-05T00:00:00"' 'is NAIVE_DATE (YYYY-MM-DD), got string "2024-01-05T00:00:00"'
reject '"NAIVE_DATE"' '20240105' 'is NAIVE_DATE (YYYY-MM-DD), got integer 20240105'

# NAIVE_DATETIME: no offset, a real date and time of day.
reject '"NAIVE_DATETIME"' '"2024-01-02T03:04:05Z"' 'is NAIVE_DATETIME, got string "2024-01-02T03:04:05Z" (has a UTC offset: declare the column UTC_DATETIME)'
reject '"NAIVE_DATETIME"' '"2024-01-02T03:04:05+01:00"' 'is NAIVE_DATETIME, got string "2024-01-02T03:04:05+01:00" (has a UTC offset: declare the column UTC_DATETIME)'
reject '"NAIVE_DATETIME"' '"2024-01-02"' 'is NAIVE_DATETIME, got string "2024-01-02" (not YYYY-MM-DDTHH:MM:SS[.fff])'
reject '"NAIVE_DATETIME"' '"2024-01-02T03:04"' 'is NAIVE_DATETIME, got string "2024-01-02T03:04" (not YYYY-MM-DDTHH:MM:SS[.fff])'
reject '"NAIVE_DATETIME"' '"2024-01-02T03:04:05."' 'is NAIVE_DATETIME, got string "2024-01-02T03:04:05." (not YYYY-MM-DDTHH:MM:SS[.fff])'
reject '"NAIVE_DATETIME"' '"2024-01-02T24:00:00"' 'is NAIVE_DATETIME, got string "2024-01-02T24:00:00" (not a time of day)'
reject '"NAIVE_DATETIME"' '"2023-02-29T00:00:00"' 'is NAIVE_DATETIME, got string "2023-02-29T00:00:00" (not a calendar date)'
reject '"NAIVE_DATETIME"' '"2024-01-02T03:04:05.1234567891"' 'is NAIVE_DATETIME, got string "2024-01-02T03:04:05.1234567891" (more than 9 digits after the seconds)'
reject '"NAIVE_DATETIME"' '1704164645' 'is NAIVE_DATETIME, got integer 1704164645'

# UTC_DATETIME: an offset is required, as in the SDK, and must be well formed.
reject '"UTC_DATETIME"' '"2024-01-02T03:04:05"' 'is UTC_DATETIME, got string "2024-01-02T03:04:05" (no UTC offset: add Z or +hh:mm)'
reject '"UTC_DATETIME"' '"2024-01-02 03:04:05.123"' 'is UTC_DATETIME, got string "2024-01-02 03:04:05.123" (no UTC offset: add Z or +hh:mm)'
reject '"UTC_DATETIME"' '"2024-01-02T03:04:05+5"' 'is UTC_DATETIME, got string "2024-01-02T03:04:05+5" (bad UTC offset: use Z, +hh:mm or +hhmm)'
reject '"UTC_DATETIME"' '"2024-01-02T03:04:05+24:00"' 'is UTC_DATETIME, got string "2024-01-02T03:04:05+24:00" (bad UTC offset: use Z, +hh:mm or +hhmm)'
reject '"UTC_DATETIME"' '"2024-01-02T03:04:05 UTC"' 'is UTC_DATETIME, got string "2024-01-02T03:04:05 UTC" (not YYYY-MM-DDTHH:MM:SS[.fff])'
reject '"UTC_DATETIME"' '"2023-02-29T00:00:00Z"' 'is UTC_DATETIME, got string "2023-02-29T00:00:00Z" (not a calendar date)'
reject '"UTC_DATETIME"' '"0001-01-01T00:30:00+01:00"' 'is UTC_DATETIME, got string "0001-01-01T00:30:00+01:00" (outside years 0001 to 9999 in UTC)'
reject '"UTC_DATETIME"' '1704164645' 'is UTC_DATETIME, got integer 1704164645'
expect_sql r/warehouse.db "SELECT count(*) FROM sqlite_master WHERE name = 't'" "0"
