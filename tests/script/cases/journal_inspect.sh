# inspect --syncs: the runs, newest first, as text and as JSON (read with
# python3), with what each committed per table; --limit N keeps the N
# newest; a database without runs says so; --syncs takes no TABLE.

write s.lua <<'LUA'
function schema() return { { table = "t", primary_key = { "id" } } } end
function update(configuration, state)
  op.upsert("t", { id = 1 })
  op.upsert("u", { k = 1 })
  op.checkpoint({ n = 1 })
  if configuration.fail then op.upsert("t", { id = 2 }) error("no more") end
  op.delete("t", { id = 1 })
end
LUA
printf '{"fail":true}' > fail.json

run s.lua --output o
expect_exit 0
run s.lua --output o --configuration fail.json
expect_exit 1

run inspect --output o --syncs
expect_exit 0
expect_out "Database: $(dest_name o)"
expect_out "error: s.lua:6: no more"
expect_out "    t: 1 upserted, 0 updated, 1 deleted, 0 truncated"
# Newest first: sync 2 (failed) before sync 1 (succeeded).
[ "$(grep -o '^Sync [0-9]*: [a-z]*' out | tr '\n' ' ')" = "Sync 2: failed Sync 1: succeeded " ] ||
  { fail "the runs in order"; show_output; }

# SCRIPT beside --output DIR is a usage error; beside --output URL a SCRIPT
# may come first (README, reset and inspect: it names the schema when the
# URL does not), so against PostgreSQL it runs.
run inspect s.lua --syncs --json --output o
if [ "${CLUA_DEST:-sqlite}" = pg ]; then expect_exit 0; else expect_exit 2; fi
run inspect --output o --syncs --json
expect_exit 0
python3 - "$(dest_name o)" <<'PY' || fail "inspect --syncs --json: $(cat out)"
import json, sys
d = json.loads(open("out").read())
assert d["database"] == sys.argv[1], d
s = d["syncs"]
assert [x["id"] for x in s] == [2, 1], s
assert [x["status"] for x in s] == ["failed", "succeeded"], s
assert s[0]["error"] == "s.lua:6: no more" and s[1]["error"] is None, s
assert s[0]["checkpoints"] == 1 and s[1]["checkpoints"] == 2, s
assert s[0]["tables"] == [{"name": "t", "upserted": 1, "updated": 0, "deleted": 0, "truncated": 0},
                          {"name": "u", "upserted": 1, "updated": 0, "deleted": 0, "truncated": 0}], s
assert s[1]["tables"][0] == {"name": "t", "upserted": 1, "updated": 0, "deleted": 1, "truncated": 0}, s
assert all(x["script"] == "s.lua" and x["started_at"] <= x["ended_at"] for x in s), s
PY

run inspect --output o --syncs --json --limit 1
expect_exit 0
python3 -c 'import json; s = json.load(open("out"))["syncs"]; assert [x["id"] for x in s] == [2], s' ||
  fail "--limit 1: $(cat out)"

# A database with no run recorded (made before the journal): none listed.
db_exec o/warehouse.db "DROP TABLE _clua_syncs"
run inspect --output o --syncs
expect_exit 0
expect_out "No syncs recorded yet."

run inspect --output o --syncs t
expect_exit 2
expect_err "--syncs takes no TABLE"
run s.lua --output o --syncs
expect_exit 2
expect_err "this option belongs to inspect: --syncs"

exit $FAILURES
