# http.request_all shares http.configure's rate limit (timing): at 10 a
# second, 6 requests that may run 8 at a time start 0.1 s apart, so the
# server sees the last one at least 0.5 s after the first (checked as 0.4
# s: the server logs a request when its thread runs, late under load), and
# they still come back in the order of the list. Without the limit they
# all arrive within a few milliseconds.
. "$ROOT/tests/http/helpers.sh"
start_server --log requests.log

write rate.lua <<LUA
function update(configuration, state)
  http.configure{ rate_limit = { per_second = 10 } }
  local reqs = {}
  for i = 1, 6 do reqs[i] = { url = "$BASE/slow", query = { ms = 10, id = i } } end
  local ids = {}
  for i, r in ipairs(http.request_all(reqs)) do ids[i] = r:json().id end
  log.info("order " .. table.concat(ids, ","))
end
LUA
run rate.lua
expect_exit 0
expect_err "INFO     order 1,2,3,4,5,6"
[ "$(grep -c ' GET /slow' requests.log)" = 6 ] || fail "expected 6 requests: $(cat requests.log)"
awk 'NR == 1 { first = $1 } { last = $1 } END { exit last - first < 0.4 }' requests.log ||
  fail "the rate limit was not kept: $(cat requests.log)"
