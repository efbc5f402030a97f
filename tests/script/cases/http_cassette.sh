# --record FILE saves every HTTP exchange (retries and transport failures
# too) to a readable JSON file; --replay FILE serves them in order with no
# network, and refuses clearly a request that was not recorded.
. "$ROOT/tests/http/helpers.sh"
start_server --log requests.log
CLOSED=$(closed_port)

write conf.json <<JSON
{ "base": "$BASE", "closed": "$CLOSED" }
JSON
write calls.lua <<'LUA'
function update(c, state)
  http.configure{ backoff = 0.01 }
  local r = http.get(c.base .. "/echo", { query = { page = 1 } })
  log.info("1:", r.status, r:json().query, r.headers["content-type"])
  r = http.post(c.base .. "/echo", { json = { a = { 1, 2 } } })
  log.info("2:", r.status, r:json().body)
  r = http.get(c.base .. "/once/c/429?retry_after=0")
  log.info("3:", r.status, r.body)
  local ok, err = pcall(function() return http.get("http://127.0.0.1:" .. c.closed .. "/gone", { retries = 0 }) end)
  log.info("4:", err)
  r = http.request{ method = "HEAD", url = c.base .. "/echo" }
  log.info("5:", r.status, r.body == "")
  if c.extra then http.get(c.base .. "/echo", { query = { page = 2 } }) end
end
LUA

# Record: the exchanges in order, as JSON anyone can read.
run calls.lua --output o --configuration conf.json --record cassette.json
expect_exit 0
expect_err 'INFO     1: 200 page=1 application/json'
expect_err 'INFO     2: 200 {"a":[1,2]}'
expect_err 'INFO     3: 200 {"ok": true, "attempt": 2}'
expect_err "INFO     4: calls.lua:9: http.get: GET http://127.0.0.1:$CLOSED/gone failed: connection refused ("
expect_err "INFO     5: 200 true"
expect_err "INFO     recorded 6 HTTP exchanges in cassette.json"
python3 - "$BASE" "$CLOSED" <<'PY' || fail "cassette.json is not what was sent and received"
import json, sys
base, closed = sys.argv[1], sys.argv[2]
c = json.load(open("cassette.json"))
assert c["connector_lua_cassette"] == 1, c
x = c["exchanges"]
got = [(e["request"]["method"], e["request"]["url"], e.get("response", {}).get("status"),
        e.get("error", {}).get("code")) for e in x]
want = [("GET", base + "/echo?page=1", 200, None), ("POST", base + "/echo", 200, None),
        ("GET", base + "/once/c/429?retry_after=0", 429, None),
        ("GET", base + "/once/c/429?retry_after=0", 200, None),
        ("GET", "http://127.0.0.1:%s/gone" % closed, None, 7),
        ("HEAD", base + "/echo", 200, None)]
assert got == want, got
assert x[1]["request"]["body"] == '{"a":[1,2]}', x[1]
assert x[1]["request"]["headers"] == ["Content-Type: application/json"], x[1]
assert "body" not in x[0]["request"], x[0]
assert "Retry-After: 0" in x[2]["response"]["headers"], x[2]
assert json.loads(x[0]["response"]["body"])["query"] == "page=1", x[0]
assert x[4]["error"]["message"].startswith("connection refused ("), x[4]
PY
# one line per field: a reader can diff two recordings
[ "$(wc -l < cassette.json)" -gt 60 ] || fail "cassette.json is not laid out one field a line"

# Replay with no server at all: the same results, the same transport
# failure; retries are logged but never waited for (http_example_rest.sh
# times a replayed Retry-After: 1).
stop_server
: > requests.log
run calls.lua --output o2 --configuration conf.json --replay cassette.json
expect_exit 0
expect_err 'INFO     1: 200 page=1 application/json'
expect_err 'INFO     2: 200 {"a":[1,2]}'
expect_err "retry 1 of 3 in 0.00 s (Retry-After: 0; replay: not waiting)"
expect_err 'INFO     3: 200 {"ok": true, "attempt": 2}'
expect_err "INFO     4: calls.lua:9: http.get: GET http://127.0.0.1:$CLOSED/gone failed: connection refused ("
expect_err "INFO     5: 200 true"
expect_no_err "WARNING"
[ -s requests.log ] && fail "replay reached the network: $(cat requests.log)"
awk '/^Elapsed:/ { exit !($2 < 0.5) }' out || fail "replay waited: $(grep Elapsed out)"

# A request that was not recorded: an error naming it and what was expected.
write conf2.json <<JSON
{ "base": "$BASE", "closed": "$CLOSED", "extra": true }
JSON
run calls.lua --output o3 --configuration conf2.json --replay cassette.json
expect_exit 1
severe_is "calls.lua:13: http.get: GET $BASE/echo?page=2: not in cassette cassette.json: all 6 recorded exchanges have been served"
sed "s#$BASE#http://127.0.0.1:1#" conf.json > conf3.json
run calls.lua --output o3 --configuration conf3.json --replay cassette.json
expect_exit 1
severe_is "calls.lua:3: http.get: GET http://127.0.0.1:1/echo?page=1: not in cassette cassette.json: the next recorded request (exchange 1 of 6) is GET $BASE/echo?page=1"

# Fewer requests than recorded: a warning.
write fewer.lua <<'LUA'
function update(c, state)
  http.get(c.base .. "/echo", { query = { page = 1 } })
end
LUA
run fewer.lua --output o4 --configuration conf.json --replay cassette.json
expect_exit 0
expect_err "WARNING  replay: 5 of 6 recorded exchanges in cassette.json were not requested"

# Bad cassettes and options: bad input (3) or a usage error (2), before the script runs.
run calls.lua --output o5 --replay missing.json
expect_exit 3
severe_is "cassette: cannot read missing.json: No such file or directory"
printf '{"exchanges": [' > broken.json
run calls.lua --output o5 --replay broken.json
expect_exit 3
severe_is "cassette broken.json: not valid JSON: line 1, column 16: unexpected end of input"
write other.json <<'JSON'
{"exchanges": []}
JSON
run calls.lua --output o5 --replay other.json
expect_exit 3
severe_is 'cassette other.json: not a cassette: "connector_lua_cassette": 1 is missing'
write noresp.json <<'JSON'
{"connector_lua_cassette": 1, "exchanges": [
  {"request": {"method": "GET", "url": "http://x.invalid/", "headers": []},
   "response": {"status": 200, "headers": [], "body": ""}},
  {"request": {"method": "GET", "url": "http://x.invalid/"}}
]}
JSON
run calls.lua --output o5 --replay noresp.json
expect_exit 3
severe_is "cassette noresp.json: exchange 2 has neither a response nor an error object"
write nourl.json <<'JSON'
{"connector_lua_cassette": 1, "exchanges": [ {"request": {"method": "GET"}, "response": {"status": 200}} ]}
JSON
run calls.lua --output o5 --replay nourl.json
expect_exit 3
severe_is "cassette nourl.json: exchange 1: request has no url"
run calls.lua --output o5 --record nodir/c.json
expect_exit 3
severe_is "cannot write cassette nodir/c.json: No such file or directory"
run calls.lua --output o5 --record a.json --replay cassette.json
expect_exit 2
expect_err "connector-lua: --record and --replay cannot be used together"

# A sync without HTTP records an empty, valid cassette.
write nohttp.lua <<'LUA'
function update(c, state) end
LUA
run nohttp.lua --output o6 --record empty.json
expect_exit 0
expect_err "INFO     recorded 0 HTTP exchanges in empty.json"
python3 -c 'import json; assert json.load(open("empty.json")) == {"connector_lua_cassette": 1, "exchanges": []}' ||
  fail "empty.json: $(cat empty.json)"
run nohttp.lua --output o6 --replay empty.json
expect_exit 0
