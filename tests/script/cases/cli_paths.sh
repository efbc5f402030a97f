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

# Only what must fit a buffer has a cap: the output directory (its files'
# paths are built in it), 4000 bytes, refused rather than cut, by reset too.
# An input file of any length is tried, and fails as the system says
# (exit 3, as a missing file).
long=$(printf 'd%.0s' $(seq 4050))
run ok.lua --output "$long"
expect_exit 2
expect_err "connector-lua: --output: path too long (4050 bytes, at most 4000)"
expect_no_err "CLUA_OPT"
run reset --output "$long"
expect_exit 2
expect_err "connector-lua: --output: path too long (4050 bytes, at most 4000)"
run inspect --output "$long"
expect_exit 2
expect_err "connector-lua: --output: path too long (4050 bytes, at most 4000)"
for flag in --configuration --state --replay; do
  run ok.lua --output out "$flag" "$long"
  expect_exit 3
  expect_err "cannot read ddd"
  expect_no_err "CLUA_OPT"
done
# The cassette keeps its path: one the system could never open is refused.
run ok.lua --output out --record "$long$long"
expect_exit 2
expect_err "connector-lua: --record: path too long (8100 bytes, at most 4095)"
