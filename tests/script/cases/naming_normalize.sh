# Name normalisation (README "schema(configuration)"), the default: table and column names, in
# schema() and in every op, become lowercase snake_case. camelCase is split
# where a lowercase letter meets an uppercase one (FirstName -> first_name,
# userID -> user_id, HTTPServer -> httpserver); other characters than ASCII
# letters, digits and _ become _; runs of _ become one; a leading digit gets
# a _ before it; a table name loses a leading _, a column name keeps it;
# digits stay joined (val1).

write n.lua <<'LUA'
function schema(configuration)
  return {
    { table = "UserAccounts", primary_key = { "userID" },
      columns = { userID = "INT", FirstName = "STRING", HTTPServer = "STRING",
                  getHTTPResponse = "STRING", ["last name"] = "STRING", ["2fa"] = "BOOLEAN",
                  _private = "STRING", __Double = "STRING", val1 = "INT", ["a--b__c"] = "STRING",
                  ["café"] = "STRING", ["Order.Total$"] = "STRING", ABC = "STRING",
                  trailing_ = "STRING" } },
    { table = "_private", primary_key = { "ID" } },
    { table = "__Double", primary_key = { "id" } },
    { table = "2fa", primary_key = { "id" } },
    { table = "my-table.v2", primary_key = { "id" } },
    { table = "\u{dc}n\u{ef}code", primary_key = { "id" } },    -- Ünïcode
  }
end
function update(configuration, state)
  op.upsert("UserAccounts", { userID = 1, FirstName = "Ann", HTTPServer = "h", getHTTPResponse = "r",
                              ["last name"] = "L", ["2fa"] = true, _private = "p", __Double = "d",
                              val1 = 3, ["a--b__c"] = "abc", ["café"] = "c", ["Order.Total$"] = "9",
                              ABC = "x", trailing_ = "t",
                              -- undeclared columns, normalised the same way
                              NewCol = 1, ["x  y"] = 2, ["2ndLine"] = "n", ["\u{fc}n\u{ef}"] = "u",
                              _keepMe = "k" })
  op.upsert("Order-Items", { ItemID = 7, unitPrice = 1.5, qty2 = 2 })   -- an undeclared table
  op.upsert("_Staging", { Value = 1 })
  op.upsert("__Double", { id = 1 })
  op.upsert("my-table.v2", { id = 1 })
  -- update and delete find the table and columns by their source names too
  op.upsert("UserAccounts", { userID = 2, FirstName = "Bob" })
  op.update("UserAccounts", { userID = 1, FirstName = "Anne", NewCol = 10 })
  op.delete("UserAccounts", { userID = 2 })
  op.delete("__Double", { id = 1 })
end
LUA
run n.lua --output o
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_no_err "WARNING"
# the tables, as the database and its catalog must both name them
TABLES='_2fa
double
my_table_v2
n_code
order_items
private
staging
user_accounts'
expect_sql o/warehouse.db "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_clua\\_%' ESCAPE '\\' ORDER BY name" "$TABLES"
expect_sql o/warehouse.db "SELECT name FROM pragma_table_info('user_accounts') ORDER BY name" \
'_2fa
_2nd_line
_double
_fivetran_deleted
_fivetran_synced
_keep_me
_n_
_private
a_b_c
abc
caf_
first_name
get_httpresponse
httpserver
last_name
new_col
order_total_
trailing_
user_id
val1
x_y'
expect_sql o/warehouse.db "SELECT name FROM pragma_table_info('user_accounts') WHERE pk > 0" "user_id"
expect_sql o/warehouse.db "SELECT name FROM pragma_table_info('private') WHERE pk > 0" "id"
expect_sql o/warehouse.db "SELECT name FROM pragma_table_info('order_items') ORDER BY name" \
'_fivetran_deleted
_fivetran_id
_fivetran_synced
item_id
qty2
unit_price'
expect_sql o/warehouse.db "SELECT name FROM pragma_table_info('staging') WHERE name NOT LIKE '\\_fivetran%' ESCAPE '\\'" "value"
# the catalog holds the normalised names too
expect_sql o/warehouse.db "SELECT DISTINCT table_name FROM _clua_columns ORDER BY 1" "$TABLES"
expect_sql o/warehouse.db "SELECT count(*) FROM _clua_columns WHERE table_name = 'user_accounts' AND column_name IN ('first_name', 'user_id', 'httpserver', '_2fa', '_private', 'val1', 'caf_', '_n_', 'x_y', 'new_col')" "10"
# the rows went where the names say
expect_sql o/warehouse.db "SELECT user_id, first_name, httpserver, get_httpresponse, last_name, _2fa, _private, _double, val1, a_b_c, caf_, order_total_, abc, trailing_, new_col, x_y, _2nd_line, _n_, _keep_me, _fivetran_deleted FROM user_accounts ORDER BY user_id" \
'1|Anne|h|r|L|1|p|d|3|abc|c|9|x|t|10|2|n|u|k|0
2|Bob||||||||||||||||||1'
expect_sql o/warehouse.db "SELECT item_id, unit_price, qty2 FROM order_items" "7|1.5|2"
expect_sql o/warehouse.db "SELECT id, _fivetran_deleted FROM double" "1|1"
expect_err 'added column "new_col" LONG to table "user_accounts"'
expect_err 'created table "order_items" (not declared, so rows are keyed by _fivetran_id)'

# A later run with the same source names finds the same tables and columns.
run n.lua --output o
expect_exit 0
expect_out "SchemaChanges  | 0"
expect_sql o/warehouse.db "SELECT count(*) FROM order_items" "1"

# Messages name the normalised table and column (the same connector, run
# again with a bad op).
write n.lua <<'LUA'
function update(configuration, state)
  op.upsert("UserAccounts", { userID = "x" })
end
LUA
run n.lua --output o
expect_exit 1
severe_is 'n.lua:2: op.upsert("user_accounts") user_id="x": column "user_id" is INT, got string "x"'
