# op.update and op.delete on a table that has had no row change nothing, as
# the SDK does, but no longer without a word: one WARNING per table name (a
# misspelt name did nothing silently).
write m.lua <<'LUA'
function update(configuration, state)
  op.upsert("orders", { id = 1 })
  op.update("order", { _fivetran_id = "x", v = 1 })
  op.update("order", { _fivetran_id = "y", v = 2 })
  op.delete("ordrs", { _fivetran_id = "x" })
  op.truncate("nothing")
end
LUA
run m.lua --output o
expect_exit 0
expect_out "Updates        | 2"
expect_err 'WARNING  op.update("order"): no table "order" has had a row yet, so this changes nothing (said once per table)'
expect_err 'WARNING  op.delete("ordrs"): no table "ordrs" has had a row yet, so this changes nothing (said once per table)'
[ "$(grep -c 'no table "order"' err)" = 1 ] || fail "the warning for \"order\" is not said once"
expect_sql o/warehouse.db "SELECT count(*) FROM sqlite_master WHERE name IN ('order', 'ordrs')" "0"
