# inspect TABLE --changed [SYNC] and --key COLUMN=VALUE: the rows a sync
# wrote, and which sync and checkpoint last wrote a row, found from
# _fivetran_synced and the journal's commit times. Three runs (the last one
# failed after its first checkpoint) touch different rows of a plain, a
# composite-key and a history table; a row synced in the millisecond of a
# commit shows both checkpoints; the errors; --json read with python3.
write s.lua <<'LUA'
function schema()
  return {
    { table = "item", primary_key = { "id" }, columns = { id = "LONG", name = "STRING" } },
    { table = "line", primary_key = { "order_id", "n" },
      columns = { order_id = "LONG", n = "INT", qty = "INT" } },
    { table = "cust", primary_key = { "id" }, history = true,
      columns = { id = "LONG", name = "STRING" } },
  }
end
-- Sleeps keep every op out of a commit's millisecond.
local function commit(state) time.sleep(0.005) op.checkpoint(state) time.sleep(0.005) end
function update(configuration)
  time.sleep(0.005)
  local run = configuration.run
  if run == "1" then
    for id = 1, 3 do op.upsert("item", { id = id, name = "i" .. id }) end
    commit({ run = 1 })
    op.upsert("item", { id = 4, name = "i4" })
    op.upsert("line", { order_id = 1, n = 1, qty = 1 })
    op.upsert("line", { order_id = 1, n = 2, qty = 1 })
    op.upsert("cust", { id = 1, name = "A" })
  elseif run == "2" then
    op.upsert("item", { id = 2, name = "two" })
    commit({ run = 2 })
    op.upsert("line", { order_id = 1, n = 2, qty = 5 })
    op.upsert("cust", { id = 1, name = "B" })
  else
    op.upsert("item", { id = 3, name = "three" })
    commit({ run = 3 })
    op.upsert("item", { id = 1, name = "lost" })
    error("stop")
  end
  time.sleep(0.005)
end
LUA
for r in 1 2 3; do printf '{"run":"%s"}' $r > c$r.json; done
run s.lua --output o --configuration c1.json
expect_exit 0
run s.lua --output o --configuration c2.json
expect_exit 0
run s.lua --output o --configuration c3.json
expect_exit 1

# The last sync (3, failed): what its checkpoint committed, not what was rolled back.
run inspect --output o item --changed
expect_exit 0
expect_out "Table item, rows written by sync 3 (started "
expect_out "| id | name  | _fivetran_synced         | _fivetran_deleted | (sync) | (checkpoint) |"
expect_out "| 3  | three | "
expect_out " | 0                 | 3      | 1            |"
expect_out "1 row shown, newest first"
grep -q "lost" out && fail "a rolled-back row is shown"

# A given sync: the rows it wrote that no later sync rewrote, by checkpoint.
run inspect --output o item --changed 1
expect_exit 0
[ "$(grep -o '^| [0-9] .*| [0-9] *|$' out | awk -F'|' '{gsub(/ /,""); print $2 ":" $6 ":" $7}' | tr '\n' ' ')" = "4:1:2 1:1:1 " ] ||
  { fail "--changed 1: rows 4 (checkpoint 2) and 1 (checkpoint 1)"; show_output; }
run inspect --output o line --changed 2 --json
expect_exit 0
python3 - <<'PY' || fail "line --changed 2 --json: $(cat out)"
import json
d = json.loads(open("out").read())
assert d["table"] == "line" and d["sync"] == 2, d
assert d["started_at"] < d["last_commit_at"], d
assert d["columns"][:3] == ["order_id", "n", "qty"], d
assert [r[:3] for r in d["rows"]] == [[1, 2, 5]], d
assert d["written"] == [{"sync": 2, "checkpoints": [2]}] and d["shown"] == 1, d
PY
# A history table: the version sync 2 wrote (the version it closed keeps
# the _fivetran_synced of the sync that wrote it).
run inspect --output o cust --changed 2 --json
expect_exit 0
python3 - <<'PY' || fail "cust --changed 2 --json: $(cat out)"
import json
d = json.loads(open("out").read())
assert [r[:3] for r in d["rows"]] == [[1, "B", 1]], d
assert d["written"] == [{"sync": 2, "checkpoints": [2]}], d
PY
run inspect --output o line --changed 3
expect_exit 0
expect_out "0 rows shown"
run inspect --output o item --changed 1 --limit 1
expect_exit 0
expect_out "1 row shown, newest first (at most 1: --limit N shows more)"

# --key: a plain table (a LONG key given as text), a composite key, a history table.
run inspect --output o item --key id=4
expect_exit 0
expect_out "Table item, key id = 4"
expect_out "| 4  | i4   | "
expect_out " | 1      | 2            |"
run inspect --output o item --key ID=3 --json
expect_exit 0
python3 - <<'PY' || fail "item --key ID=3 --json: $(cat out)"
import json
d = json.loads(open("out").read())
assert d["key"] == {"id": "3"}, d
assert [r[:2] for r in d["rows"]] == [[3, "three"]], d
assert d["written"] == [{"sync": 3, "checkpoints": [1]}], d
PY
run inspect --output o line --key n=1 --key order_id=1
expect_exit 0
expect_out "| 1        | 1 | 1   | "
expect_out " | 1      | 2            |"
run inspect --output o line --key n=3 --key order_id=1
expect_exit 0
expect_out "No such row."
run inspect --output o cust --key id=1
expect_exit 0
expect_out "(the active version; --all shows every one)"
expect_out "| 1  | B    | 1                | "
grep -q "| A " out && fail "a closed version shown without --all"
run inspect --output o cust --key id=1 --all --json
expect_exit 0
python3 - <<'PY' || fail "cust --key id=1 --all --json: $(cat out)"
import json
d = json.loads(open("out").read())
assert [r[:3] for r in d["rows"]] == [[1, "B", 1], [1, "A", 0]], d
assert d["written"] == [{"sync": 2, "checkpoints": [2]}, {"sync": 1, "checkpoints": [2]}], d
PY

# A row synced in the very millisecond of commit 1 of sync 1: checkpoint 1 or 2.
# (The time as a literal, which PostgreSQL's timestamptz takes as SQLite's text does.)
AT=$(sqlite3 o/warehouse.db "SELECT at FROM _clua_sync_checkpoints WHERE sync_id = 1 AND seq = 1")
db_exec o/warehouse.db "UPDATE item SET _fivetran_synced = '$AT' WHERE id = 4"
run inspect --output o item --key id=4
expect_exit 0
expect_out " | 1      | 1 or 2       |"
run inspect --output o item --changed 1 --json
expect_exit 0
python3 - <<'PY' || fail "the ambiguous row in --json: $(cat out)"
import json
d = json.loads(open("out").read())
assert [r[0] for r in d["rows"]] == [4, 1], d
assert d["written"] == [{"sync": 1, "checkpoints": [1, 2]}, {"sync": 1, "checkpoints": [1]}], d
PY

# Errors: usage (exit 2) naming the column, the value or the sync.
run inspect --output o line --key order_id=1
expect_exit 2
expect_err '--key needs every key column of line: "n" is missing (its key: order_id, n)'
run inspect --output o line --key order_id=x --key n=2
expect_exit 2
expect_err '--key order_id=x: "x" is not a LONG ("order_id" is a LONG column)'
run inspect --output o line --key qty=1 --key order_id=1 --key n=1
expect_exit 2
expect_err '--key qty=1: "qty" is not a key column of line; its key: order_id, n'
run inspect --output o line --key nope=1
expect_exit 2
expect_err '--key nope=1: no column "nope" in line; its key: order_id, n'
run inspect --output o item --key id=1 --key id=2
expect_exit 2
expect_err '--key id=2: column "id" given twice'
run inspect --output o item --key 7
expect_exit 2
expect_err '--key takes COLUMN=VALUE, not "7"'
run inspect --output o item --changed 9
expect_exit 2
expect_err "no sync 9 in the journal of $(dest_name o); it holds syncs 1 to 3"
[ -s out ] && fail "output on a failure: $(cat out)"
run inspect --output o item --changed 0
expect_exit 2
expect_err "--changed takes a sync's number (1 or more), not: 0"
run inspect --output o --changed
expect_exit 2
expect_err "--changed needs a TABLE"
run inspect --output o item --changed --key id=1
expect_exit 2
expect_err "--changed and --key do not go together"
run s.lua --output o --key id=1
expect_exit 2
expect_err "this option belongs to inspect: --key"
run inspect --output o nope --changed
expect_exit 2
expect_err "no table \"nope\" in $(dest_name o)"

# A row whose run the journal no longer holds (dropped past its bound): "?".
db_exec o/warehouse.db "DELETE FROM _clua_sync_checkpoints WHERE sync_id = 1"
run inspect --output o item --key id=1
expect_exit 0
expect_out " | ?      | ?            |"
run inspect --output o item --key id=1 --json
expect_exit 0
python3 -c 'import json; d = json.load(open("out")); assert d["written"] == [{"sync": None, "checkpoints": []}], d' ||
  fail "an unknown writer in --json: $(cat out)"

# A database made before the journal: exit 3, as inspect with no database.
db_exec o/warehouse.db "DROP TABLE _clua_sync_checkpoints"
run inspect --output o item --key id=1
expect_exit 3
expect_err "$(dest_name o) has no journal of syncs (it was made before connector-lua kept one)"
[ -s out ] && fail "output on a failure: $(cat out)"

exit $FAILURES
