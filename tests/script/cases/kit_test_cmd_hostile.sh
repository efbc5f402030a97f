# connector-lua test with hostile values: what the sync accepts, --update
# writes as valid JSON that reads back the same, and test compares exactly
# and shows safely (a state key holding a NUL, text that is not UTF-8, a
# C1 control, a state that is not an object, keys 1 and 1.0); and a script
# stuck in a long C call still stops on a signal, leaving no directory.
mkdir tmp
export TMPDIR=$PWD/tmp
tmp_empty() { [ -z "$(ls -A tmp)" ] || fail "the test's directory was left behind: $(ls -A tmp)"; }

# A state key holding a NUL: written whole (escaped), compared whole.
write nul.lua <<'LUA'
function update(configuration, state)
  op.checkpoint({ ["k\0x"] = os.getenv("V") or "1", k = "plain" })
end
LUA
run test nul.lua --update
expect_exit 0
python3 - <<'PY' || fail "nul.expected.json: $(cat nul.expected.json)"
import json
d = json.load(open("nul.expected.json"))
assert d["state"] == {"k\u0000x": "1", "k": "plain"}, d["state"]
PY
run test nul.lua
expect_exit 0
V=2 run test nul.lua
expect_exit 1
expect_file_eq out 'state["k\u0000x"]: expected "1", got "2"
FAIL nul.lua: 1 difference from nul.expected.json'
tmp_empty

# An expected file whose "tables" or "summary" is an array, even an empty
# one, is not an expected file.
write arr.lua <<'LUA'
function update(configuration, state) op.checkpoint({}) end
LUA
echo '{"state": {}, "summary": {}, "tables": []}' > arr.expected.json
run test arr.lua
expect_exit 3
expect_err 'connector-lua test: arr.expected.json: "tables" must be a JSON object'
echo '{"state": {}, "summary": [], "tables": {}}' > arr.expected.json
run test arr.lua
expect_exit 3
expect_err 'connector-lua test: arr.expected.json: "summary" must be a JSON object'
tmp_empty

# A state that is not an object (a checkpoint accepts any JSON value):
# written as it is, read back, compared.
write list.lua <<'LUA'
function update(configuration, state)
  op.checkpoint({ 1, tonumber(os.getenv("V") or "2"), 3 })
end
LUA
run test list.lua --update
expect_exit 0
python3 -c 'import json; assert json.load(open("list.expected.json"))["state"] == [1, 2, 3]' ||
  fail "list.expected.json: $(cat list.expected.json)"
run test list.lua
expect_exit 0
expect_out "PASS list.lua"
V=5 run test list.lua
expect_exit 1
expect_file_eq out 'state[2]: expected 2, got 5
FAIL list.lua: 1 difference from list.expected.json'
echo '{"summary": {}, "tables": {}}' > list.expected.json
run test list.lua
expect_exit 3
expect_err 'connector-lua test: list.expected.json: "state" is missing'
tmp_empty

# Rows are matched by key value: an expected id 1.0 is the row with id 1
# (numbers compare by value); one row is "1 row".
write one.lua <<'LUA'
function schema(configuration) return { { table = "t", primary_key = { "id" } } } end
function update(configuration, state) op.upsert("t", { id = 1, v = "a" }) end
LUA
run test one.lua --update
expect_exit 0
expect_out "wrote one.expected.json: 1 table, 1 row, the state and 6 counters"
python3 - <<'PY'
import json
d = json.load(open("one.expected.json"))
d["tables"]["t"][0]["id"] = 1.0
d["tables"]["gone"] = [{"id": 2}]
json.dump(d, open("one.expected.json", "w"))
PY
grep -q '"id": 1.0' one.expected.json || fail "no 1.0 in $(cat one.expected.json)"
run test one.lua
expect_exit 1
expect_file_eq out 'table gone: expected 1 row, the warehouse has no such table
FAIL one.lua: 1 difference from one.expected.json'
tmp_empty

# Text that is not UTF-8 (in a row or the state) is written as
# {"bytes_hex": "..."}: the file stays valid UTF-8 JSON and compares
# exactly. A C1 control (U+009B is CSI) never reaches the terminal raw.
write bytes.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", v = "STRING" } } }
end
local values = { ["1"] = "\xff\xfe", ["2"] = "\xff\xfd", ["3"] = "\xc2\x9b31mRED" }
function update(configuration, state)
  op.upsert("t", { id = 1, v = values[os.getenv("V") or "1"] })
  op.checkpoint({ s = "\xfe" })
end
LUA
run test bytes.lua --update
expect_exit 0
python3 - <<'PY' || fail "bytes.expected.json: $(od -c bytes.expected.json)"
import json
d = json.loads(open("bytes.expected.json", "rb").read().decode("utf-8", "strict"))
assert d["tables"]["t"][0]["v"] == {"bytes_hex": "fffe"}, d
assert d["state"] == {"s": {"bytes_hex": "fe"}}, d
PY
run test bytes.lua
expect_exit 0
expect_out "PASS bytes.lua"
V=2 run test bytes.lua
expect_exit 1
expect_file_eq out 't id=1: column v: expected {"bytes_hex":"fffe"}, got {"bytes_hex":"fffd"}
FAIL bytes.lua: 1 difference from bytes.expected.json'
V=3 run test bytes.lua
expect_exit 1
expect_file_eq out 't id=1: column v: expected {"bytes_hex":"fffe"}, got "\xc2\x9b31mRED"
FAIL bytes.lua: 1 difference from bytes.expected.json'
# An expected file written by hand with the raw bytes differs, shown escaped.
printf '{"state": {"s": {"bytes_hex": "fe"}}, "summary": {"checkpoints": 1, "deletes": 0, "schema_changes": 1, "truncates": 0, "updates": 0, "upserts": 1}, "tables": {"t": [{"_fivetran_deleted": false, "id": 1, "v": "\xff\xfe\xc2\x9b"}]}}' > raw.json
run test bytes.lua --expect raw.json
expect_exit 1
expect_file_eq out 't id=1: column v: expected "\xff\xfe\xc2\x9b", got {"bytes_hex":"fffe"}
FAIL bytes.lua: 1 difference from raw.json'
LC_ALL=C grep -q "$(printf '[\x80-\xff]')" out && fail "raw bytes >= 0x80 on stdout: $(od -c out)"
# A state key that is not UTF-8 cannot be written as JSON at all.
write badkey.lua <<'LUA'
function update(configuration, state) op.checkpoint({ ["\xff"] = 1 }) end
LUA
run test badkey.lua --update
expect_exit 1
expect_err 'connector-lua test: the key "\xff" is not UTF-8: the expected file cannot hold it'
[ -e badkey.expected.json ] && fail "badkey.expected.json was written"
tmp_empty

# A script stuck in one long C call (catastrophic backtracking in
# string.find) never reaches the instruction where a stop is raised: a
# second after SIGTERM, or at a second signal, test ends anyway, with the
# signal's status, removing its directory and the cassette being recorded.
write stuck.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 1 })
  log.info("stuck now")
  string.find(string.rep("a", 60), "a-a-a-a-a-a-a-a-a-a-a-a-a-a-b")
  op.checkpoint({})
end
LUA
# start ARGS: test in the background ($pid), killed after 60 s if it never
# ends, returning once the script says it is stuck; stopped: its status.
start() {
  "$CLUA" test "$@" > out 2> err &
  pid=$!
  ( exec > /dev/null 2>&1; sleep 60 & s=$!; trap 'kill $s; exit 0' TERM; wait $s; kill -KILL "$pid" ) &
  guard=$!
  for _ in $(seq 600); do grep -q "stuck now" err && return 0; sleep 0.1; done
  fail "the script never started: $(cat err)"
}
stopped() { wait "$pid"; RC=$?; kill "$guard" 2> /dev/null; wait "$guard" 2> /dev/null; }
start stuck.lua --update
kill -TERM "$pid"
stopped
expect_exit 143
expect_err "connector-lua test: the script did not stop (it is inside a long call); exiting"
tmp_empty
[ -e stuck.cassette.json ] || [ -e stuck.cassette.json.tmp ] && fail "a cassette was left: $(ls)"
[ -e stuck.expected.json ] && fail "stuck.expected.json was written"
echo '{"state": {}, "summary": {}, "tables": {}}' > stuck.expected.json
start stuck.lua
kill -INT "$pid"
sleep 0.2
kill -INT "$pid"
stopped
expect_exit 130
expect_err "connector-lua test: stopped at once by a second signal"
tmp_empty
