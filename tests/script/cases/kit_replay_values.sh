# Deterministic replay: --record keeps, in order, the values time.now() and
# uuid.v4() returned ("time_now" and "uuid_v4" in the cassette), and
# --replay returns them in the same order, so the replayed sync writes the
# same rows. Past the recorded values time.now() goes on from the last one
# (plus the real time since, plus what time.sleep skipped: a replayed sleep
# returns at once) and uuid.v4() gives fresh ones. A cassette without the
# values (written before them) replays with the clock and fresh uuids. A
# --replay cassette is read as the other input files are: a FIFO no one
# writes to ends with the signal's exit status.

write s.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "n" },
             columns = { n = "INT", id = "STRING", at = "UTC_DATETIME", ms = "LONG" } } }
end
function update(configuration, state)
  for n = 1, 3 do
    local ms = time.now()
    op.upsert("t", { n = n, id = uuid.v4(), at = time.format(ms), ms = ms })
  end
  if configuration.more then
    for n = 4, 5 do
      local ms = time.now()
      op.upsert("t", { n = n, id = uuid.v4(), at = time.format(ms), ms = ms })
      -- replayed: returns at once, and counts for the time.now() that
      -- follows once the recorded values have run out
      time.sleep(30)
    end
  end
  op.checkpoint({ last = time.now(), id = uuid.v4() })
end
LUA
ROWS="SELECT n, id, at, ms, _fivetran_deleted FROM t ORDER BY n"
dump() { sqlite3 -batch "$1/warehouse.db" "$ROWS"; saved_state "$1"; }

run s.lua --output rec --record c.json
expect_exit 0
expect_err "INFO     recorded 0 HTTP exchanges, 4 time.now() values, 4 uuid.v4() values in c.json"
python3 - <<'PY' || fail "c.json does not hold the values: $(cat c.json)"
import json, re
c = json.load(open("c.json"))
assert c["connector_lua_cassette"] == 1 and c["exchanges"] == [], c
t, u = c["time_now"], c["uuid_v4"]
assert len(t) == 4 and all(isinstance(x, int) for x in t) and t == sorted(t), t
assert len(u) == 4 and len(set(u)) == 4, u
assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", x) for x in u), u
PY
dump rec > rec.txt
[ "$(sqlite3 rec/warehouse.db 'SELECT count(*) FROM t')" = 3 ] || fail "rec: not 3 rows"

# Replayed twice, later: byte-identical rows and state.
sleep 0.05
for d in rep1 rep2; do
  run s.lua --output "$d" --replay c.json
  expect_exit 0
  expect_no_err WARNING
  dump "$d" > "$d.txt"
  cmp -s rec.txt "$d.txt" || fail "$d differs from the recording: $(diff rec.txt "$d.txt")"
done
# A file nobody touched: the cassette is not rewritten by a replay.
python3 -c 'import json; json.load(open("c.json"))["time_now"]' || fail "c.json was damaged"

# Going on past the last value: the recorded rows first, then a time at
# least the last one plus the 30 s the replayed sleep skipped (not waited),
# and uuids that are new.
write more.json <<'JSON'
{ "more": true }
JSON
start=$(date +%s%N)
run s.lua --output past --replay c.json --configuration more.json
expect_exit 0
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$elapsed_ms" -lt 30000 ] || fail "the replayed time.sleep(30) calls waited: ${elapsed_ms} ms"
expect_sql past/warehouse.db "SELECT n, id, ms FROM t WHERE n <= 3 ORDER BY n" \
  "$(sqlite3 rec/warehouse.db 'SELECT n, id, ms FROM t ORDER BY n')"
STATE=$(saved_state past) python3 - <<'PY' || fail "past the recording: $(sqlite3 past/warehouse.db 'SELECT * FROM t'; saved_state past)"
import json, os, sqlite3
c = json.load(open("c.json"))
t, u = c["time_now"], c["uuid_v4"]
rows = sqlite3.connect("past/warehouse.db").execute("SELECT n, id, ms FROM t ORDER BY n").fetchall()
# rows 1-3 took the first three recorded values, row 4 the fourth
assert [r[2] for r in rows[:4]] == t, (rows, t)
assert [r[1] for r in rows[:4]] == u, (rows, u)
# row 5 and the state: after the recording, 30 s of skipped sleep later
assert rows[4][2] >= t[3] + 30000, (rows[4], t[3])
assert rows[4][1] not in u, rows[4]
state = json.loads(os.environ["STATE"])
assert state["last"] >= rows[4][2] + 30000, (state, rows[4])
assert state["id"] not in u and state["id"] != rows[4][1], state
PY

# A script that takes fewer values than were recorded is told so.
write fewer.lua <<'LUA'
function update(configuration, state) op.upsert("t", { n = 1, id = uuid.v4() }) end
LUA
run fewer.lua --output fewer --replay c.json
expect_exit 0
expect_err "WARNING  replay: 4 of 4 recorded time.now() values in c.json were not used"
expect_err "WARNING  replay: 3 of 4 recorded uuid.v4() values in c.json were not used"
expect_sql fewer/warehouse.db "SELECT id FROM t" "$(python3 -c 'import json; print(json.load(open("c.json"))["uuid_v4"][0])')"

# An old cassette, with HTTP exchanges only: it replays, with the clock and
# fresh uuids.
write old.json <<'JSON'
{ "connector_lua_cassette": 1, "exchanges": [] }
JSON
before=$(($(date +%s%N) / 1000000))
run s.lua --output old --replay old.json
expect_exit 0
expect_no_err WARNING
python3 - "$before" <<'PY' || fail "old cassette: $(sqlite3 old/warehouse.db 'SELECT * FROM t')"
import json, sqlite3, sys
rows = sqlite3.connect("old/warehouse.db").execute("SELECT id, ms FROM t").fetchall()
assert len(rows) == 3 and len({r[0] for r in rows}) == 3, rows
assert all(r[1] >= int(sys.argv[1]) for r in rows), rows
assert not {r[0] for r in rows} & set(json.load(open("c.json"))["uuid_v4"]), rows
PY
# A sync that records and calls neither writes the cassette as before.
write none.lua <<'LUA'
function update(configuration, state) end
LUA
run none.lua --output none --record none.json
expect_exit 0
expect_err "INFO     recorded 0 HTTP exchanges in none.json"
python3 -c 'import json; assert json.load(open("none.json")) == {"connector_lua_cassette": 1, "exchanges": []}' ||
  fail "none.json: $(cat none.json)"

# Values that are not what time.now() and uuid.v4() return are refused,
# naming the cassette and the entry.
write bad1.json <<'JSON'
{ "connector_lua_cassette": 1, "exchanges": [], "time_now": [1, 2.5] }
JSON
run s.lua --output bad --replay bad1.json
expect_exit 3
severe_is 'cassette bad1.json: "time_now" entry 2 is not an integer (milliseconds since 1970)'
write bad2.json <<'JSON'
{ "connector_lua_cassette": 1, "exchanges": [], "uuid_v4": ["0b6f4e3c-6d1e-4c8a-9f3e-2a7d5c1b9e04", "ABC"] }
JSON
run s.lua --output bad --replay bad2.json
expect_exit 3
severe_is 'cassette bad2.json: "uuid_v4" entry 2 is not a UUID in lowercase canonical text (8-4-4-4-12 hex digits)'
write bad3.json <<'JSON'
{ "connector_lua_cassette": 1, "exchanges": [], "time_now": {"a": 1} }
JSON
run s.lua --output bad --replay bad3.json
expect_exit 3
severe_is 'cassette bad3.json: "time_now" must be an array of integers (milliseconds since 1970)'
expect_nothing_created bad
# Times outside 1970 to the end of year 9999 are refused (the replayed
# clock adds to the last one: 2^63-1 overflowed), naming entry and value.
for t in 9223372036854775807 -1 253402300800000; do
  write bad4.json <<JSON
{ "connector_lua_cassette": 1, "exchanges": [], "time_now": [0, $t] }
JSON
  run s.lua --output bad --replay bad4.json
  expect_exit 3
  severe_is "cassette bad4.json: \"time_now\" entry 2 is $t: outside 0 to 253402300799999 (1970 to the end of year 9999, in milliseconds)"
done
# The last time there is: past the recording the clock stays at it.
write end.json <<'JSON'
{ "connector_lua_cassette": 1, "exchanges": [], "time_now": [253402300799999] }
JSON
write end.lua <<'LUA'
function update(configuration, state)
  local a = time.now()
  time.sleep(2)
  log.info("now " .. a .. " then " .. time.now())
end
LUA
run end.lua --output bad --replay end.json
expect_exit 0
expect_err "INFO     now 253402300799999 then 253402300799999"
rm -rf bad

# --replay from a FIFO: it waited until SIGTERM and then ended with exit 3
# "Interrupted system call"; now it ends as for --configuration.
mkfifo in.fifo
signal_soon TERM s.lua --replay in.fifo --output f
expect_exit 143
severe_is "interrupted by SIGTERM while reading the cassette file in.fifo"
expect_out "SYNC FAILED"
expect_nothing_created f
# A FIFO with a writer is read as before.
cat c.json > in.fifo &
run s.lua --replay in.fifo --output f
expect_exit 0
dump f > f.txt
cmp -s rec.txt f.txt || fail "replayed from a FIFO: $(diff rec.txt f.txt)"
:
