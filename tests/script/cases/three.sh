# scripts/three.lua, run twice: 6 rows, 2 soft-deleted, and the summary.
run "$ROOT/scripts/three.lua"
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_out "Upserts        | 3"
expect_out "Updates        | 1"
expect_out "Deletes        | 1"
expect_out "SchemaChanges  | 1"
expect_out "Checkpoints    | 1"
expect_data_at files/three
expect_err "WARNING  Example: three.lua"
expect_sql files/three/warehouse.db "SELECT count(*), sum(_fivetran_deleted) FROM three" "3|1"
expect_sql files/three/warehouse.db "SELECT val2 FROM three WHERE val1 = 'abc'" "1"
expect_sql files/three/warehouse.db "SELECT val2, _fivetran_deleted, id = val1 FROM three ORDER BY val2" $'0|0|1\n1|0|0\n2|1|1'

run "$ROOT/scripts/three.lua"
expect_exit 0
expect_out "SchemaChanges  | 0"
expect_sql files/three/warehouse.db "SELECT count(*), sum(_fivetran_deleted) FROM three" "6|2"
expect_sql files/three/warehouse.db "SELECT count(*) FROM three WHERE id GLOB '????????-????-4???-[89ab]???-????????????'" "6"
expect_sql files/three/warehouse.db "SELECT count(*) FROM three WHERE _fivetran_synced GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'" "6"
expect_state files/three "{}"
