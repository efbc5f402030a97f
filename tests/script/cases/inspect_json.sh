# inspect --json: the same information as the text, as one JSON document,
# checked with SQLite's JSON functions (no python or jq needed).
sync_documented

# expect_json PATH EXPECTED: json_extract(stdout, PATH) is EXPECTED
# (arrays and objects come back as compact JSON text).
expect_json() {
  expect_sql :memory: "SELECT json_extract(CAST(readfile('out') AS TEXT), '$1')" "$2"
}
# expect_json_type PATH TYPE: json_type(stdout, PATH) is TYPE.
expect_json_type() {
  expect_sql :memory: "SELECT json_type(CAST(readfile('out') AS TEXT), '$1')" "$2"
}
valid_json() {
  expect_sql :memory: "SELECT json_valid(CAST(readfile('out') AS TEXT))" "1"
  [ "$(wc -l < out)" = 1 ] || fail "the JSON is not one line"
}

# Without TABLE.
run inspect "$ROOT/scripts/three.lua" --json
expect_exit 0
[ -s err ] && fail "inspect --json wrote to stderr: $(cat err)"
valid_json
expect_json '$.database' "$(dest_name "$ROOT/scripts/three.lua")"
expect_json '$.tables[#-1].name' "three"
expect_sql :memory: "SELECT json_array_length(CAST(readfile('out') AS TEXT), '\$.tables')" "1"
expect_json '$.tables[0].rows' '{"live":4,"deleted":2}'
expect_json '$.tables[0].rows.live' 4
expect_json '$.tables[0].rows.deleted' 2
expect_json '$.tables[0].primary_key' '["id"]'
expect_json '$.tables[0].columns[0]' '{"name":"id","type":"STRING","precision":null,"scale":null,"primary_key":true}'
expect_sql :memory: "SELECT group_concat(json_extract(value, '\$.name') || ' ' || json_extract(value, '\$.type') || ' ' || json_extract(value, '\$.primary_key'), ', ') FROM json_each(CAST(readfile('out') AS TEXT), '\$.tables[0].columns')" \
  "id STRING 1, val1 STRING 0, val2 INT 0, _fivetran_synced UTC_DATETIME 0, _fivetran_deleted BOOLEAN 0"
expect_json_type '$.tables[0].columns[1].primary_key' "false"
expect_json '$.state' '{}'
expect_json_type '$.state' "object"
expect_json '$.state_saved_at' "$(sqlite3 $T "SELECT saved_at FROM _clua_state")"

run inspect --output files/records_without_created_at --json
expect_exit 0
valid_json
expect_json '$.tables[0].name' "user"
expect_json '$.tables[0].rows' '{"live":3,"deleted":0}'
expect_json '$.tables[0].primary_key' '["id","updated_at"]'
expect_sql :memory: "SELECT group_concat(json_extract(value, '\$.name') || ' ' || json_extract(value, '\$.type') || ' ' || json_extract(value, '\$.primary_key'), ', ') FROM json_each(CAST(readfile('out') AS TEXT), '\$.tables[0].columns')" \
  "id INT 1, updated_at UTC_DATETIME 1, designation STRING 0, first_name STRING 0, last_name STRING 0, _fivetran_synced UTC_DATETIME 0, _fivetran_deleted BOOLEAN 0"

# The state is embedded as the JSON value it is, 64-bit integers exact.
write s.json <<'EOF'
{"cursor": 9223372036854775807, "low": -9223372036854775808, "list": [1, "two", null], "s": "a\"b\\c é"}
EOF
run "$ROOT/scripts/records_without_created_at.lua" --state s.json
expect_exit 0
run inspect --output files/records_without_created_at --json
expect_exit 0
valid_json
expect_out '"state":{"cursor":9223372036854775807,"list":[1,"two",null],"low":-9223372036854775808,"s":"a\"b\\c é"}'
expect_json '$.state.s' 'a"b\c é'
expect_json_type '$.state.cursor' "integer"
expect_json '$.state.list[1]' "two"

# With TABLE: column names, typed values, newest first, shown and total.
run inspect "$ROOT/scripts/three.lua" three --json --limit 4
expect_exit 0
valid_json
expect_json '$.table' "three"
expect_json '$.columns' '["id","val1","val2","_fivetran_synced","_fivetran_deleted"]'
expect_json '$.shown' 4
expect_json '$.total' 6
expect_sql :memory: "SELECT json_array_length(CAST(readfile('out') AS TEXT), '\$.rows')" "4"
expect_json_type '$.rows[0][0]' "text"
expect_json_type '$.rows[0][2]' "integer"
expect_json_type '$.rows[0][4]' "integer"
# the same rows, in the same order, as SQLite's newest-first query
got=$(sqlite3 :memory: "SELECT json_extract(value, '\$[0]') || '|' || json_extract(value, '\$[1]') || '|' || json_extract(value, '\$[2]') || '|' || json_extract(value, '\$[3]') || '|' || json_extract(value, '\$[4]') FROM json_each(CAST(readfile('out') AS TEXT), '\$.rows')")
want=$(sqlite3 $T "SELECT id, val1, val2, _fivetran_synced, _fivetran_deleted FROM three ORDER BY _fivetran_synced DESC, id DESC LIMIT 4")
[ "$got" = "$want" ] || { fail "JSON rows differ from the table"; printf -- '--- expected:\n%s\n--- got:\n%s\n' "$want" "$got" >&2; }

run inspect --output files/records_without_created_at user --json
expect_exit 0
valid_json
expect_json '$.rows[2]' '[123,"2007-12-03T10:15:30.000Z","Manager","John","Doe","'"$(sqlite3 $U "SELECT _fivetran_synced FROM user LIMIT 1")"'",0]'
expect_json '$.shown' 3
expect_json '$.total' 3

# --limit 0 still gives a well-formed document.
run inspect --output files/three three --json --limit 0
expect_exit 0
valid_json
expect_json '$.rows' '[]'
expect_json '$.shown' 0
expect_json '$.total' 6
