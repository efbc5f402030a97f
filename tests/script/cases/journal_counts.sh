# The JSON summary keeps the SDK's call counts and adds the rows committed:
# ops after the last checkpoint of a failed run are calls but were rolled
# back; op.update/op.delete of a missing row is a call that changed none;
# op.truncate counts the rows it marked deleted. The journal's per-table
# counts add up to the same totals.

write s.lua <<'LUA'
function schema() return { { table = "t", primary_key = { "id" } } } end
function update(configuration, state)
  for id = 1, 3 do op.upsert("t", { id = id }) end
  op.truncate("t")                       -- marks 3 rows deleted
  op.update("t", { id = 99, v = "x" })   -- no such row
  op.delete("t", { id = 98 })            -- no such row
  op.delete("t", { id = 1 })             -- a row: counted
  op.checkpoint({ n = 1 })
  op.upsert("t", { id = 4 })
  if configuration.fail then error("stop") end
end
LUA
printf '{"fail":true}' > fail.json

# field JSON KEY.KEY...: a value of the summary, read with python3.
field() {
  python3 -c 'import json,sys
v = json.loads(open("out").read())
for k in sys.argv[1].split("."): v = v[k]
print(json.dumps(v))' "$1"
}

run s.lua --output o --log-format json
expect_exit 0
[ "$(field upserts)" = 4 ] || fail "upserts (calls): $(field upserts)"
[ "$(field committed)" = '{"upserts": 4, "updates": 0, "deletes": 1, "truncates": 3}' ] ||
  fail "committed: $(field committed)"
[ "$(field deletes)" = 2 ] || fail "deletes (calls): $(field deletes)"
[ "$(field updates)" = 1 ] || fail "updates (calls): $(field updates)"

run s.lua --output o --log-format json --configuration fail.json
expect_exit 1
[ "$(field upserts)" = 4 ] || fail "failed run, upserts (calls): $(field upserts)"
[ "$(field committed.upserts)" = 3 ] || fail "failed run, committed upserts: $(field committed.upserts)"
# The truncate marked rows 1-3 and the 4 the first run left.
[ "$(field committed)" = '{"upserts": 3, "updates": 0, "deletes": 1, "truncates": 4}' ] ||
  fail "failed run, committed: $(field committed)"
expect_sql o/warehouse.db "SELECT sum(upserted), sum(updated), sum(deleted), sum(truncated) FROM _clua_sync_tables WHERE sync_id = 2" \
  "3|0|1|4"

# A run that never started has no counts at all.
run missing.lua --output o --log-format json
expect_exit 3
[ "$(field committed)" = null ] || fail "committed of a run that never started: $(field committed)"

exit $FAILURES
