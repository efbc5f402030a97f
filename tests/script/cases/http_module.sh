# The http module against tests/http/server.py on 127.0.0.1: requests and
# responses, retries on 429/5xx with Retry-After honoured (the wait is
# measured by the server), back-off, the rate limit, and the error text of
# each transport failure. Waits are kept short (Retry-After: 1, back-off
# 0.05 s). Each script runs into its own directory (files/NAME, the default).
. "$ROOT/tests/http/helpers.sh"
start_server --log requests.log

# Requests and responses.
write basic.lua <<LUA
local base = "$BASE"
function update(configuration, state)
  local r = http.get(base .. "/echo", { query = { b = "x y&z", a = { 1, 2 }, flag = true },
                                        headers = { ["X-Thing"] = 5, Accept = "application/json" } })
  local e = r:json()
  log.info("get", r.status, r.headers["content-type"], e.method, e.query, e.headers["x-thing"],
           e.headers.accept, e.headers["user-agent"])
  r = http.get(base .. "/echo?fixed=1", { query = { more = "2" } })
  log.info("query", r:json().query)
  r = http.post(base .. "/echo", { json = { hello = "world", n = 1 } })
  e = r:json()
  log.info("post", e.method, e.headers["content-type"], e.body)
  r = http.post(base .. "/echo", { body = "a=1", headers = { ["Content-Type"] = "text/plain" } })
  e = r:json()
  log.info("post body", e.body, e.headers["content-type"])
  r = http.request{ method = "patch", url = base .. "/echo", json = { 1, 2 } }
  log.info("request", r:json().method, r:json().body, r.method, r.url == base .. "/echo")
  r = http.request{ url = base .. "/status/404" }
  log.info("status", r.status, r.body)
  r = http.get(base .. "/redirect?to=/echo")
  log.info("redirect", r.status, r:json().path)
  r = http.get(base .. "/cookie")
  log.info("cookie", r.headers["set-cookie"])
end
LUA
run basic.lua
expect_exit 0
expect_err "INFO     get 200 application/json GET a=1&a=2&b=x%20y%26z&flag=true 5 application/json connector-lua/"
expect_err "INFO     query fixed=1&more=2"
expect_err 'INFO     post POST application/json {"hello":"world","n":1}'
expect_err "INFO     post body a=1 text/plain"
expect_err "INFO     request PATCH [1,2] PATCH true"
expect_err 'INFO     status 404 {"status": 404}'
expect_err "INFO     redirect 200 /echo"
expect_err "INFO     cookie session=s3cr3t-cookie; Path=/"
expect_no_err "retry"

# raise = true turns an error status into an error naming method, URL and body.
write raise.lua <<LUA
function update(configuration, state)
  local r = http.get("$BASE/status/404", { raise = true })
end
LUA
run raise.lua
expect_exit 1
severe_is "raise.lua:2: http.get: GET $BASE/status/404 returned 404 Not Found: {\"status\": 404}"

# resp:json() on a body that is not JSON.
write notjson.lua <<LUA
function update(configuration, state)
  local r = http.get("$BASE/text")
  r:json()
end
LUA
run notjson.lua
expect_exit 1
severe_is "notjson.lua:3: resp:json(): the body of GET $BASE/text is not JSON: line 1, column 1: expected a value, found '<'"

# A 500 then a 200: retried after the back-off, logged at INFO.
: > requests.log
write retry.lua <<LUA
function update(configuration, state)
  http.configure{ backoff = 0.05 }
  local r = http.get("$BASE/once/r500/500")
  log.info("got", r.status, r.body)
end
LUA
run retry.lua
expect_exit 0
expect_err "INFO     http: GET $BASE/once/r500/500: 500 Internal Server Error; retry 1 of 3 in 0.0"
expect_err 's (backoff)'
expect_err 'INFO     got 200 {"ok": true, "attempt": 2}'
expect_gap requests.log "/once/r500/500" 0.02 0.5

# A 429 with Retry-After: 1 is retried after one second, not the back-off.
: > requests.log
write r429.lua <<LUA
function update(configuration, state)
  http.configure{ backoff = 0.05 }
  local r = http.get("$BASE/once/r429/429?retry_after=1")
  log.info("got", r.status)
end
LUA
run r429.lua
expect_exit 0
expect_err "INFO     http: GET $BASE/once/r429/429?retry_after=1: 429 Too Many Requests; retry 1 of 3 in 1.00 s (Retry-After: 1)"
expect_err "INFO     got 200"
expect_gap requests.log "/once/r429/429" 0.95 1.8

# Retry-After as an HTTP date (whole seconds: 1 s ahead waits up to 1 s).
: > requests.log
write rdate.lua <<LUA
function update(configuration, state)
  local r = http.get("$BASE/once/rdate/503?retry_after=date:1", { backoff = 0.05 })
  log.info("got", r.status)
end
LUA
run rdate.lua
expect_exit 0
expect_err "503 Service Unavailable; retry 1 of 3 in"
expect_err "(Retry-After: "
expect_err " GMT)"
expect_err "INFO     got 200"
expect_gap requests.log "/once/rdate/503" 0 1.5

# Retries run out: the last response is returned, with a warning; with
# raise = true it is an error that counts the attempts. retries = 0: one try.
: > requests.log
write exhaust.lua <<LUA
function update(configuration, state)
  local r = http.get("$BASE/once/ex/502?times=9", { retries = 2, backoff = 0.01 })
  log.info("got", r.status)
  r = http.get("$BASE/once/ex0/502", { retries = 0 })
  log.info("got", r.status)
  http.get("$BASE/once/ex2/503?times=9", { retries = 1, backoff = 0.01, raise = true })
end
LUA
run exhaust.lua
expect_exit 1
expect_err "retry 2 of 2 in"
expect_err "WARNING  http: GET $BASE/once/ex/502?times=9: still 502 Bad Gateway after 3 attempts"
expect_err "INFO     got 502"
severe_is "exhaust.lua:6: http.get: GET $BASE/once/ex2/503?times=9 returned 503 Service Unavailable after 2 attempts: {\"error\": \"try again\"}"
[ "$(grep -c 'once/ex/502' requests.log)" = 3 ] || fail "expected 3 requests for /once/ex/502: $(cat requests.log)"
[ "$(grep -c 'once/ex0/502' requests.log)" = 1 ] || fail "expected 1 request for /once/ex0/502"

# A Retry-After longer than max_delay is not waited for.
write toolong.lua <<LUA
function update(configuration, state)
  http.configure{ max_delay = 2 }
  local r = http.get("$BASE/once/long/429?retry_after=3600")
  log.info("got", r.status)
end
LUA
run toolong.lua
expect_exit 0
expect_err "WARNING  http: GET $BASE/once/long/429?retry_after=3600: 429 Too Many Requests asks to retry after 3600, longer than max_delay 2 s: not retrying"
expect_err "INFO     got 429"

# The rate limit: 5 requests at 10 a second start 0.4 s apart from first to
# last (the server sees it within 0.1 s: its clock starts when a request arrives).
: > requests.log
write rate.lua <<LUA
function update(configuration, state)
  http.configure{ rate_limit = { per_second = 10 } }
  for i = 1, 5 do http.get("$BASE/echo?i=" .. i) end
end
LUA
run rate.lua
expect_exit 0
awk 'NR == 1 { t = $1 } END { d = $1 - t; if (NR != 5 || d < 0.3) { print "5 requests took " d " s"; exit 1 } }' requests.log ||
  fail "rate limit not kept: $(cat requests.log)"

# Transport failures: Lua errors naming the method and the URL.
# Connection refused: a port on 127.0.0.1 that nothing listens on.
CLOSED=$(closed_port)
write refused.lua <<LUA
function update(configuration, state)
  http.get("http://127.0.0.1:$CLOSED/x", { retries = 1, backoff = 0.01 })
end
LUA
run refused.lua
expect_exit 1
expect_err "INFO     http: GET http://127.0.0.1:$CLOSED/x: connection refused (Failed to connect to 127.0.0.1 port $CLOSED"
severe_is "refused.lua:2: http.get: GET http://127.0.0.1:$CLOSED/x failed after 2 attempts: connection refused (Failed to connect to 127.0.0.1 port $CLOSED after 0 ms: Couldn't connect to server)"

# A timeout: the server answers after 3 s, the request gives up at 0.3 s.
write timeout.lua <<LUA
function update(configuration, state)
  local ok, err = pcall(function() return http.get("$BASE/slow?seconds=3", { timeout = 0.3, retries = 0 }) end)
  log.warning(err)
  error(err, 0)
end
LUA
run timeout.lua
expect_exit 1
expect_err "WARNING  timeout.lua:2: http.get: GET $BASE/slow?seconds=3 failed: timed out after 0.3 s (Operation timed out after 3"

# A name that cannot resolve (.invalid never does; whether the resolver says
# so or times out, the error names the method and URL).
write dns.lua <<LUA
function update(configuration, state)
  http.post("https://nothing.invalid/v1/items", { retries = 0, timeout = 5 })
end
LUA
run dns.lua
expect_exit 1
expect_err "SEVERE   dns.lua:2: http.post: POST https://nothing.invalid/v1/items failed: "
grep -qE "failed: (DNS lookup failed|timed out after 5 s)" err || fail "DNS failure not named: $(cat err)"

# TLS: https to the plain-HTTP server fails the handshake.
write tls.lua <<LUA
function update(configuration, state)
  http.get("https://127.0.0.1:$PORT/echo", { retries = 0 })
end
LUA
run tls.lua
expect_exit 1
expect_err "SEVERE   tls.lua:2: http.get: GET https://127.0.0.1:$PORT/echo failed: TLS handshake failed ("

# Bad calls are refused before anything is sent.
write misuse.lua <<LUA
local base = "$BASE"
local function try(f) local ok, err = pcall(f); log.warning(err) end
function update(configuration, state)
  try(function() http.get(base, { heders = {} }) end)
  try(function() http.get("ftp://x.invalid/") end)
  try(function() http.get(42) end)
  try(function() http.request{ method = "GE T", url = base } end)
  try(function() http.get(base, { retries = -1 }) end)
  try(function() http.get(base, { timeout = 0 }) end)
  try(function() http.get(base, { body = "a", json = {} }) end)
  try(function() http.get(base, { headers = { ["X-A"] = "a\r\nX-B: b" } }) end)
  try(function() http.get(base, { json = {}, headers = { ["A-Good"] = "1", ["Bad Name"] = "a" } }) end)
  try(function() http.get(base, { query = { a = function() end } }) end)
  try(function() http.get(base, { json = { f = print } }) end)
  try(function() http.configure{ rate_limit = { per_minute = 1 } } end)
  try(function() http.configure{ url = base } end)
  try(function() http.get(base, "opts") end)
end
LUA
run misuse.lua
expect_exit 0
expect_err 'misuse.lua:4: http.get: unknown option "heders" (options: query, headers, body, json, timeout, retries, backoff, raise, verify, max_response_bytes)'
expect_err 'misuse.lua:5: http.get: the URL must start with http:// or https://, got "ftp://x.invalid/"'
expect_err "misuse.lua:6: http.get: the URL must be a string, got number"
expect_err 'misuse.lua:7: http.request: "GE T" is not an HTTP method'
expect_err "misuse.lua:8: http.get: retries must be an integer from 0 to 100, got -1"
expect_err "misuse.lua:9: http.get: timeout must be a number > 0, got 0"
expect_err "misuse.lua:10: http.get: give body or json, not both"
expect_err 'misuse.lua:11: http.get: header "X-A" holds a line break or a NUL byte'
expect_err 'misuse.lua:12: http.get: "Bad Name" is not a valid header name'
expect_err 'misuse.lua:13: http.get: query parameter "a" must be a string, number, boolean or a list of them, got function'
expect_err "misuse.lua:14: http.get: json: at \$.f: cannot encode a function"
expect_err 'misuse.lua:15: http.configure: unknown option "per_minute" (options: per_second)'
expect_err 'misuse.lua:16: http.configure: unknown option "url" (options: retries, backoff, max_delay, timeout, verify, rate_limit, max_response_bytes)'
expect_err "misuse.lua:17: http.get: the options must be a table, got string"
