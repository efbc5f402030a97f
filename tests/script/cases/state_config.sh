# --configuration FILE: the JSON object reaches schema() and update() as a
# plain Lua table; without the option both get {}.
write c.lua <<'LUA'
function schema(configuration)
  log.info("schema got " .. json.encode(configuration))
  return { { table = configuration.table or "default_table", primary_key = { "k" },
             columns = { k = "STRING", v = "STRING" } } }
end
function update(configuration, state)
  local t = configuration.table or "default_table"
  log.info("update got " .. json.encode(configuration))
  op.upsert(t, { k = "json", v = json.encode(configuration) })
  op.upsert(t, { k = "count", v = tostring(#(configuration.list or {})) })
  op.upsert(t, { k = "types", v = tostring(math.type(configuration.port)) .. " " .. type(configuration.debug)
                                   .. " " .. type(configuration.nested) })
  op.upsert(t, { k = "nested", v = configuration.nested and configuration.nested.user or "none" })
end
LUA
write conf.json <<'EOF2'
{
  "table": "from_config",
  "api_key": "s3cr3t",
  "port": 8443,
  "debug": true,
  "list": ["a", "b", "c"],
  "nested": { "user": "ann" }
}
EOF2
run c.lua --configuration conf.json --output o
expect_exit 0
expect_out "SYNC SUCCEEDED"
CONF='{"api_key":"s3cr3t","debug":true,"list":["a","b","c"],"nested":{"user":"ann"},"port":8443,"table":"from_config"}'
# The script sees the real api_key; log lines show it masked.
SHOWN=${CONF/s3cr3t/***}
expect_err "INFO     schema got $SHOWN"
expect_err "INFO     update got $SHOWN"
expect_no_err "s3cr3t"
expect_sql o/warehouse.db "SELECT k, v FROM from_config ORDER BY k" \
  "count|3
json|$CONF
nested|ann
types|integer boolean table"
expect_sql o/warehouse.db "SELECT count(*) FROM sqlite_master WHERE name = 'default_table'" "0"

# --configuration=FILE works the same
run c.lua --configuration=conf.json --output o2
expect_exit 0
expect_sql o2/warehouse.db "SELECT v FROM from_config WHERE k = 'nested'" "ann"

# No configuration: {} in both functions.
run c.lua --output o3
expect_exit 0
expect_err "INFO     schema got {}"
expect_err "INFO     update got {}"
expect_sql o3/warehouse.db "SELECT k, v FROM default_table ORDER BY k" $'count|0\njson|{}\nnested|none\ntypes|nil nil nil'

# A configuration that is not a JSON object, or no file at all: bad input (3).
write list.json <<'EOF2'
["not", "an", "object"]
EOF2
run c.lua --configuration list.json --output o4
expect_exit 3
expect_out "SYNC FAILED"
expect_err "configuration file list.json must hold a JSON object"
run c.lua --configuration nowhere.json --output o4
expect_exit 3
expect_err "nowhere.json"
