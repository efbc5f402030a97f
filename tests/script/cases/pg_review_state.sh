# A state holding bytes that are not UTF-8 (a cursor of raw bytes) is kept
# byte for byte on PostgreSQL, as on SQLite (review of issue 14): the
# checkpoint succeeds, _clua_state and the journal hold the same bytes as
# SQLite's _clua_state, the next run gets them back, and so does a run
# started with --state FILE holding them.
pg_reset_schema
case $CLUA_PG_URL in *\?*) SEP='&' ;; *) SEP='?' ;; esac
PGO="$CLUA_PG_URL${SEP}schema=$PG_SCHEMA"

write s.lua <<'LUA'
function schema() return {} end
function update(configuration, state)
  op.upsert("t", { id = (state.n or 0) + 1, same = state.cursor == "\255abc" })
  op.checkpoint({ cursor = "\255abc", n = (state.n or 0) + 1 })
end
LUA
HEX1=7b22637572736f72223a22ff616263222c226e223a317d # {"cursor":"\xffabc","n":1}
HEX2=7b22637572736f72223a22ff616263222c226e223a327d
for dest in o "$PGO"; do
  run s.lua --output "$dest"
  expect_exit 0
  run s.lua --output "$dest"
  expect_exit 0
done
expect_sql o/warehouse.db "SELECT lower(hex(state)) FROM _clua_state" "$HEX2"
expect_pg "SELECT encode(state, 'hex') FROM \"$PG_SCHEMA\"._clua_state" "$HEX2"
expect_pg "SELECT encode(state, 'hex') FROM \"$PG_SCHEMA\"._clua_sync_checkpoints WHERE final = 1
  ORDER BY sync_id" \
  "$HEX1
$HEX2"
# The second run got the cursor back whole.
expect_sql o/warehouse.db "SELECT id, same FROM t ORDER BY id" '1|0
2|1'
expect_pg "SELECT id, same FROM \"$PG_SCHEMA\".t ORDER BY id" '1|f
2|t'

# --state FILE with the same bytes: the run gets them, and saves them.
printf '{"cursor":"\377abc","n":4}' > st.json
run s.lua --output "$PGO" --state st.json
expect_exit 0
expect_pg "SELECT id, same FROM \"$PG_SCHEMA\".t WHERE id = 5" '5|t'
expect_pg "SELECT encode(state, 'hex') FROM \"$PG_SCHEMA\"._clua_state" \
  7b22637572736f72223a22ff616263222c226e223a357d
