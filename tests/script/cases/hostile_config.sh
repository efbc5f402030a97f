# Hostile configuration (and --state) files: invalid JSON, JSON that is not
# an object, a 20 MB one, 1,000- and 1,001-deep nesting, odd but valid JSON.
# None may crash: every run ends with a documented exit status (never a
# signal), and either the script gets the exact value or the run stops
# before the script with one clear message (exit 3) and the database as
# the last checkpoint left it.
#

# no_crash: the last run ended with a documented status and no sanitizer report.
no_crash() {
  case "$RC" in 0 | 1 | 2 | 3 | 4 | 5) ;; *) fail "exit status $RC is not a documented one"; show_output ;; esac
  ! grep -qE "Sanitizer|runtime error:|unprotected Lua error" err || { fail "crash report"; show_output; }
}

# The script logs what it got and stores it.
write echo.lua <<'LUA'
function update(configuration, state)
  local keys = {}
  for k in pairs(configuration) do keys[#keys + 1] = k end
  table.sort(keys)
  log.info("keys: " .. table.concat(keys, ","))
  log.info("json: " .. json.encode(configuration):sub(1, 200))
  op.upsert("c", { id = 1, config = configuration })
  op.checkpoint({ ok = true })
end
LUA
run echo.lua --output o
expect_exit 0
expect_sql o/warehouse.db "SELECT config FROM c" "{}"
sqlite3 o/warehouse.db .dump > before.sql

# bad TEXT MESSAGE: a configuration holding TEXT (printf %s) is refused
# before the script with exit 3 and the one SEVERE line MESSAGE; the
# database is unchanged.
bad() {
  local before=$FAILURES
  printf '%s' "$1" > bad.json
  run echo.lua --output o --configuration bad.json
  no_crash
  expect_exit 3
  expect_out "SYNC FAILED"
  severe_is "configuration file bad.json $2"
  [ "$(sqlite3 o/warehouse.db .dump)" = "$(cat before.sql)" ] || fail "the database changed"
  expect_state o '{"ok":true}'
  [ "$FAILURES" = "$before" ] || echo "  (in: bad $1)" >&2
  :
}
bad '' "is not valid JSON: line 1, column 1: empty input"
bad '   ' "is not valid JSON: line 1, column 1: empty input"
bad '{' "is not valid JSON: line 1, column 2: unexpected end of input"
bad '{"a":1}x' "is not valid JSON: line 1, column 8: unexpected text after the value"
bad '{"a":1,}' "is not valid JSON: line 1, column 8: trailing comma before '}'"
bad '{a:1}' "is not valid JSON: line 1, column 2: expected a string key or '}'"
bad "{'a':1}" "is not valid JSON: line 1, column 2: expected a string key or '}'"
bad '{"a":NaN}' "is not valid JSON: line 1, column 6: expected a value, found 'N'"
bad '{"a":01}' "is not valid JSON: line 1, column 6: number with a leading zero"
bad '{"a":1e999}' "is not valid JSON: line 1, column 6: number out of range"
bad '{"a":"\ud800"}' "is not valid JSON: line 1, column 7: lone surrogate \\ud800"
bad $'{"a":"tab\tin"}' "is not valid JSON: line 1, column 10: unescaped control character 0x09 in a string"
bad $'\xef\xbb\xbf{}' "is not valid JSON: line 1, column 1: expected a value, found byte 0xef"
bad $'\xff\xfe{\x00}' "is not valid JSON: line 1, column 1: expected a value, found byte 0xff"
bad $'{"a":1}\n// comment' "is not valid JSON: line 2, column 1: unexpected text after the value"
# Valid JSON that is not an object.
bad '[]' "must hold a JSON object ({...}), got an array"
bad '[{"a":1}]' "must hold a JSON object ({...}), got an array"
bad '"{}"' "must hold a JSON object ({...}), got a string"
bad '42' "must hold a JSON object ({...}), got a number"
bad 'null' "must hold a JSON object ({...}), got null"
bad 'true' "must hold a JSON object ({...}), got a boolean"
# Nesting: 1,000 levels (the object and 999 arrays) are taken (below); 1,001 are not.
python3 -c 'print("{\"a\":" + "[" * 1000 + "]" * 1000 + "}")' > deep1001.json
bad "$(cat deep1001.json)" "is not valid JSON: line 1, column 1005: nesting deeper than 1000"
# Not a file.
mkdir -p adir
run echo.lua --output o --configuration adir
expect_exit 3
severe_is "cannot read adir: it is a directory"
run echo.lua --output o --configuration missing.json
expect_exit 3
severe_is "cannot read missing.json: No such file or directory"
run echo.lua --output o --configuration /dev/null
expect_exit 3
severe_is "configuration file /dev/null is not valid JSON: line 1, column 1: empty input"

# good TEXT KEYS JSON: a configuration holding TEXT reaches the script with
# the keys KEYS and re-encodes as JSON.
good() {
  local before=$FAILURES
  printf '%s' "$1" > good.json
  rm -rf g
  run echo.lua --output g --configuration good.json
  no_crash
  expect_exit 0
  expect_err "INFO     keys: $2"
  expect_err "INFO     json: $3"
  [ "$FAILURES" = "$before" ] || echo "  (in: good $1)" >&2
  :
}
good $'  \n{}\n\n' "" "{}"
good '{"a":1,"a":2}' "a" '{"a":2}' # a repeated key: the last one wins
good '{"n":9223372036854775807,"m":-9223372036854775808}' "m,n" '{"m":-9223372036854775808,"n":9223372036854775807}'
good '{"n":9223372036854775808}' "n" '{"n":9.223372036854776e+18}' # past 64 bits: a float
good '{"n":123456789012345678901234567890}' "n" '{"n":1.2345678901234568e+29}'
good '{"z":"x\u0000y","e":"\ud83d\ude00","u":"caf\u00e9"}' "e,u,z" '{"e":"😀","u":"café","z":"x\u0000y"}'
good '{"":1,"a b":2," ":3}' ", ,a b" '{"":1," ":3,"a b":2}'

# 1,000 levels of nesting are taken and stored exactly.
python3 -c 'print("{\"a\":" + "[" * 999 + "1" + "]" * 999 + "}")' > deep1000.json
rm -rf g
run echo.lua --output g --configuration deep1000.json
no_crash
expect_exit 0
expect_sql g/warehouse.db "SELECT length(config), json_valid(config), config = '{\"a\":' || (SELECT replace(hex(zeroblob(999)), '00', '[')) || '1' || (SELECT replace(hex(zeroblob(999)), '00', ']')) || '}' FROM c" "2005|1|1"

# A 20 MB configuration: a 20 MiB string and a 100,000-element array.
python3 - <<'PY'
import json
json.dump({"big": "0123456789abcdef" * (20 * 65536), "list": list(range(100000)),
           "password": "pw-in-a-big-config"}, open("huge.json", "w"))
PY
write huge.lua <<'LUA'
function update(c, state)
  log.info("big " .. #c.big .. " list " .. #c.list .. " last " .. c.list[#c.list])
  log.info("password " .. c.password)
  op.upsert("c", { id = 1, big = c.big, list = c.list })
end
LUA
rm -rf g
run huge.lua --output g --configuration huge.json
no_crash
expect_exit 0
expect_err "INFO     big 20971520 list 100000 last 99999"
expect_err "INFO     password ***"
expect_sql g/warehouse.db "SELECT length(big), hex(substr(big, 1, 16)), big = (SELECT replace(hex(zeroblob(20 * 65536)), '00', '0123456789abcdef')), length(list), json_array_length(list), json_extract(list, '\$[99999]') FROM c" \
  "20971520|30313233343536373839616263646566|1|588891|100000|99999"

# A --state file is held to the same rules (see also bad_state_file.sh).
printf '[1,2]' > state.json
run echo.lua --output o --state state.json
expect_exit 3
severe_is "state file state.json must hold a JSON object ({...}), got an array"
printf '{"a":' > state.json
run echo.lua --output o --state state.json
expect_exit 3
severe_is "state file state.json is not valid JSON: line 1, column 6: unexpected end of input"
[ "$(sqlite3 o/warehouse.db .dump)" = "$(cat before.sql)" ] || fail "the database changed"

# ---------------------------------------------------------------------------
# Bugs this suite found, fixed since: kept as regression checks.
if true; then # regression checks for bugs found and fixed
  # A configuration (or state) file is read whole, without a size limit:
  # /dev/zero grows the process until the kernel's OOM killer ends it (or
  # memory runs out). The check stops it at 1 GB resident.
  write rss.py <<'PY'
import subprocess, sys, time
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
peak, deadline = 0, time.time() + 10
while p.poll() is None and time.time() < deadline:
    try:
        for line in open("/proc/%d/status" % p.pid):
            if line.startswith("VmRSS:"): peak = max(peak, int(line.split()[1]) // 1024)
    except OSError:
        pass
    if peak > 1024: p.kill(); p.wait(); print("killed at %d MB" % peak); sys.exit(0)
    time.sleep(0.005)
if p.poll() is None: p.kill(); p.wait(); print("hung"); sys.exit(0)
print("exit %d, peak %d MB" % (p.returncode, peak))
PY
  got=$(python3 rss.py "$CLUA" echo.lua --output z --configuration /dev/zero)
  case "$got" in "exit 3, peak "*) ;; *) fail "--configuration /dev/zero: $got (expected exit 3 with a clear message)" ;; esac
fi
