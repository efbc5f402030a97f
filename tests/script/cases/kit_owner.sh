# An output directory belongs to one connector (issue 11, item 10): the
# database records the file name of the script that made it, and a script
# of another name is refused (exit 6) before it runs, with nothing written,
# unless it passes --take-over. reset frees the directory; a database
# without an owner (an older version's) is adopted.
write orders.lua <<'LUA'
function schema(configuration)
  return { { table = "orders", primary_key = { "id" }, columns = { id = "INT", total = "DOUBLE" } } }
end
function update(configuration, state)
  local n = (state.n or 0) + 1
  op.upsert("orders", { id = n, total = n * 1.5 })
  op.checkpoint({ n = n })
end
LUA
write products.lua <<'LUA'
function update(configuration, state)
  log.info("products ran")
  op.upsert("products", { sku = "a" })
  op.checkpoint({ products = true })
end
LUA
# refused DIR|SCRIPT OWNER NAME: the message that refuses NAME a destination
# OWNER made (dest_where DIR|SCRIPT names it): the directory's; against
# PostgreSQL the schema's, whose reset command quotes the URL.
refused() {
  if [ "${CLUA_DEST:-sqlite}" = pg ]; then
    local s
    s=$(dest_schema "$1")
    echo "PostgreSQL schema \"$s\" of $(dest_where "$1") belongs to the connector \"$2\", not \"$3\": name another schema (?schema=NAME), empty it with 'connector-lua reset --output \"URL\" --yes' (its URL with ?schema=$s), or pass --take-over to give it to \"$3\""
  else
    local d
    d=$(dest_where "$1")
    echo "$d belongs to the connector \"$2\", not \"$3\": use another --output, empty it with 'connector-lua reset --output $d', or pass --take-over to give it to \"$3\""
  fi
}
# (_clua_meta: PostgreSQL's also holds row_id_version, which SQLite keeps as
# PRAGMA user_version.)
META="SELECT key, value FROM _clua_meta WHERE key <> 'row_id_version'"

run orders.lua
expect_exit 0
expect_sql files/orders/warehouse.db "$META" "owner|orders.lua"

# Another script into it: refused at once, nothing run, nothing changed.
sqlite3 -batch files/orders/warehouse.db .dump > dump.before
SUM_BEFORE=$(dest_sum files/orders/warehouse.db)
STATE_BEFORE=$(saved_state files/orders)
run products.lua --output files/orders
expect_exit 6
expect_out "SYNC FAILED"
expect_no_out "Upserts"
severe_is "$(refused files/orders orders.lua products.lua)"
expect_no_err "products ran"
expect_no_err "rolled back"
[ "$(dest_sum files/orders/warehouse.db)" = "$SUM_BEFORE" ] || fail "warehouse.db changed"
[ "$(saved_state files/orders)" = "$STATE_BEFORE" ] || fail "the saved state changed"
sqlite3 -batch files/orders/warehouse.db .dump > dump.after
cmp -s dump.before dump.after || fail "the database's rows or schema changed"
# A refused run's --record leaves the cassette already there as it was.
printf '{"connector_lua_cassette": 1, "exchanges": [], "uuid_v4": ["0b6f4e3c-6d1e-4c8a-9f3e-2a7d5c1b9e04"]}\n' > kept.json
cp kept.json kept.before
run products.lua --output files/orders --record kept.json
expect_exit 6
expect_no_err "recorded"
cmp -s kept.before kept.json || fail "the refused run replaced the cassette kept.json"
[ ! -e kept.json.tmp ] || fail "the refused run left kept.json.tmp"
# The same from a script path with a directory: the message names files only.
mkdir -p other
cp products.lua other/products.lua
run other/products.lua --output files/orders
expect_exit 6
expect_err 'belongs to the connector "orders.lua", not "products.lua"'

# inspect reads it whoever asks.
run inspect --output files/orders
expect_exit 0
expect_out "Table orders: 1 live row, 0 deleted"

# The same file name in another directory is the same connector.
mkdir -p v2
cp orders.lua v2/orders.lua
run v2/orders.lua --output files/orders
expect_exit 0
expect_sql files/orders/warehouse.db "SELECT id FROM orders ORDER BY id" $'1\n2'
expect_state files/orders '{"n":2}'

# --take-over: runs, keeps the data, and the directory is products.lua's now.
run products.lua --output files/orders --take-over
expect_exit 0
expect_out "SYNC SUCCEEDED"
# Against PostgreSQL it names the schema as well as the URL (pg_takeover_schema.sh).
TAKEN=$(dest_where files/orders)
[ "${CLUA_DEST:-sqlite}" != pg ] || TAKEN="PostgreSQL schema \"$(dest_schema files/orders)\" of $TAKEN"
expect_err "WARNING  --take-over: $TAKEN belonged to the connector \"orders.lua\"; it is now \"products.lua\"'s"
expect_err "products ran"
expect_sql files/orders/warehouse.db "SELECT value FROM _clua_meta WHERE key = 'owner'" "products.lua"
expect_sql files/orders/warehouse.db "SELECT count(*) FROM orders" "2"
expect_sql files/orders/warehouse.db "SELECT sku FROM products" "a"
run orders.lua
expect_exit 6
severe_is "$(refused orders.lua products.lua orders.lua)"
# A take-over that fails is rolled back with the rest: the owner stays.
write bad/orders.lua <<'LUA'
function update(configuration, state) error("source down") end
LUA
run bad/orders.lua --output files/orders --take-over
expect_exit 1
severe_is "bad/orders.lua:1: source down"
expect_sql files/orders/warehouse.db "SELECT value FROM _clua_meta WHERE key = 'owner'" "products.lua"

# reset empties the directory, and its owner goes with the database.
run reset --output files/orders
expect_exit 0
run orders.lua
expect_exit 0
expect_sql files/orders/warehouse.db "SELECT value FROM _clua_meta WHERE key = 'owner'" "orders.lua"
expect_sql files/orders/warehouse.db "SELECT id FROM orders" "1"

# A database made before owners were recorded (no _clua_meta) is adopted
# by the first script that runs into it, its data kept.
db_exec files/orders/warehouse.db "DROP TABLE _clua_meta"
run products.lua --output files/orders
expect_exit 0
expect_sql files/orders/warehouse.db "$META" "owner|products.lua"
expect_sql files/orders/warehouse.db "SELECT count(*) FROM orders" "1"
run orders.lua
expect_exit 6

# A first run that fails before any commit leaves no data and no owner.
write failing.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 1 })
  error("no luck")
end
LUA
run failing.lua --output fresh
expect_exit 1
expect_sql fresh/warehouse.db "SELECT count(*) FROM ($META)" "0"
run orders.lua --output fresh
expect_exit 0
expect_sql fresh/warehouse.db "SELECT value FROM _clua_meta WHERE key = 'owner'" "orders.lua"
