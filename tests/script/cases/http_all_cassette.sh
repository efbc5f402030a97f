# --record then --replay of an http.request_all: the cassette holds the
# exchanges in the order of the list (each request's attempts together),
# whatever order they finished in, so a replay with the server stopped
# gives the same responses, in the same order, with the same retry and the
# same transport failure.
. "$ROOT/tests/http/helpers.sh"
start_server
CLOSED=$(closed_port)

write batch.lua <<LUA
function update(configuration, state)
  local rs = http.request_all({
    { url = "$BASE/slow", query = { ms = 300, id = "first" } },
    { url = "$BASE/once/k/503", query = { retry_after = 0 } },
    { url = "http://127.0.0.1:$CLOSED/", retries = 0 },
    { url = "$BASE/slow", query = { ms = 10, id = "last" } },
  }, { errors = "return" })
  for i, r in ipairs(rs) do
    log.info("result " .. i .. " " .. (r.error or (r.status .. " " .. r.body)))
  end
end
LUA
run batch.lua --record c.json
expect_exit 0
grep ' INFO     result ' err | sed 's/^[0-9:.]* //' > recorded
expect_err "retry 1 of 3 in 0.00 s (Retry-After: 0)"
[ "$(wc -l < recorded)" = 4 ] || { fail "expected 4 results"; show_output; }
got=$(grep '"url":' c.json | sed 's/.*"url": "//; s/",\{0,1\}$//' | tr '\n' ' ')
[ "$got" = "$BASE/slow?id=first&ms=300 $BASE/once/k/503?retry_after=0 $BASE/once/k/503?retry_after=0 http://127.0.0.1:$CLOSED/ $BASE/slow?id=last&ms=10 " ] ||
  fail "the cassette is not in the order of the list: $got"

stop_server
run batch.lua --replay c.json
expect_exit 0
grep ' INFO     result ' err | sed 's/^[0-9:.]* //' > replayed
expect_file_eq replayed "$(cat recorded)"
expect_err "retry 1 of 3 in 0.00 s (Retry-After: 0; replay: not waiting)"
expect_no_err "WARNING"
