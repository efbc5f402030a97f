# connector-lua test SCRIPT: one sync into a temporary directory (removed
# afterwards, also on failure), compared with DIR/NAME.expected.json: every
# table's rows by primary key (all columns but _fivetran_synced), the final
# state and the six counters. Equal: exit 0 and one PASS line; different:
# exit 1, one line per difference and a FAIL line; --update writes the
# file (and records DIR/NAME.cassette.json when there is none, so time.now()
# and uuid.v4() replay the same); no expected file: exit 3.
mkdir tmp
export TMPDIR=$PWD/tmp
tmp_empty() { [ -z "$(ls -A tmp)" ] || fail "the test's directory was left behind: $(ls -A tmp)"; }

write c/conn.lua <<'LUA'
function schema(configuration)
  return { { table = "item", primary_key = { "id" },
             columns = { id = "INT", name = "STRING", price = { type = "DECIMAL", precision = 10, scale = 2 },
                         ok = "BOOLEAN", ratio = "DOUBLE", at = "UTC_DATETIME", raw = "BINARY", doc = "JSON" } } }
end
function update(configuration, state)
  for id = 1, configuration.n do
    op.upsert("item", { id = id, name = "item " .. id, price = id * 1.5, ok = id % 2 == 0,
                        ratio = id / 4, at = "2024-01-0" .. id .. "T10:00:00+01:00",
                        raw = string.char(0, 255, id), doc = { id = id } })
  end
  op.upsert("item", { id = 10 }) -- every other column NULL
  op.delete("item", { id = 1 })
  op.upsert("note", { text = "hello", made = time.format(time.now()), key = uuid.v4() })
  op.checkpoint({ cursor = configuration.n, seen = json.array({ "a", "b" }) })
end
LUA
write c/configuration.json <<'JSON'
{ "n": 3 }
JSON

# No expected file: exit 3, saying how to make one. Nothing was run.
run test c/conn.lua
expect_exit 3
expect_err "connector-lua test: no expected file c/conn.expected.json: run 'connector-lua test c/conn.lua --update' to write it from a sync"
[ -s out ] && fail "stdout: $(cat out)"
[ -e c/conn.cassette.json ] && fail "a cassette was recorded without --update"

# --update: the cassette is recorded (time.now and uuid.v4 are fixed by
# it), then the expected file written, readable and stable.
run test c/conn.lua --update
expect_exit 0
expect_out "wrote c/conn.expected.json: 2 tables, 5 rows, the state and 6 counters"
expect_err "connector-lua test: no cassette c/conn.cassette.json: recording one"
expect_err "INFO     recorded 0 HTTP exchanges, 1 time.now() value, 1 uuid.v4() value in c/conn.cassette.json"
tmp_empty
python3 - <<'PY' || fail "c/conn.expected.json: $(cat c/conn.expected.json)"
import json
text = open("c/conn.expected.json").read()
d = json.loads(text)
c = json.load(open("c/conn.cassette.json"))
s = d["summary"]
assert sorted(s) == ["checkpoints", "deletes", "schema_changes", "truncates", "updates", "upserts"], s
assert (s["upserts"], s["updates"], s["deletes"], s["truncates"], s["checkpoints"]) == (5, 0, 1, 0, 1), s
assert s["schema_changes"] > 0, s
assert d["state"] == {"cursor": 3, "seen": ["a", "b"]}, d["state"]
assert list(d["tables"]) == ["item", "note"], d["tables"].keys()
item = d["tables"]["item"]
assert [r["id"] for r in item] == [1, 2, 3, 10], item
assert item[0] == {"id": 1, "name": "item 1", "price": "1.50", "ok": False, "ratio": 0.25,
                   "at": "2024-01-01T09:00:00.000Z", "raw": "00ff01", "doc": '{"id":1}',
                   "_fivetran_deleted": True}, item[0]
assert item[1]["ok"] is True and item[1]["_fivetran_deleted"] is False, item[1]
assert item[3] == {"id": 10, "name": None, "price": None, "ok": None, "ratio": None, "at": None,
                   "raw": None, "doc": None, "_fivetran_deleted": False}, item[3]
note = d["tables"]["note"]
assert len(note) == 1 and note[0]["key"] == c["uuid_v4"][0], (note, c)
assert "_fivetran_synced" not in text and "_fivetran_id" in note[0], note
# stable and readable: sorted keys, one row a line
lines = text.splitlines()
assert lines[0] == "{" and lines[1] == '  "state": {' and lines[-1] == "}", lines
row_lines = [l for l in lines if l.lstrip().startswith('{"_fivetran_deleted"')]
assert len(row_lines) == 5, lines
assert text == open("c/conn.expected.json").read()
PY
cp c/conn.expected.json golden.json

# The same sync again, replayed from the cassette: PASS, one line.
run test c/conn.lua
expect_exit 0
expect_file_eq out "PASS c/conn.lua: 2 tables, 5 rows, state and 6 counters as expected"
tmp_empty
# --update again replays the cassette: the same file, byte for byte.
run test c/conn.lua --update
expect_exit 0
expect_no_err "recording one"
cmp -s golden.json c/conn.expected.json || fail "a second --update changed the file: $(diff golden.json c/conn.expected.json)"

# Differences: a changed column, a row missing and one extra, a table
# missing and one extra, the state and a counter.
python3 - <<'PY'
import json
d = json.load(open("golden.json"))
item = d["tables"]["item"]
item[1]["name"] = "item two"          # column name of id=2
item[2]["id"] = 4                     # id=3 extra, id=4 missing
del d["tables"]["note"]               # note: not expected
d["tables"]["gone"] = [{"id": 1}]     # gone: missing
d["state"]["cursor"] = 4
d["state"]["seen"][1] = "c"
d["summary"]["upserts"] = 6
json.dump(d, open("c/conn.expected.json", "w"), indent=1)
PY
run test c/conn.lua
expect_exit 1
cat > want <<'EOF'
table gone: expected 1 row, the warehouse has no such table
item id=2: column name: expected "item two", got "item 2"
item id=3: extra row {"_fivetran_deleted":false,"at":"2024-01-03T09:00:00.000Z","doc":"{\"id\":3}","id":3,"name":"item 3","ok":false,"price":"4.50","ratio":0.75,"raw":"00ff03"}
item id=4: missing row, expected {"_fivetran_deleted":false,"at":"2024-01-03T09:00:00.000Z","doc":"{\"id\":3}","id":4,"name":"item 3","ok":false,"price":"4.50","ratio":0.75,"raw":"00ff03"}
EOF
note_line=$(grep '^table note: not expected, got 1 row$' out) || fail "no line for the extra table: $(cat out)"
cat >> want <<'EOF'
state.cursor: expected 4, got 3
state.seen[2]: expected "c", got "b"
summary upserts: expected 6, got 5
FAIL c/conn.lua: 8 differences from c/conn.expected.json
EOF
grep -v '^table note' out > got
cmp -s want got || fail "the differences: $(diff want got)"
tmp_empty

# --expect names another file; --replay another cassette.
cp golden.json other.json
cp c/conn.cassette.json other.cassette.json
rm c/conn.cassette.json
run test c/conn.lua --expect other.json --replay other.cassette.json
expect_exit 0
expect_out "PASS c/conn.lua: 2 tables, 5 rows, state and 6 counters as expected"
# Without a cassette the uuid and time are new: the note row differs.
run test c/conn.lua --expect other.json
expect_exit 1
expect_out 'note _fivetran_id="'
expect_out "FAIL c/conn.lua: 2 differences from other.json"
[ -e c/conn.cassette.json ] && fail "a test without --update recorded a cassette"
# --configuration replaces c/configuration.json.
write four.json <<'JSON'
{ "n": 4 }
JSON
run test c/conn.lua --expect other.json --replay other.cassette.json --configuration four.json
expect_exit 1
expect_out "item id=4: extra row"
expect_out "state.cursor: expected 3, got 4"

# Many differences: the first 50, then how many more.
write many.lua <<'LUA'
function schema(configuration) return { { table = "t", primary_key = { "id" } } } end
function update(configuration, state)
  for id = 1, 60 do op.upsert("t", { id = id, v = state.v or 0 }) end
end
LUA
run test many.lua --update
expect_exit 0
write s.json <<'JSON'
{ "v": 1 }
JSON
run test many.lua --state s.json
expect_exit 1
[ "$(grep -c ': column v: expected 0, got 1$' out)" = 50 ] || fail "not 50 lines shown: $(cat out)"
expect_out "... and 11 more"
expect_out "FAIL many.lua: 61 differences from many.expected.json"
expect_no_out "state.v: expected nothing, got 1" # the 61st, not shown

# A sync that fails fails the test, naming its error; with --update no
# file is written and the cassette being recorded is not kept.
write bad.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = uuid.v4() })
  error("boom")
end
LUA
run test bad.lua --update
expect_exit 1
expect_out "FAIL bad.lua: the sync failed: bad.lua:3: boom"
expect_err "connector-lua test: the sync failed: bad.cassette.json not kept"
[ -e bad.expected.json ] && fail "bad.expected.json was written"
[ -e bad.cassette.json ] && fail "bad.cassette.json was kept"
tmp_empty
echo '{"summary": {}, "state": {}, "tables": {}}' > bad.expected.json
run test bad.lua
expect_exit 1
expect_out "FAIL bad.lua: the sync failed: bad.lua:3: boom"
tmp_empty
run test missing.lua --update
expect_exit 3
expect_out "FAIL missing.lua: the sync failed: cannot read script missing.lua: No such file or directory"
tmp_empty

# Expected files that are not one.
printf '{"summary": {}, ' > bad.expected.json
cp many.lua bad.lua
run test bad.lua
expect_exit 3
expect_err "connector-lua test: bad.expected.json: not valid JSON: line 1, column"
echo '{"summary": {}, "state": {}}' > bad.expected.json
run test bad.lua
expect_exit 3
expect_err 'connector-lua test: bad.expected.json: "tables" must be a JSON object'
echo '{"summary": {}, "state": {}, "tables": {"t": {"id": 1}}}' > bad.expected.json
run test bad.lua
expect_exit 1
expect_out "table t: the expected file must give an array of rows"
tmp_empty

# SIGTERM while the sync waits (on a FIFO): the signal's status, and the
# directory is removed all the same.
mkfifo in.fifo
signal_soon TERM test c/conn.lua --expect golden.json --configuration in.fifo
expect_exit 143
expect_err "interrupted by SIGTERM while reading the configuration file in.fifo"
tmp_empty

# scripts/three.lua by convention: --update records its three uuids and
# writes the file; test then passes, again and again.
mkdir scripts
cp "$ROOT/scripts/three.lua" scripts/
run test scripts/three.lua --update
expect_exit 0
expect_out "wrote scripts/three.expected.json: 1 table, 3 rows, the state and 6 counters"
expect_err "INFO     recorded 0 HTTP exchanges, 3 uuid.v4() values in scripts/three.cassette.json"
python3 - <<'PY' || fail "scripts/three.expected.json: $(cat scripts/three.expected.json)"
import json
d = json.load(open("scripts/three.expected.json"))
u = json.load(open("scripts/three.cassette.json"))["uuid_v4"]
rows = d["tables"]["three"]
assert [r["id"] for r in rows] == sorted(u), (rows, u)
by = {r["id"]: r for r in rows}
assert by[u[0]] == {"id": u[0], "val1": u[0], "val2": 0, "_fivetran_deleted": False}, by
assert by[u[1]] == {"id": u[1], "val1": "abc", "val2": 1, "_fivetran_deleted": False}, by
assert by[u[2]] == {"id": u[2], "val1": u[2], "val2": 2, "_fivetran_deleted": True}, by
assert d["state"] == {} and d["summary"]["upserts"] == 3 and d["summary"]["deletes"] == 1, d
PY
for i in 1 2; do
  run test scripts/three.lua
  expect_exit 0
  expect_file_eq out "PASS scripts/three.lua: 1 table, 3 rows, state and 6 counters as expected"
  expect_err "WARNING  Example: three.lua - upserts three rows, updates one, deletes one"
done
tmp_empty

# Usage.
run test
expect_exit 2
expect_err "connector-lua test: test takes a SCRIPT"
run test c/conn.lua --output x
expect_exit 2
expect_err "connector-lua test: unknown option: --output"
run test --help
expect_exit 0
expect_out "DIR/NAME.expected.json"
run --help
expect_out "connector-lua test SCRIPT"
:
