# Widening in PostgreSQL (issue 14, "Native types": ALTER COLUMN ... TYPE
# ... USING, with SQLite's lossless rules): an undeclared column that takes
# a boolean, then integers, then floats, then strings, over four runs and
# through upserts and updates, widens BOOLEAN → LONG → DOUBLE → STRING in
# place; at every step both destinations record the same logical type, and
# at the end every value reads as the same text in both. Another column
# widens through all of it within one run.
pg_reset_schema
URL="$CLUA_PG_URL&schema=$PG_SCHEMA"
write widen.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT" } } }
end
function update(configuration, state)
  local n = (state.run or 0) + 1
  if n == 1 then
    op.upsert("t", { id = 11, v = true })
    op.upsert("t", { id = 12, v = false })
    -- u (undeclared) widens w from BOOLEAN to LONG to STRING in one run.
    op.upsert("u", { id = 1, w = true })
    op.upsert("u", { id = 2, w = 9007199254740993 })
    op.upsert("u", { id = 3, w = 1e300 })
    op.upsert("u", { id = 4, w = "x" })
  elseif n == 2 then
    op.update("t", { id = 11, v = 7 })
    op.upsert("t", { id = 21, v = 5 })
    op.upsert("t", { id = 22, v = math.mininteger })
  elseif n == 3 then
    op.update("t", { id = 12, v = 0.1 + 0.2 })
    op.upsert("t", { id = 31, v = 2.5 })
    op.upsert("t", { id = 32, v = -0.0 })
  else
    op.update("t", { id = 21, v = "text" })
    op.upsert("t", { id = 41, v = "é" })
    op.delete("t", { id = 22 })
  end
  op.checkpoint({ run = n })
end
LUA
TYPES="SELECT table_name, column_name, logical_type FROM %s_clua_columns WHERE column_name IN ('v', 'w') ORDER BY 1"
for step in "BOOLEAN|boolean" "LONG|bigint" "DOUBLE|double precision" "STRING|text"; do
  run widen.lua --output "$URL"
  expect_exit 0
  expect_out "SYNC SUCCEEDED"
  run widen.lua --output lite
  expect_exit 0
  # shellcheck disable=SC2059
  expect_same lite/warehouse.db "$(printf "$TYPES" "")" "$(printf "$TYPES" "$PG_SCHEMA.")" \
    "t|v|${step%|*}"$'\n'"u|w|STRING"
  expect_pg "SELECT data_type FROM information_schema.columns
             WHERE table_schema = '$PG_SCHEMA' AND table_name = 't' AND column_name = 'v'" "${step#*|}"
done
expect_same lite/warehouse.db \
  "SELECT id, v, typeof(v), _fivetran_deleted FROM t ORDER BY id" \
  "SELECT id, v, pg_typeof(v)::text, _fivetran_deleted::int FROM $PG_SCHEMA.t ORDER BY id" \
'11|7|text|0
12|0.30000000000000004|text|0
21|text|text|0
22|-9223372036854775808|text|1
31|2.5|text|0
32|0|text|0
41|é|text|0'
expect_same lite/warehouse.db \
  "SELECT _fivetran_id, id, w FROM u ORDER BY id" \
  "SELECT _fivetran_id, id, w FROM $PG_SCHEMA.u ORDER BY id" \
  "$(sqlite3 lite/warehouse.db "SELECT _fivetran_id FROM u WHERE id = 1")|1|1
$(sqlite3 lite/warehouse.db "SELECT _fivetran_id FROM u WHERE id = 2")|2|9007199254740993
$(sqlite3 lite/warehouse.db "SELECT _fivetran_id FROM u WHERE id = 3")|3|1e+300
$(sqlite3 lite/warehouse.db "SELECT _fivetran_id FROM u WHERE id = 4")|4|x"
expect_pg "SELECT convert_from(state, 'UTF8') FROM $PG_SCHEMA._clua_state" '{"run":4}'
pg_reset_schema
