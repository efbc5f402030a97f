# Every op error names the row by its primary key, as the script gave it,
# so one bad row of thousands can be found.
write e.lua <<'LUA'
function schema(configuration)
  return { { table = "customers", primary_key = { "id", "region" },
             columns = { id = "INT", region = "STRING", updated_at = "UTC_DATETIME" } } }
end
function update(configuration, state)
  local tries = {
    function() op.upsert("customers", { id = 7002, region = "eu", updated_at = "2024-06-01 00:00:10" }) end,
    function() op.update("customers", { id = 7003, region = "a \"quoted\"\n", updated_at = 5 }) end,
    function() op.delete("customers", { id = 7004 }) end,
    function() op.upsert("free", { v = 1 }); op.update("free", { _fivetran_id = "abc", v = { f = print } }) end,
  }
  for _, f in ipairs(tries) do
    local ok, err = pcall(f)
    log.info("error: " .. tostring(err))
  end
end
LUA
run e.lua --output o
expect_exit 0
expect_err 'error: e.lua:7: op.upsert("customers") id=7002 region="eu": column "updated_at" is UTC_DATETIME, got string "2024-06-01 00:00:10" (no UTC offset: add Z or +hh:mm)'
expect_err 'error: e.lua:8: op.update("customers") id=7003 region="a \x22quoted\x22\x0A": column "updated_at" is UTC_DATETIME, got integer 5'
expect_err 'error: e.lua:9: op.delete("customers") id=7004: primary-key column "region" is missing'
expect_err 'error: e.lua:10: op.update("free") _fivetran_id="abc": column "v" is STRING: at $.f: cannot encode a function'

# A key that holds a secret is not shown, even cut to 40 bytes (where log
# masking would no longer recognise it).
write conf.json <<'JSON'
{ "api_token": "LONGSECRET-0123456789-0123456789-0123456789-0123456789" }
JSON
write s.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "k" }, columns = { k = "STRING", n = "INT" } } }
end
function update(configuration, state)
  local ok, err = pcall(op.upsert, "t", { k = configuration.api_token, n = "x" })
  log.info("error: " .. err)
end
LUA
run s.lua --output s --configuration conf.json
expect_exit 0
expect_err 'error: op.upsert("t") k="***": column "n" is INT, got string "x"'
expect_no_err 'LONGSECRET'
