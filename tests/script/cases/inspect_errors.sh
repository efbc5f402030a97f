# inspect's failures: no database (exit 3, naming the path and saying to
# run the connector first), an unknown TABLE (exit 2, listing the tables),
# a bad --limit and other usage errors (exit 2), a file that is not a
# connector-lua database. Nothing goes to stdout, nothing is created.

# fails STATUS MESSAGE ARGS...: connector-lua ARGS exits STATUS, stderr has MESSAGE, stdout is empty
fails() {
  local status=$1 msg=$2
  shift 2
  run "$@"
  expect_exit "$status"
  expect_err "$msg"
  [ -s out ] && fail "connector-lua $* wrote to stdout: $(cat out)"
}

# No database yet: exit 3, the path, the hint; no directory is made.
fails 3 "no database at files/three/warehouse.db" inspect "$ROOT/scripts/three.lua"
expect_err "run the connector first"
fails 3 "no database at never/made/warehouse.db" inspect --output never/made
fails 3 "no database at never/made/warehouse.db" inspect --output never/made sometable --json
[ -e files ] && fail "inspect created files/"
[ -e never ] && fail "inspect created never/"
# a directory without warehouse.db (reset leaves it so)
run "$ROOT/scripts/three.lua"
expect_exit 0
run reset "$ROOT/scripts/three.lua"
expect_exit 0
fails 3 "no database at files/three/warehouse.db" inspect --output files/three --json
[ -e files/three/warehouse.db ] && fail "inspect created warehouse.db"

# An unknown TABLE: exit 2 with the tables there are.
run "$ROOT/scripts/three.lua"
expect_exit 0
write two.lua <<'LUA'
function schema(configuration)
  return { { table = "b_table", primary_key = { "id" }, columns = { id = "INT" } },
           { table = "a_table", primary_key = { "id" }, columns = { id = "INT" } } }
end
function update(configuration, state) end
LUA
run two.lua --output two
expect_exit 0
fails 2 'no table "nope" in files/three/warehouse.db; its tables: three' inspect "$ROOT/scripts/three.lua" nope
fails 2 'no table "nope" in two/warehouse.db; its tables: a_table, b_table' inspect --output two nope --json
# our own tables are not user tables
fails 2 'no table "_clua_state" in two/warehouse.db; its tables: a_table, b_table' inspect --output two _clua_state
# a first run that failed leaves a database without tables or state
write empty.lua <<'LUA'
function update(configuration, state) error("boom") end
LUA
run empty.lua --output empty
expect_exit 1
fails 2 'no table "t" in empty/warehouse.db: it has no tables yet' inspect --output empty t
run inspect --output empty
expect_exit 0
expect_out "No tables yet."
expect_out "State: (none)"
run inspect --output empty --json
expect_exit 0
expect_sql :memory: "SELECT json_extract(CAST(readfile('out') AS TEXT), '\$.tables'), json_type(CAST(readfile('out') AS TEXT), '\$.state')" "[]|null"

# Bad --limit values and other usage errors: exit 2.
for bad in abc -1 "" 1x 1.5 " 3" 99999999999999999999999; do
  fails 2 "--limit takes a number of rows (0 or more), not: $bad" inspect --output files/three three --limit "$bad"
done
fails 2 "option needs a value: --limit" inspect --output files/three three --limit
fails 2 "--limit needs a TABLE (or --syncs)" inspect --output files/three --limit 5
fails 2 "inspect takes either --output DIR or SCRIPT" inspect
fails 2 "inspect takes either --output DIR or SCRIPT" inspect --json
fails 2 "unexpected argument: three" inspect --output files/three "$ROOT/scripts/three.lua" three
fails 2 "unexpected argument: extra" inspect "$ROOT/scripts/three.lua" three extra
fails 2 "unknown option: --jsonx" inspect --output files/three --jsonx
# --json and --limit belong to inspect
fails 2 "this option belongs to inspect: --json" "$ROOT/scripts/three.lua" --json
fails 2 "this option belongs to inspect: --limit" "$ROOT/scripts/three.lua" --limit 3
fails 2 "this option belongs to inspect: --json" reset --output files/three --json
[ -f files/three/warehouse.db ] || fail "a refused reset removed warehouse.db"

# --help lists inspect and its options.
run --help
expect_exit 0
expect_out "connector-lua inspect [--output DIR | SCRIPT] [TABLE] [options]"
expect_out "--limit N"
expect_out "--json"
awk '/inspect|--limit|--json|TABLE/ && length($0) > 80 { bad = 1 } END { exit bad }' out \
  || fail "--help has inspect lines over 80 characters"

# Not a connector-lua database: exit 3. Not a database at all: exit 1, naming the file.
mkdir -p plain
sqlite3 plain/warehouse.db "CREATE TABLE x(a); INSERT INTO x VALUES (1)"
fails 3 "plain/warehouse.db is not a connector-lua database" inspect --output plain
mkdir -p garbage
for i in $(seq 200); do echo "garbage garbage $i"; done > garbage/warehouse.db
cp garbage/warehouse.db garbage.copy
fails 1 "file is not a database (garbage/warehouse.db)" inspect --output garbage
fails 1 "file is not a database (garbage/warehouse.db)" inspect --output garbage t --json
cmp -s garbage.copy garbage/warehouse.db || fail "inspect changed garbage/warehouse.db"
mkdir -p dir/warehouse.db
fails 3 "dir/warehouse.db is not a database file" inspect --output dir
