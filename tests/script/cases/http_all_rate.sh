# http.request_all shares http.configure's rate limit (timing): at 10 a
# second, 6 requests that may run 8 at a time reach the server at least
# 0.1 s apart (measured by the server, whose first request may be logged
# late by its first thread: each gap checked as at least 0.04 s, the five
# together as at least 0.45 s), and still come back in the order of the
# list. Without the limit they all arrive within a few milliseconds.
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
awk 'NR == 1 { first = $1 } NR > 1 && $1 - t < 0.04 { bad = 1 } { t = $1 }
     END { exit bad || t - first < 0.45 }' requests.log || fail "the rate limit was not kept: $(cat requests.log)"
