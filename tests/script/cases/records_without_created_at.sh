# scripts/records_without_created_at.lua, run twice: a two-column primary key
# (INT, UTC_DATETIME) keeps both versions of John; the second run changes
# nothing and adds no schema.
DB=files/records_without_created_at/warehouse.db
ROWS=$'123|2007-12-03T10:15:30.000Z|John|Doe|Manager|0
123|2008-01-04T23:44:21.000Z|John|Doe|Senior Manager|0
456|2008-11-12T00:00:20.000Z|Jane|Dalton|VP|0'
QUERY="SELECT id, updated_at, first_name, last_name, designation, _fivetran_deleted FROM user ORDER BY id, updated_at"

run "$ROOT/scripts/records_without_created_at.lua"
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_out "Upserts        | 3"
expect_out "SchemaChanges  | 1"
expect_out "Checkpoints    | 1"
expect_data_at files/records_without_created_at
expect_err "INFO     Example: records_without_created_at.lua"
expect_sql "$DB" "$QUERY" "$ROWS"
expect_sql "$DB" "SELECT typeof(id), typeof(updated_at) FROM user GROUP BY 1, 2" "integer|text"
expect_sql "$DB" "SELECT column_name, logical_type, primary_key FROM _clua_columns WHERE table_name = 'user' AND primary_key > 0 ORDER BY primary_key" \
  $'id|INT|1\nupdated_at|UTC_DATETIME|2'
expect_state files/records_without_created_at "{}"

run "$ROOT/scripts/records_without_created_at.lua"
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_out "Upserts        | 3"
expect_out "SchemaChanges  | 0"
expect_sql "$DB" "SELECT count(*) FROM user" "3"
expect_sql "$DB" "$QUERY" "$ROWS"
expect_state files/records_without_created_at "{}"
