# examples/rest_api.lua, the paginated REST connector, against
# tests/http/server.py: pages with a checkpoint each, a 429 with Retry-After
# and a 500 retried, the incremental cursor, resuming at the failed page
# after a failure mid-sync, and the same sync again from a cassette.
. "$ROOT/tests/http/helpers.sh"
EX="$ROOT/examples/rest_api.lua"
ROWS="SELECT id, name, price, updated_at, _fivetran_deleted FROM item ORDER BY id"

write items.json <<'JSON'
[
  {"id": 1, "name": "kettle",   "price": "24.90", "updated_at": "2024-05-01T09:00:00Z"},
  {"id": 2, "name": "teapot",   "price": "31.00", "updated_at": "2024-05-01T09:30:00Z"},
  {"id": 3, "name": "cup",      "price": "4.50",  "updated_at": "2024-05-02T11:00:00Z"},
  {"id": 4, "name": "saucer",   "price": "3.20",  "updated_at": "2024-05-02T11:00:00Z"},
  {"id": 5, "name": "spoon",    "price": "1.10",  "updated_at": "2024-05-03T08:15:00Z"},
  {"id": 6, "name": "strainer", "price": "6.75",  "updated_at": "2024-05-04T16:40:00Z"},
  {"id": 7, "name": "tray",     "price": "18.00", "updated_at": "2024-05-05T07:05:00Z"}
]
JSON
ALL7=$'1|kettle|24.90|2024-05-01T09:00:00.000Z|0\n2|teapot|31.00|2024-05-01T09:30:00.000Z|0\n3|cup|4.50|2024-05-02T11:00:00.000Z|0\n4|saucer|3.20|2024-05-02T11:00:00.000Z|0\n5|spoon|1.10|2024-05-03T08:15:00.000Z|0\n6|strainer|6.75|2024-05-04T16:40:00.000Z|0\n7|tray|18.00|2024-05-05T07:05:00.000Z|0'

# configure NAME: conf-NAME.json for the server running now.
configure() {
  write "conf-$1.json" <<JSON
{ "base_url": "$BASE", "api_token": "tok-123456", "per_page": ${2:-3}, "backoff": 0.05 }
JSON
}

# A full sync: 3 pages, page 2 answers 429 (Retry-After: 1) once, page 3 a 500 once.
start_server --log requests.log --items items.json --token tok-123456 --fault 2:429:1 --fault 3:500:1
configure live
run "$EX" --configuration conf-live.json --output o --record rest.json
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_out "Upserts        | 7"
expect_out "Checkpoints    | 3"
expect_err "INFO     syncing items updated since 1970-01-01T00:00:00Z"
expect_err "INFO     http: GET $BASE/items?page=2&per_page=3&updated_since=1970-01-01T00%3A00%3A00Z: 429 Too Many Requests; retry 1 of 3 in 1.00 s (Retry-After: 1)"
expect_err "INFO     http: GET $BASE/items?page=3&per_page=3&updated_since=1970-01-01T00%3A00%3A00Z: 500 Internal Server Error; retry 1 of 3 in 0.0"
expect_sql o/warehouse.db "$ROWS" "$ALL7"
expect_state o '{"cursor":"2024-05-05T07:05:00Z"}'
[ "$(cut -d' ' -f3 requests.log | sed 's/&.*//' | tr '\n' ' ')" = "/items?page=1 /items?page=2 /items?page=2 /items?page=3 /items?page=3 " ] ||
  fail "requests: $(cat requests.log)"
expect_gap requests.log "?page=2" 0.95 1.8  # Retry-After: 1, measured by the server
expect_gap requests.log "?page=3" 0.02 0.5  # back-off 0.05 s with jitter
for f in out err rest.json; do grep -qF "tok-123456" "$f" && fail "$f shows the token"; done
grep -qF '"Authorization: ***"' rest.json || fail "rest.json lacks the masked Authorization"

# The same sync from the cassette: no server, no waiting, the same rows.
stop_server
run "$EX" --configuration conf-live.json --output r --replay rest.json
expect_exit 0
expect_out "Upserts        | 7"
expect_err "(Retry-After: 1; replay: not waiting)"
awk '/^Elapsed:/ { exit !($2 < 0.5) }' out || fail "replay waited: $(grep Elapsed out)"
expect_sql r/warehouse.db "$ROWS" "$ALL7"
expect_state r '{"cursor":"2024-05-05T07:05:00Z"}'
# ... and a request the cassette does not hold (other page size) is refused.
configure small 2
run "$EX" --configuration conf-small.json --output r2 --replay rest.json
expect_exit 1
expect_err "SEVERE   $EX:42: http.get: GET $BASE/items?page=1&per_page=2&updated_since=1970-01-01T00%3A00%3A00Z: not in cassette rest.json: the next recorded request (exchange 1 of 5) is GET $BASE/items?page=1&per_page=3&updated_since=1970-01-01T00%3A00%3A00Z"

# Incremental: the next sync asks only for items updated since the cursor.
write items2.json <<'JSON'
[
  {"id": 1, "name": "kettle",   "price": "24.90", "updated_at": "2024-05-01T09:00:00Z"},
  {"id": 3, "name": "cup",      "price": "4.80",  "updated_at": "2024-06-01T10:00:00Z"},
  {"id": 5, "name": "spoon",    "price": "1.10",  "updated_at": "2024-06-01T10:00:00Z", "deleted": true},
  {"id": 7, "name": "tray",     "price": "18.00", "updated_at": "2024-05-05T07:05:00Z"},
  {"id": 8, "name": "jug",      "price": "12.00", "updated_at": "2024-06-02T08:00:00Z"}
]
JSON
: > requests.log
start_server --log requests.log --items items2.json --token tok-123456
configure inc
run "$EX" --configuration conf-inc.json --output o
expect_exit 0
expect_err "INFO     syncing items updated since 2024-05-05T07:05:00Z"
expect_out "Upserts        | 3"
expect_out "Deletes        | 1"
expect_out "Checkpoints    | 2"
grep -q "updated_since=2024-05-05T07%3A05%3A00Z" requests.log || fail "no cursor in $(cat requests.log)"
expect_sql o/warehouse.db "SELECT id, price, _fivetran_deleted FROM item WHERE id IN (3, 5, 8) ORDER BY id" $'3|4.80|0\n5|1.10|1\n8|12.00|0'
expect_state o '{"cursor":"2024-06-02T08:00:00Z"}'
stop_server

# A failure mid-sync: page 3 keeps failing, pages 1 and 2 are kept with the
# state to resume at page 3; the next sync asks for page 3 first.
start_server --log requests.log --items items.json --token tok-123456 --fault 3:500:99
configure broken
run "$EX" --configuration conf-broken.json --output f
expect_exit 1
expect_out "Checkpoints    | 2"
severe_is "$EX:42: http.get: GET $BASE/items?page=3&per_page=3&updated_since=1970-01-01T00%3A00%3A00Z returned 500 Internal Server Error after 4 attempts: {\"error\": \"fault 500\"}"
expect_state f '{"cursor":"1970-01-01T00:00:00Z","newest":"2024-05-04T16:40:00Z","page":3}'
expect_sql f/warehouse.db "SELECT group_concat(id) FROM item" "1,2,3,4,5,6"
stop_server
: > requests.log
start_server --log requests.log --items items.json --token tok-123456
configure fixed
run "$EX" --configuration conf-fixed.json --output f
expect_exit 0
expect_err "INFO     resuming the sync of items since 1970-01-01T00:00:00Z at page 3"
expect_out "Upserts        | 1"
[ "$(wc -l < requests.log)" = 1 ] && grep -q "/items?page=3&" requests.log || fail "resume requests: $(cat requests.log)"
expect_sql f/warehouse.db "$ROWS" "$ALL7"
expect_state f '{"cursor":"2024-05-05T07:05:00Z"}'

# A wrong token: 401, raised with the status.
write conf-bad.json <<JSON
{ "base_url": "$BASE", "api_token": "wrong-token", "retries": 0 }
JSON
run "$EX" --configuration conf-bad.json --output b
expect_exit 1
severe_is "$EX:42: http.get: GET $BASE/items?page=1&per_page=100&updated_since=1970-01-01T00%3A00%3A00Z returned 401 Unauthorized: {\"error\": \"bad or missing token\"}"
stop_server

# The cassette that ships with the example replays as its README says.
run "$EX" --configuration "$ROOT/examples/rest_api.json" --replay "$ROOT/examples/rest_api.cassette.json" --output ex
expect_exit 0
expect_out "Upserts        | 6"
expect_out "Deletes        | 1"
expect_out "Checkpoints    | 3"
expect_sql ex/warehouse.db "SELECT count(*), max(updated_at) FROM item" "6|2024-05-04T16:40:00.000Z"
expect_state ex '{"cursor":"2024-05-05T07:05:00Z"}'
