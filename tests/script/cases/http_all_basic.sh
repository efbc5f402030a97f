# http.request_all against tests/http/server.py: responses in the order of
# the list whatever order they finish in; the concurrency reached and not
# passed (the server counts the /slow requests it answers at once); a retry
# that waits without holding up the others; a transport failure returned
# (errors = "return") and raised, naming the request; raise = true; and
# the arguments refused with messages that name them.
. "$ROOT/tests/http/helpers.sh"
start_server --log requests.log
CLOSED=$(closed_port)

# Order and concurrency: 12 requests of 300 ms, 4 at a time; the later
# ones answer sooner, so they finish out of order.
write order.lua <<LUA
function update(configuration, state)
  local reqs = {}
  for i = 1, 12 do
    reqs[i] = { url = "$BASE/slow", query = { ms = 300 + (12 - i) * 10, id = i } }
  end
  local rs = http.request_all(reqs, { concurrency = 4 })
  local ids = {}
  for i, r in ipairs(rs) do ids[i] = r:json().id .. ":" .. r.status end
  log.info("order " .. table.concat(ids, ","), #rs, rs[5].url == "$BASE/slow?id=5&ms=370")
  log.info("overlap " .. http.get("$BASE/overlap?reset=1"):json().max)
  log.info("empty " .. #http.request_all({}))
end
LUA
run order.lua
expect_exit 0
expect_err "INFO     order 1:200,2:200,3:200,4:200,5:200,6:200,7:200,8:200,9:200,10:200,11:200,12:200 12 true"
expect_err "INFO     overlap 4"
expect_err "INFO     empty 0"

# A retry waits without holding up the others: /once answers 503 with
# Retry-After: 1 the first time; the four /slow requests (two at a time)
# are all made during that wait, so the retry is the server's last request.
: > requests.log
write retry.lua <<LUA
function update(configuration, state)
  local reqs = { { url = "$BASE/once/k1/503", query = { retry_after = 1 } } }
  for i = 1, 4 do reqs[#reqs + 1] = { url = "$BASE/slow", query = { ms = 100, id = i } } end
  local rs = http.request_all(reqs, { concurrency = 2 })
  log.info("retried " .. rs[1].status .. " attempt " .. rs[1]:json().attempt,
           rs[2].status, rs[5]:json().id)
end
LUA
run retry.lua
expect_exit 0
expect_err "INFO     retried 200 attempt 2 200 4"
expect_err "http: GET $BASE/once/k1/503?retry_after=1: 503 Service Unavailable; retry 1 of 3 in 1.00 s (Retry-After: 1)"
[ "$(grep -c ' GET /slow' requests.log)" = 4 ] || fail "expected 4 /slow requests: $(cat requests.log)"
tail -n 1 requests.log | grep -q "/once/k1/503" || fail "the retry is not the last request: $(cat requests.log)"

# A transport failure, returned: the others come back as usual. The
# refused URL's secret query parameter is masked in the message.
write errors.lua <<LUA
function update(configuration, state)
  local rs = http.request_all({
    { url = "$BASE/slow", query = { ms = 50, id = "a" } },
    { url = "http://127.0.0.1:$CLOSED/x", query = { api_key = configuration.api_key }, retries = 0 },
    { url = "$BASE/status/404", raise = true },
    { method = "post", url = "$BASE/echo", json = { n = 1 } },
  }, { errors = "return" })
  log.info("a " .. rs[1]:json().id, rs[4]:json().body, rs[4]:json().method)
  log.info("refused " .. rs[2].error, rs[2].status)
  log.info("raised " .. rs[3].error)
end
LUA
write conf.json <<'JSON'
{ "api_key": "sekrit-value-123" }
JSON
run errors.lua --configuration conf.json
expect_exit 0
expect_err 'INFO     a a {"n":1} POST'
expect_err "INFO     refused GET http://127.0.0.1:$CLOSED/x?api_key=*** failed: connection refused ("
expect_err "INFO     raised GET $BASE/status/404 returned 404 Not Found: {\"status\": 404}"
expect_no_err "sekrit-value-123"

# Raised, once the others are done (the slow one took 400 ms), naming the
# request by its place in the list, its method and its URL; a second
# failure is counted.
write raise.lua <<LUA
function update(configuration, state)
  local t0 = time.now()
  local ok, err = pcall(http.request_all, {
    { url = "$BASE/echo" },
    { url = "http://127.0.0.1:$CLOSED/y", retries = 0 },
    { url = "$BASE/slow", query = { ms = 400 } },
    { url = "$BASE/status/500", retries = 0, raise = true },
  })
  log.info("waited " .. tostring(time.now() - t0 >= 400))
  log.info(err)
  http.request_all({ { url = "http://127.0.0.1:$CLOSED/z", retries = 0 } })
end
LUA
run raise.lua
expect_exit 1
expect_err "INFO     waited true"
expect_err "INFO     http.request_all: request 2 of 4: GET http://127.0.0.1:$CLOSED/y failed: connection refused (Failed to connect to 127.0.0.1 port $CLOSED after "
expect_err "Couldn't connect to server) (and 1 more failed)"
grep -q "SEVERE   raise.lua:11: http.request_all: request 1 of 1: GET http://127.0.0.1:$CLOSED/z failed: connection refused" err ||
  { fail "the raised error does not name the request and the line"; show_output; }

# Arguments: each refused, naming what is wrong.
bad() {
  write bad.lua <<LUA
function update(configuration, state)
  http.request_all($1)
end
LUA
  run bad.lua
  expect_exit 1
  severe_is "bad.lua:2: http.request_all: $2"
}
bad '"$BASE/echo"' 'requests must be a list of request tables, got string'
bad '{ x = { url = "http://a.invalid/" } }' 'requests must be a list of request tables; it has the key x'
bad '{ { url = "http://a.invalid/" } }, { concurrency = 0 }' 'concurrency must be an integer from 1 to 64, got 0'
bad '{}, { concurrency = 65 }' 'concurrency must be an integer from 1 to 64, got 65'
bad '{}, { concurrency = 1.5 }' 'concurrency must be an integer from 1 to 64, got 1.5'
bad '{}, { concurency = 2 }' 'unknown option "concurency" (options: concurrency, errors)'
bad '{}, { errors = "ignore" }' 'errors must be "raise" or "return", got ignore'
bad '{}, 8' 'the options must be a table, got number'
bad '{ { url = "http://a.invalid/" }, "http://b.invalid/" }' 'request 2 must be a table as http.request takes, got string'
bad '{ { url = "http://a.invalid/" }, { method = "GET" } }' 'request 2: the URL must be a string, got nil'
bad '{ { url = "http://a.invalid/", tmeout = 1 } }' 'request 1: unknown option "tmeout" (options: method, url, query, headers, body, json, timeout, retries, backoff, raise, verify, max_response_bytes)'
