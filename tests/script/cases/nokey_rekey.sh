# Databases made before ids had one canonical form are re-keyed when they
# are opened, so a row sent again finds its row instead of adding a copy.
write one.lua <<'LUA'
function update(configuration, state)
  op.upsert("free", { n = 42, s = "a", b = true, f = 1.5 })
  op.upsert("free", { n = 7 })
end
LUA
run one.lua --output o
expect_exit 0
ids=$(sqlite3 o/warehouse.db "SELECT group_concat(_fivetran_id, ',') FROM (SELECT _fivetran_id FROM free ORDER BY n)")
# As an older version left it: other ids, and no version mark.
sqlite3 o/warehouse.db "UPDATE free SET _fivetran_id = 'old' || n; PRAGMA user_version = 0"
run one.lua --output o
expect_exit 0
expect_sql o/warehouse.db "SELECT count(*) FROM free" "2"
expect_sql o/warehouse.db "SELECT group_concat(_fivetran_id, ',') FROM (SELECT _fivetran_id FROM free ORDER BY n)" "$ids"
expect_sql o/warehouse.db "PRAGMA user_version" "2"
