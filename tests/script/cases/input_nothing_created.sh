# Bad input creates nothing: a missing or invalid script, configuration or
# state file is reported before the output directory, its .lock or its
# warehouse.db exist -- whether the directory is given, is the default
# files/<script name>, or exists already (empty).

write good.lua <<'LUA'
function update(configuration, state) op.upsert("t", { id = 1 }) end
LUA
write syntax.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 1 }
end
LUA
mkdir -p adir
printf '\033Lua\x54\x00garbage' > binary.lua
write conf/ok.json <<'EOF2'
{ "a": 1 }
EOF2
write conf/bad.json <<'EOF2'
{ "a": , }
EOF2
write conf/list.json <<'EOF2'
[1, 2]
EOF2
write conf/deep.json <<'EOF2'
{ "a": { "b": [1, 2, {"c": tru}] } }
EOF2

# nothing_created STATUS MESSAGE SCRIPT [options]: the run exits with STATUS,
# says MESSAGE, and leaves no trace: no o/, no files/<name>/, and nothing in
# the empty directory e/.
nothing_created() {
  local status=$1 msg=$2 script=$3 before=$FAILURES name
  shift 3
  name=$(basename "$script" .lua)
  rm -rf o e files
  run "$script" --output o "$@"
  expect_exit "$status"
  expect_out "SYNC FAILED"
  expect_err "$msg"
  expect_nothing_created o
  run "$script" "$@"
  expect_exit "$status"
  expect_nothing_created files
  mkdir e
  run "$script" --output e "$@"
  expect_exit "$status"
  expect_nothing_created_in e
  [ "$FAILURES" = "$before" ] || echo "  (in: nothing_created $status $script $*)" >&2
  :
}

nothing_created 3 "cannot read conf/none.json: No such file or directory" good.lua --configuration conf/none.json
nothing_created 3 "cannot read conf: it is a directory" good.lua --configuration conf
nothing_created 3 "configuration file conf/bad.json is not valid JSON: line 1, column 8" good.lua --configuration conf/bad.json
nothing_created 3 "configuration file conf/list.json must hold a JSON object ({...}), got an array" good.lua --configuration conf/list.json
nothing_created 3 "configuration file conf/deep.json is not valid JSON" good.lua --configuration conf/deep.json
nothing_created 3 "cannot read st/none.json: No such file or directory" good.lua --state st/none.json
nothing_created 3 "state file conf/bad.json is not valid JSON: line 1, column 8" good.lua --state conf/bad.json
nothing_created 3 "state file conf/list.json must hold a JSON object ({...}), got an array" good.lua --state conf/list.json
nothing_created 3 "cannot read script none.lua: No such file or directory" none.lua
nothing_created 3 "cannot read script adir: it is a directory" adir
nothing_created 1 "syntax.lua:3: ')' expected (to close '(' at line 2) near 'end'" syntax.lua
nothing_created 1 "binary.lua: attempt to load a binary chunk (mode is 't')" binary.lua
nothing_created 1 "binary.lua: attempt to load a binary chunk (mode is 't')" binary.lua --sandbox
# A good configuration with a bad script: still nothing.
nothing_created 1 "syntax.lua:3:" syntax.lua --configuration conf/ok.json --state conf/ok.json

# Good input: the run creates the directory and the database as before.
rm -rf o
run good.lua --output o --configuration conf/ok.json
expect_exit 0
expect_sql o/warehouse.db "SELECT id FROM t" "1"
expect_lock_file o

# --record does not start (and so empty) its cassette for bad input: a
# cassette recorded before is kept as it was, a new one is not created.
printf '{"connector_lua_cassette": 1, "exchanges": []}\n' > keep.json
cp keep.json keep.orig
rm -rf o
run good.lua --output o --configuration conf/bad.json --record keep.json
expect_exit 3
cmp -s keep.json keep.orig || fail "keep.json was changed: $(cat keep.json)"
run syntax.lua --output o --record new.json
expect_exit 1
[ ! -e new.json ] || fail "new.json was created"
expect_nothing_created o
# Good input records as before.
run good.lua --output o --record new.json
expect_exit 0
expect_err "recorded 0 HTTP exchanges in new.json"
