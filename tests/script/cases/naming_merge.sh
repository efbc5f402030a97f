# Two source names that normalise to one name are one table (or column): the
# data of both go there, and a WARNING says so once per pair, however often
# the names are used. With --naming source they stay apart.

write m.lua <<'LUA'
function schema(configuration)
  return { { table = "Orders", primary_key = { "id" }, columns = { id = "INT", user_data = "STRING" } } }
end
function update(configuration, state)
  for i = 1, 50 do
    op.upsert("Orders", { id = i, userData = "a" .. i })     -- column merged with the declared one
    op.upsert("orders", { id = 100 + i, user_data = "b" .. i }) -- table merged with the declared one
    op.upsert("evTable", { xVal = i })
    op.upsert("ev_table", { x_val = i })                      -- the same rows, by their hash
  end
  op.update("ORDERS", { id = 1, UserData = "changed" })
end
LUA
run m.lua --output o
expect_exit 0
count() { grep -cF -- "$1" err; }
for w in 'WARNING  column names "user_data" and "userData" both become "user_data": their data go to one column' \
         'WARNING  table names "Orders" and "orders" both become "orders": their data go to one table' \
         'WARNING  table names "evTable" and "ev_table" both become "ev_table": their data go to one table' \
         'WARNING  column names "xVal" and "x_val" both become "x_val": their data go to one column' \
         'WARNING  table names "Orders" and "ORDERS" both become "orders": their data go to one table' \
         'WARNING  column names "user_data" and "UserData" both become "user_data": their data go to one column'; do
  n=$(count "$w")
  [ "$n" = 1 ] || { fail "expected once, got $n times: $w"; show_output; }
done
[ "$(grep -c WARNING err)" = 6 ] || { fail "expected 6 WARNING lines"; show_output; }
expect_sql o/warehouse.db "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_clua\\_%' ESCAPE '\\' ORDER BY name" $'ev_table\norders'
expect_sql o/warehouse.db "SELECT name FROM pragma_table_info('orders') ORDER BY name" $'_fivetran_deleted\n_fivetran_synced\nid\nuser_data'
expect_sql o/warehouse.db "SELECT count(*), count(user_data) FROM orders" "100|100"
expect_sql o/warehouse.db "SELECT user_data FROM orders WHERE id IN (1, 2, 101) ORDER BY id" $'changed\na2\nb1'
expect_sql o/warehouse.db "SELECT name FROM pragma_table_info('ev_table') ORDER BY name" $'_fivetran_deleted\n_fivetran_id\n_fivetran_synced\nx_val'
expect_sql o/warehouse.db "SELECT count(*), sum(x_val) FROM ev_table" "50|1275"

# --naming source: no merging, no warning (names that differ in more than
# ASCII case are distinct identifiers to SQLite).
write s.lua <<'LUA'
function update(configuration, state)
  for i = 1, 3 do
    op.upsert("evTable", { xVal = i })
    op.upsert("ev_table", { x_val = i })
  end
end
LUA
run s.lua --output src --naming source
expect_exit 0
expect_no_err "WARNING"
expect_sql src/warehouse.db "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_clua\\_%' ESCAPE '\\' ORDER BY name" $'evTable\nev_table'
expect_sql src/warehouse.db "SELECT count(*) FROM evTable WHERE xVal IS NOT NULL" "3"
expect_sql src/warehouse.db "SELECT count(*) FROM ev_table WHERE x_val IS NOT NULL" "3"

# Within one declaration: the same type is one column (warned once), two
# types are an error naming both source names.
write decl.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" },
             columns = { id = "INT", userData = "STRING", user_data = configuration.type or "STRING" } } }
end
function update(configuration, state)
  op.upsert("t", { id = 1, userData = "x" })
  op.upsert("t", { id = 2, user_data = "y" })
end
LUA
run decl.lua --output d
expect_exit 0
[ "$(grep -c 'WARNING  column names "userData" and "user_data" both become "user_data"' err)" = 1 ] ||
  { fail "expected the warning once"; show_output; }
expect_sql d/warehouse.db "SELECT id, user_data FROM t ORDER BY id" $'1|x\n2|y'
echo '{"type":"INT"}' > int.json
run decl.lua --output d2 --configuration int.json
expect_exit 1
severe_is 'decl.lua: schema(): table "t": columns "userData" (STRING) and "user_data" (INT) both become "user_data"; give them one type or names that stay apart'
