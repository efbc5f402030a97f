# Paths the command is given are checked as the library checks them, and a
# refusal is a usage error (exit 2) in the command's words: "connector-lua:"
# and the flag, not the library's CLUA_OPT_ name. An empty path means
# nothing in any entry point (sync, reset, inspect) and is refused alike.

write ok.lua <<'LUA'
function update(configuration, state) op.upsert("t", { id = 1 }) end
LUA

for flag in --output --configuration --state --record --replay; do
  run ok.lua "$flag" ""
  expect_exit 2
  expect_err "connector-lua: $flag: empty path"
  expect_no_err "CLUA_OPT"
done
run ""
expect_exit 2
expect_err "connector-lua: SCRIPT: empty path"
run reset --output ""
expect_exit 2
expect_err "connector-lua: --output: empty path"
run reset ""
expect_exit 2
expect_err "connector-lua: SCRIPT: empty path"
run inspect --output ""
expect_exit 2
expect_err "connector-lua: --output: empty path"
expect_no_err "CLUA_OPT"
[ ! -e files ] || fail "a refused path made files/"
