# inspect TABLE of a history table shows its active versions, and every
# version with --all (text and --json); --all belongs to inspect. The
# point-in-time query of the README finds the version valid at a time.
write_price_versions h.lua 2020
run h.lua --output o
expect_exit 0
run inspect --output o price
expect_exit 0
expect_out "| a   | 11     | 2020-02-01T00:00:00.000Z | 1                | 2020-02-01T00:00:00.000Z | 9999-12-31T23:59:59.999Z |"
expect_out "1 active version shown of 3 versions (--all shows every one), newest first"
grep -q "| 10 " out && fail "a closed version is shown without --all"
run inspect --output o price --all --json
expect_exit 0
expect_out '"shown":3,"total":3'
expect_out '["a",10,"2020-01-01T00:00:00.000Z",0,"2020-01-01T00:00:00.000Z","2020-01-31T23:59:59.999Z"'
run inspect --output o --json
expect_exit 0
expect_out '{"name":"_fivetran_active","type":"BOOLEAN"'
run h.lua --output o --all
expect_exit 2
expect_err "this option belongs to inspect: --all"
# the README's point-in-time query
expect_sql o/warehouse.db "SELECT sku, amount FROM price WHERE '2020-01-20T00:00:00.000Z' BETWEEN _fivetran_start AND _fivetran_end ORDER BY sku" \
  $'a|10\nb|20'
