# The two documented connectors loaded into PostgreSQL (issue 14, "Done
# when"): scripts/three.lua and scripts/records_without_created_at.lua, run
# twice each, leave the rows SQLite gets from the same runs, in native
# column types, with the state in the database.
# three.lua runs as "Documented Three.lua" with no ?schema=: its schema is
# the connector's name, normalised (documented_three), which no other case uses.
THREE=documented_three
USER_SCHEMA=${PG_SCHEMA}_user
pg_reset_schema "$THREE"
pg_reset_schema "$USER_SCHEMA"
cp "$ROOT/scripts/three.lua" "Documented Three.lua"

for i in 1 2; do
  run "Documented Three.lua" --output "$CLUA_PG_URL"
  expect_exit 0
  expect_out "SYNC SUCCEEDED"
  expect_out "Data:    $CLUA_PG_URL, schema \"$THREE\""
  expect_out "State:   in the database (_clua_state)"
  expect_err "WARNING  Example: three.lua"
  run "Documented Three.lua" --output lite
  expect_exit 0
done
[ -e "files/documented_three" ] && fail "a run into PostgreSQL made files/documented_three"

# Six rows, two soft-deleted; each run's second row has val1 "abc" and the
# others their own id: the same in both destinations.
expect_same lite/warehouse.db \
  "SELECT val2, val1 = id, val1 = 'abc', _fivetran_deleted, count(*) FROM three GROUP BY 1, 2, 3, 4 ORDER BY 1" \
  "SELECT val2, (val1 = id)::int, (val1 = 'abc')::int, _fivetran_deleted::int, count(*) FROM $THREE.three GROUP BY 1, 2, 3, 4 ORDER BY 1" \
  $'0|1|0|0|2\n1|0|1|0|2\n2|1|0|1|2'
expect_pg "SELECT count(*), count(*) FILTER (WHERE _fivetran_deleted), count(DISTINCT id) FROM $THREE.three" "6|2|6"
expect_pg "SELECT column_name, data_type, is_nullable FROM information_schema.columns
           WHERE table_schema = '$THREE' AND table_name = 'three' ORDER BY ordinal_position" \
  $'id|text|NO\nval1|text|YES\nval2|integer|YES\n_fivetran_synced|timestamp with time zone|YES\n_fivetran_deleted|boolean|NO'
expect_pg "SELECT pg_typeof(val2), pg_typeof(_fivetran_deleted) FROM $THREE.three LIMIT 1" "integer|boolean"
expect_pg "SELECT count(*) FROM $THREE.three WHERE _fivetran_synced IS NULL
           OR _fivetran_synced < now() - interval '10 minutes' OR _fivetran_synced > now()" 0
expect_same lite/warehouse.db \
  "SELECT table_name, column_name, logical_type, primary_key, declared FROM _clua_columns ORDER BY 1, 2" \
  "SELECT table_name, column_name, logical_type, primary_key, declared FROM $THREE._clua_columns ORDER BY 1, 2" \
  $'three|id|STRING|1|1\nthree|val1|STRING|0|1\nthree|val2|INT|0|1'
expect_pg "SELECT convert_from(state, 'UTF8') FROM $THREE._clua_state" "{}"
expect_pg "SELECT script, status FROM $THREE._clua_syncs ORDER BY id" \
  $'Documented Three.lua|succeeded\nDocumented Three.lua|succeeded'

# records_without_created_at.lua: a key of (INT, UTC_DATETIME); the second
# run changes nothing.
RWCA=$ROOT/scripts/records_without_created_at.lua
for i in 1 2; do
  run "$RWCA" --output "$CLUA_PG_URL&schema=$USER_SCHEMA"
  expect_exit 0
  expect_out "SYNC SUCCEEDED"
  expect_out "Upserts        | 3"
  run "$RWCA" --output lite_user
  expect_exit 0
done
expect_out "SchemaChanges  | 0"
expect_same lite_user/warehouse.db \
  "SELECT id, updated_at, first_name, last_name, designation, _fivetran_deleted FROM user ORDER BY id, updated_at" \
  "SELECT id, $(PG_UTC updated_at), first_name, last_name, designation, _fivetran_deleted::int
   FROM $USER_SCHEMA.\"user\" ORDER BY id, updated_at" \
  $'123|2007-12-03T10:15:30.000Z|John|Doe|Manager|0\n123|2008-01-04T23:44:21.000Z|John|Doe|Senior Manager|0\n456|2008-11-12T00:00:20.000Z|Jane|Dalton|VP|0'
expect_pg "SELECT column_name, data_type FROM information_schema.columns
           WHERE table_schema = '$USER_SCHEMA' AND table_name = 'user' AND column_name IN ('id', 'updated_at')
           ORDER BY ordinal_position" $'id|integer\nupdated_at|timestamp with time zone'
expect_pg "SELECT k.column_name FROM information_schema.table_constraints c
           JOIN information_schema.key_column_usage k USING (constraint_schema, constraint_name)
           WHERE c.table_schema = '$USER_SCHEMA' AND c.table_name = 'user' AND c.constraint_type = 'PRIMARY KEY'
           ORDER BY k.ordinal_position" $'id\nupdated_at'
expect_same lite_user/warehouse.db \
  "SELECT column_name, logical_type, primary_key FROM _clua_columns WHERE table_name = 'user' ORDER BY position" \
  "SELECT column_name, logical_type, primary_key FROM $USER_SCHEMA._clua_columns WHERE table_name = 'user' ORDER BY position" \
  $'id|INT|1\nupdated_at|UTC_DATETIME|2\ndesignation|STRING|0\nfirst_name|STRING|0\nlast_name|STRING|0'

pg_reset_schema "$THREE"
pg_reset_schema "$USER_SCHEMA"
