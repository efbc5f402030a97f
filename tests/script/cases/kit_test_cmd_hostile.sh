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
