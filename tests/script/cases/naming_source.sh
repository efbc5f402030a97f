# --naming source keeps every table and column name exactly as written;
# every identifier is quoted, so names with quotes, spaces, SQL, newlines or
# non-ASCII text are stored literally and run no SQL of their own; ops,
# widening (which rebuilds the table) and later runs find them again.

write s.lua <<'LUA'
local T = 'x"; DROP TABLE t; --'
function schema(configuration)
  return {
    { table = T, primary_key = { "a b" },
      columns = { ["a b"] = "INT", ["ünï"] = "STRING", ['q"uote'] = "STRING", FirstName = "STRING",
                  ["n%"] = configuration.wide and "LONG" or "INT" } },
    { table = "t", primary_key = { "id" }, columns = { id = "INT" } },
  }
end
function update(configuration, state)
  op.upsert("t", { id = 1 })
  if configuration.wide then
    op.upsert(T, { ["a b"] = 3, ["n%"] = 1 << 40, ["it's"] = "now text" })  -- widens "it's"
    return
  end
  op.upsert(T, { ["a b"] = 1, ["ünï"] = "u", ['q"uote'] = "q", FirstName = "F", ["n%"] = 5,
                 ["it's"] = 5, ["Robert'); DROP TABLE t;--"] = "bobby", ["line\nbreak"] = "nl",
                 ["[br]"] = "b", ["`tick`"] = "k", userID = 9 })
  op.upsert(T, { ["a b"] = 2, FirstName = "G" })
  op.update(T, { ["a b"] = 1, FirstName = "F2", ['q"uote'] = "q2" })
  op.delete(T, { ["a b"] = 2 })
  op.upsert("My Table", { ["Col Name"] = 1, ["x'); DELETE FROM t; --"] = "y" })
  op.upsert("My Table", { ["Col Name"] = 1, ["x'); DELETE FROM t; --"] = "y" })
  op.checkpoint({ ok = true })
end
LUA
run s.lua --output o --naming source
expect_exit 0
expect_out "SYNC SUCCEEDED"
expect_no_err "WARNING"

expect_sql o/warehouse.db "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_clua\\_%' ESCAPE '\\' ORDER BY name" \
'My Table
t
x"; DROP TABLE t; --'
expect_sql o/warehouse.db "SELECT replace(name, char(10), '<NL>') FROM pragma_table_info('x\"; DROP TABLE t; --') ORDER BY name" \
'FirstName
Robert'"'"'); DROP TABLE t;--
[br]
_fivetran_deleted
_fivetran_synced
`tick`
a b
it'"'"'s
line<NL>break
n%
q"uote
userID
ünï'
expect_sql o/warehouse.db "SELECT name FROM pragma_table_info('x\"; DROP TABLE t; --') WHERE pk > 0" "a b"
expect_sql o/warehouse.db "SELECT name FROM pragma_table_info('My Table') ORDER BY name" \
'Col Name
_fivetran_deleted
_fivetran_id
_fivetran_synced
x'"'"'); DELETE FROM t; --'

SQL=$(cat <<'SQL'
SELECT "a b", "ünï", "q""uote", FirstName, "n%", "it's", "Robert'); DROP TABLE t;--", "line
break", "[br]", "`tick`", "userID", _fivetran_deleted FROM "x""; DROP TABLE t; --" ORDER BY "a b"
SQL
)
expect_sql o/warehouse.db "$SQL" \
'1|u|q2|F2|5|5|bobby|nl|b|k|9|0
2|||G||||||||1'
expect_sql o/warehouse.db "SELECT count(*), sum(\"Col Name\") FROM \"My Table\"" "1|1"
# the table the names mention is whole
expect_sql o/warehouse.db "SELECT id, _fivetran_deleted FROM t" "1|0"
expect_sql o/warehouse.db "SELECT count(*) FROM _clua_columns WHERE table_name = 'x\"; DROP TABLE t; --' AND column_name IN ('a b', 'ünï', 'q\"uote', 'FirstName', 'it''s', 'userID')" "6"
expect_state o '{"ok":true}'

# A second run widens "n%" (schema) and "it's" (data): the table is rebuilt
# under its own name, the values converted.
echo '{"wide":true}' > wide.json
run s.lua --output o --naming source --configuration wide.json
expect_exit 0
expect_out "SchemaChanges  | 2"
expect_err 'widened column "n%" of table "x"; DROP TABLE t; --" from INT to LONG'
expect_err "widened column \"it's\" of table \"x\"; DROP TABLE t; --\" from LONG to STRING for a string value"
SQL=$(cat <<'SQL'
SELECT "a b", quote("n%"), quote("it's"), FirstName FROM "x""; DROP TABLE t; --" ORDER BY "a b"
SQL
)
expect_sql o/warehouse.db "$SQL" \
"1|5|'5'|F2
2|NULL|NULL|G
3|1099511627776|'now text'|"
expect_sql o/warehouse.db "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_clua\\_%' ESCAPE '\\' ORDER BY name" \
'My Table
t
x"; DROP TABLE t; --'
expect_sql o/warehouse.db "SELECT id FROM t" "1"

# The option's two spellings, and a wrong value.
run s.lua --output o2 --naming=source
expect_exit 0
expect_sql o2/warehouse.db "SELECT count(*) FROM sqlite_master WHERE name = 'x\"; DROP TABLE t; --'" "1"
run s.lua --output o3 --naming normalize
expect_exit 0
expect_sql o3/warehouse.db "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_clua\\_%' ESCAPE '\\' ORDER BY name" \
$'my_table\nt\nx_drop_table_t_'
run s.lua --output o4 --naming Source
expect_exit 2
expect_err "connector-lua: --naming takes normalize or source, not: Source"
expect_nothing_created o4
