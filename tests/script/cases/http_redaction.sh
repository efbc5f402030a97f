# Secrets never show in log lines, error messages or cassettes: values of
# configuration keys named like password, secret, token, api_key, apikey or
# key (as a word part), wherever they appear (also percent-encoded); query
# parameters with such names; and the headers Authorization,
# Proxy-Authorization, Cookie, Set-Cookie and X-Api-Key. The script itself
# still gets the real values.
. "$ROOT/tests/http/helpers.sh"
start_server --log requests.log
CLOSED=$(closed_port)

write conf.json <<'JSON'
{
  "api_key": "AK-1111",
  "password": "pw/2222 x",
  "client_secret": "CS-3333",
  "auth": { "refreshToken": "RT-4444", "tokens": ["NL-5555"] },
  "publicKey": "PK-6666",
  "monkey": "not-a-secret",
  "base_url": "BASE",
  "closed": "CLOSED"
}
JSON
sed -i "s#BASE#$BASE#; s#CLOSED#$CLOSED#" conf.json

write secrets.lua <<'LUA'
function update(c, state)
  http.configure{ backoff = 0.01 }
  local base = c.base_url
  -- in the query, by name and by value (percent-encoded there)
  local r = http.get(base .. "/once/s1/500", { query = { api_key = c.api_key, q = c.password,
                                                          access_token = "runtime-made-1" } })
  -- in headers, by header name and by value; in the body
  r = http.post(base .. "/echo", {
    headers = { Authorization = "Bearer " .. c.auth.refreshToken, ["X-Api-Key"] = c.api_key,
                Cookie = "sid=runtime-made-2", ["X-Custom"] = "id " .. c.client_secret,
                ["X-Other"] = c.monkey },
    json = { secret = c.auth.tokens[1], key = c.publicKey } })
  local seen = r:json()
  -- the script sees the real values (a replay, the masked ones)
  log.info("real values:", seen.headers.authorization == "Bearer RT-4444",
           seen.body == '{"key":"PK-6666","secret":"NL-5555"}')
  -- Set-Cookie from the server; a response body echoing a secret
  r = http.get(base .. "/cookie", { query = { value = c.client_secret } })
  log.info("real cookie:", r.headers["set-cookie"] == "session=s3cr3t-cookie; Path=/")
  -- user:password@ in a URL, and a transport failure with secrets in its URL
  local ok, err = pcall(function()
    return http.get("http://user:" .. c.client_secret .. "@127.0.0.1:" .. c.closed .. "/x?token=runtime-made-3&k=" .. c.api_key,
                    { retries = 1 })
  end)
  log.warning("caught: " .. err)
  -- raise = true on an error status
  http.get(base .. "/status/401", { query = { apikey = c.api_key }, raise = true })
end
LUA
run secrets.lua --output o --configuration conf.json --record cassette.json --log-level fine
expect_exit 1
# what the log shows, secrets masked
expect_err "INFO     http: GET $BASE/once/s1/500?access_token=***&api_key=***&q=***: 500 Internal Server Error; retry 1 of 3"
expect_err "FINE     http: POST $BASE/echo: 200 OK"
expect_err "FINE     http: GET $BASE/cookie?value=***: 200 OK"
expect_err "INFO     real values: true true"
expect_err "INFO     real cookie: true"
expect_err "WARNING  caught: secrets.lua:22: http.get: GET http://user:***@127.0.0.1:$CLOSED/x?token=***&k=*** failed after 2 attempts: connection refused"
expect_err "SEVERE   secrets.lua:27: http.get: GET $BASE/status/401?apikey=*** returned 401 Unauthorized: {\"status\": 401}"
# the server got the real values
grep -qF "api_key=AK-1111" requests.log || fail "the server did not get the real api_key: $(cat requests.log)"
grep -qF "q=pw%2F2222%20x" requests.log || fail "the server did not get the real password"

# the cassette: every secret masked, the rest as it was (a cookie the
# script made up shows only where the echo server repeats it in a body)
for f in err out cassette.json; do
  for s in AK-1111 pw/2222 pw%2F2222 CS-3333 RT-4444 NL-5555 PK-6666 runtime-made-1 \
           runtime-made-3 s3cr3t-cookie; do
    grep -qF -- "$s" "$f" && fail "$f shows the secret $s: $(grep -F -- "$s" "$f")"
  done
done
grep -F "runtime-made-2" cassette.json | grep -qvF '\"cookie\": \"sid=runtime-made-2\"' &&
  fail "the cookie shows outside the echoed body"
grep -qF "not-a-secret" cassette.json || fail "the cassette lost a value that is not secret"
for s in '"url": "'"$BASE"'/once/s1/500?access_token=***&api_key=***&q=***"' \
         '"Authorization: ***"' '"X-Api-Key: ***"' '"Cookie: ***"' '"X-Custom: id ***"' \
         '"X-Other: not-a-secret"' '"body": "{\"key\":\"***\",\"secret\":\"***\"}"' \
         '"Set-Cookie: ***"' "\"url\": \"http://user:***@127.0.0.1:$CLOSED/x?token=***&k=***\"" \
         '"url": "'"$BASE"'/cookie?value=***"' '"body": "{\"value\": \"***\"}"'; do
  grep -qF -- "$s" cassette.json || fail "cassette.json lacks $s"
done
python3 -m json.tool cassette.json > /dev/null || fail "cassette.json is not valid JSON"

# Replaying the redacted cassette works with the same configuration: URLs
# are compared after masking; the script gets the masked values.
run secrets.lua --output o2 --configuration conf.json --replay cassette.json
expect_exit 1
expect_err "INFO     real values: false false"
expect_err "INFO     real cookie: false"
severe_is "secrets.lua:27: http.get: GET $BASE/status/401?apikey=*** returned 401 Unauthorized: {\"status\": 401}"
