# Hostile HTTP servers (issue 10, item 3): a body larger than
# max_response_bytes (with or without Content-Length), a gzip bomb, headers
# without end, and a body past what --memory-limit leaves the script. Each
# fails its request at once (no retry) with a message naming the bound, and
# the process's peak RSS (GNU time's %M) stays near the bound. All against
# tests/http/server.py on 127.0.0.1.
. "$ROOT/tests/http/helpers.sh"
[ -x /usr/bin/time ] || { fail "/usr/bin/time not found (it measures peak RSS): apt-get install time"; exit 1; }
# Under valgrind (CLUA_VALGRIND=1) the case takes minutes: the server is
# given longer than its usual minute (it is stopped when the case ends).
start_server --log requests.log --lifetime 900

MiB=1048576
CAP_MSG="is larger than max_response_bytes (1048576 bytes); raise it with http.configure{max_response_bytes = ...}"

# run_rss ARGS...: like run, under GNU time (never valgrind: it is the RSS
# of connector-lua itself that is measured); its peak RSS in KiB in $RSS.
run_rss() {
  /usr/bin/time -f %M -o rss.txt "$CLUA" "$@" > out 2> err
  RC=$?
  RSS=$(tail -n 1 rss.txt)
}

# expect_rss_below MB: the last run_rss peaked under MB megabytes (four
# times that for an AddressSanitizer build: its shadow memory and the
# quarantine of freed blocks count too).
RSS_SCALE=1
if grep -qa __asan_init "$CLUA"; then
  RSS_SCALE=4
  echo "note: an AddressSanitizer build: peak RSS bounds are 4 times the normal ones" >&2
fi
expect_rss_below() {
  [ -n "$RSS" ] && [ "$RSS" -lt $(($1 * 1024 * RSS_SCALE)) ] ||
    fail "peak RSS was ${RSS} KiB, expected under $(($1 * RSS_SCALE)) MB"
}

# requests_to PATH: how many requests the server saw for PATH (with its query).
requests_to() { grep -cF " GET $1" requests.log; }

# get.lua ROUTE [OPTIONS]: one GET of ROUTE; logs its size when it succeeds.
get_script() {
  write get.lua <<LUA
function update(configuration, state)
  ${3:-}
  local r = http.get("$BASE$1", { ${2:-} })
  log.info("got", r.status, #r.body)
end
LUA
}

# A Content-Length past the cap (http.configure): refused at the first
# bytes, with the length it announced; not retried (the default is 3 retries).
get_script "/big?bytes=$((5 * MiB))" "" "http.configure{ max_response_bytes = 2^20 }"
run_rss get.lua --output o
expect_exit 1
expect_out "SYNC FAILED"
severe_is "get.lua:3: http.get: GET $BASE/big?bytes=5242880: the response (Content-Length: 5242880) $CAP_MSG"
[ "$(requests_to "/big?bytes=5242880")" = 1 ] || fail "the refused response was asked for again"
expect_no_err "retry"
expect_rss_below 40

# The same body without Content-Length (chunked): counted as it arrives. The
# request's own max_response_bytes.
get_script "/big?bytes=$((5 * MiB))&chunked=1" "max_response_bytes = $MiB"
run_rss get.lua --output o
expect_exit 1
severe_is "get.lua:3: http.get: GET $BASE/big?bytes=5242880&chunked=1: the response $CAP_MSG"
[ "$(requests_to "/big?bytes=5242880&chunked=1")" = 1 ] || fail "the refused response was asked for again"
expect_rss_below 40

# A body of exactly the cap is taken, whole.
get_script "/big?bytes=$MiB&chunked=1" "max_response_bytes = $MiB"
run get.lua --output o
expect_exit 0
expect_err "INFO     got 200 1048576"

# A gzip bomb: 1 MiB sent, 1 GiB once decoded. Counted decoded, it stops at
# the cap; a gzip body under the cap is decoded whole.
get_script "/gzipbomb?bytes=$((1024 * MiB))" "max_response_bytes = $MiB"
run_rss get.lua --output o
expect_exit 1
severe_is "get.lua:3: http.get: GET $BASE/gzipbomb?bytes=1073741824: the response $CAP_MSG"
expect_rss_below 40
get_script "/gzipbomb?bytes=$((3 * MiB))" "max_response_bytes = 4 * 2^20"
run get.lua --output o
expect_exit 0
expect_err "INFO     got 200 3145728"

# The default, 256 MiB: a Content-Length one byte past it is refused at
# once; a chunked body one byte past it is stopped there (about a second).
get_script "/big?bytes=268435457"
run_rss get.lua --output o
expect_exit 1
severe_is "get.lua:3: http.get: GET $BASE/big?bytes=268435457: the response (Content-Length: 268435457) is larger than max_response_bytes (268435456 bytes); raise it with http.configure{max_response_bytes = ...}"
expect_rss_below 40
get_script "/big?bytes=268435457&chunked=1"
run_rss get.lua --output o
expect_exit 1
severe_is "get.lua:3: http.get: GET $BASE/big?bytes=268435457&chunked=1: the response is larger than max_response_bytes (268435456 bytes); raise it with http.configure{max_response_bytes = ...}"
expect_rss_below 320

# --memory-limit counts the body being received: a 200 MiB body and a 1 GiB
# gzip bomb under --memory-limit 50 stop as the limit does (exit 5), with a
# WARNING naming the request, near 50 MB of RSS. A 10 MiB body fits.
get_script "/big?bytes=$((200 * MiB))&chunked=1"
run_rss get.lua --output o --memory-limit 50
expect_exit 5
expect_out "SYNC FAILED"
severe_is "get.lua: stopped: the script needed more than --memory-limit 50 MB"
expect_err "WARNING  http.get: GET $BASE/big?bytes=209715200&chunked=1: the response is larger than what --memory-limit leaves the script ("
expect_rss_below 100
get_script "/gzipbomb?bytes=$((1024 * MiB))"
run_rss get.lua --output o --memory-limit 50
expect_exit 5
severe_is "get.lua: stopped: the script needed more than --memory-limit 50 MB"
expect_rss_below 100
get_script "/big?bytes=$((200 * MiB))"
run_rss get.lua --output o --memory-limit 50
expect_exit 5
expect_err "WARNING  http.get: GET $BASE/big?bytes=209715200: the response (Content-Length: 209715200) is larger than what --memory-limit leaves the script ("
expect_rss_below 100
# pcall does not turn the limit into an ordinary error the sync survives.
write pcall.lua <<LUA
function update(configuration, state)
  local ok, err = pcall(http.get, "$BASE/big?bytes=$((200 * MiB))&chunked=1")
  log.info("caught", ok, err)
  op.upsert("t", { id = 1 })
end
LUA
run pcall.lua --output pcall --memory-limit 50
[ "$RC" != 0 ] || { fail "a body past --memory-limit was caught by pcall and the sync succeeded"; show_output; }
get_script "/big?bytes=$((10 * MiB))&chunked=1"
run get.lua --output o --memory-limit 50
expect_exit 0
expect_err "INFO     got 200 10485760"
# Garbage the script left does not count: it is collected before the body
# is refused, as Lua collects before it refuses an allocation.
get_script "/big?bytes=$((25 * MiB))&chunked=1" "" \
  'local t = {} for i = 1, 30 do t[i] = string.rep("x", 2^20) .. i end t = nil'
run get.lua --output o --memory-limit 50
expect_exit 0
expect_err "INFO     got 200 26214400"
# A finalizer that collection runs cannot make a request in the middle of
# another one.
write fin.lua <<LUA
function update(configuration, state)
  local t = {} for i = 1, 30 do t[i] = string.rep("x", 2^20) .. i end
  setmetatable(t, { __gc = function()
    log.info("in gc", pcall(http.get, "$BASE/big?bytes=10"))
  end })
  t = nil
  http.get("$BASE/big?bytes=$((25 * MiB))&chunked=1")
end
LUA
run fin.lua --output fin --memory-limit 50
expect_err "INFO     in gc false http.get: cannot make a request while another one runs (from a __gc finalizer)"

# Headers: 400 KB of them, or one line of 150 KB, fail at once (no retry);
# 200 KB of them are taken.
get_script "/bigheaders?bytes=400000"
run get.lua --output o
expect_exit 1
severe_is "get.lua:3: http.get: GET $BASE/bigheaders?bytes=400000: the response headers are larger than 262144 bytes"
[ "$(requests_to "/bigheaders?bytes=400000")" = 1 ] || fail "the refused response was asked for again"
get_script "/bigheaders?bytes=150000&line=1"
run get.lua --output o
expect_exit 1
severe_is "get.lua:3: http.get: GET $BASE/bigheaders?bytes=150000&line=1: a response header line is longer than libcurl takes (100 KiB)"
get_script "/bigheaders?bytes=200000"
run get.lua --output o
expect_exit 0
expect_err "INFO     got 200 2"

# A replayed response is held to the same cap as a live one.
get_script "/big?bytes=2048"
run get.lua --output o --record c.json
expect_exit 0
get_script "/big?bytes=2048" "max_response_bytes = 1024"
run get.lua --output o2 --replay c.json
expect_exit 1
severe_is "get.lua:3: http.get: GET $BASE/big?bytes=2048: the response is larger than max_response_bytes (1024 bytes); raise it with http.configure{max_response_bytes = ...}"

# The option's range, given in the error; never clamped.
write range.lua <<LUA
local function try(f, ...)
  local ok, err = pcall(f, ...)
  log.info("R", (tostring(err):gsub("^[^:]*:%d+: ", "")))
end
function update(configuration, state)
  for _, v in ipairs{ 0, -1, 1.5, 2^40 + 1, math.huge, 0/0, "10", true } do
    try(http.configure, { max_response_bytes = v })
  end
  try(http.get, "$BASE/big?bytes=10", { max_response_bytes = 0 })
  http.configure{ max_response_bytes = 2^40 }
  http.configure{ max_response_bytes = 1 }
  local r = http.get("$BASE/big?bytes=1", { max_response_bytes = 1 })
  log.info("one", #r.body)
  try(http.get, "$BASE/big?bytes=2")
end
LUA
run range.lua --output range
expect_exit 0
RANGE="max_response_bytes must be an integer number of bytes from 1 to 1099511627776 (1 TiB), got"
for v in 0 -1 1.5 1099511627777.0 inf string boolean; do
  expect_err "INFO     R http.configure: $RANGE $v"
done
grep -F "INFO     R http.configure: $RANGE" err | grep -qE " -?nan\$" || fail "NaN was not refused with the range"
expect_err "INFO     R http.get: $RANGE 0"
expect_err "INFO     one 1"
expect_err "INFO     R http.get: GET $BASE/big?bytes=2: the response (Content-Length: 2) is larger than max_response_bytes (1 bytes)"
