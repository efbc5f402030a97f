# Type JSON (README "Types"): any value, stored as TEXT holding its JSON encoding.
# A Lua string becomes a JSON string ("x" is stored as "\"x\""), object keys
# are sorted so the same table always gives the same text, and json.null is
# a SQL NULL.

write ok.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", j = "JSON" } } }
end
function update(configuration, state)
  op.upsert("t", { id = 1, j = { b = 1, a = { 2, 3 } } })
  op.upsert("t", { id = 2, j = "x" })
  op.upsert("t", { id = 3, j = 5 })
  op.upsert("t", { id = 4, j = 1.5 })
  op.upsert("t", { id = 5, j = true })
  op.upsert("t", { id = 6, j = { zeta = 1, alpha = { d = 1, c = { 3, "q", { k = false } } },
                                 Mid = json.null, beta = "" } })
  op.upsert("t", { id = 7, j = {} })
  op.upsert("t", { id = 8, j = json.null })
  op.upsert("t", { id = 9, j = 'say "hi"\n\t\\' })
  op.upsert("t", { id = 10, j = '{"a":1}' })          -- a string, not parsed
  op.upsert("t", { id = 11, j = math.mininteger })
  op.upsert("t", { id = 12, j = { "\u{e9}", -0.5, 1e300 } })
end
LUA
run ok.lua --output o
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_sql o/warehouse.db "SELECT id, j, typeof(j) FROM t ORDER BY id" \
$'1|{"a":[2,3],"b":1}|text
2|"x"|text
3|5|text
4|1.5|text
5|true|text
6|{"Mid":null,"alpha":{"c":[3,"q",{"k":false}],"d":1},"beta":"","zeta":1}|text
7|{}|text
8||null
9|"say \\"hi\\"\\n\\t\\\\"|text
10|"{\\"a\\":1}"|text
11|-9223372036854775808|text
12|["é",-0.5,1e+300]|text'
# SQLite reads every stored value back as valid JSON, with the same content.
expect_sql o/warehouse.db "SELECT count(*) FROM t WHERE json_valid(j)" "11"
expect_sql o/warehouse.db "SELECT json_extract(j, '\$.alpha.c[2].k'), json_type(j, '\$.Mid') FROM t WHERE id = 6" "0|null"
expect_sql o/warehouse.db "SELECT json_extract(j, '\$') FROM t WHERE id = 9" $'say "hi"\n\t\\'
expect_sql o/warehouse.db "SELECT json_type(j), json_extract(j, '\$') FROM t WHERE id = 10" 'text|{"a":1}'
expect_sql o/warehouse.db "SELECT json_extract(j, '\$') FROM t WHERE id = 11" "-9223372036854775808"
expect_sql o/warehouse.db "SELECT name, type FROM pragma_table_info('t') WHERE name = 'j'" "j|TEXT"

reject '"JSON"' '{ f = function() end }' 'is JSON: at $.f: cannot encode a function'
reject '"JSON"' '{ x = { 1, 0 / 0 } }' 'is JSON: at $.x[2]: cannot encode NaN or infinity'
reject '"JSON"' 'math.huge' 'is JSON: at $: cannot encode NaN or infinity'
reject '"JSON"' '{ 1, a = 2 }' 'is JSON: at $: table has both a sequence part and key "a"'
expect_sql r/warehouse.db "SELECT count(*) FROM sqlite_master WHERE name = 't'" "0"
