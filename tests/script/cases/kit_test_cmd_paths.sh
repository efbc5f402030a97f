# connector-lua test refuses a path the library refuses as a sync does
# (cli_paths.sh): a usage error (exit 2) naming the flag, not the library's
# CLUA_OPT_ name, and not a failed sync (exit 1, "FAIL ...: the sync
# failed", as it was). Nothing runs, nothing is recorded, and the test's
# directory is removed.
mkdir tmp
export TMPDIR=$PWD/tmp
write ok.lua <<'LUA'
function update(configuration, state) op.upsert("t", { id = 1 }) end
LUA

for flag in --configuration --state --replay; do
  run test ok.lua --update "$flag" ""
  expect_exit 2
  expect_err "connector-lua test: $flag: empty path"
  expect_err "Try 'connector-lua test --help' for more."
  expect_no_err "CLUA_OPT"
  [ -s out ] && fail "$flag: stdout: $(cat out)"
done
long=$(printf 'd%.0s' $(seq 4100))
run test ok.lua --update --replay "$long"
expect_exit 2
expect_err "connector-lua test: --replay: path too long (4100 bytes, at most 4095)"
expect_no_err "CLUA_OPT"
[ -s out ] && fail "stdout: $(cat out)"
[ -z "$(ls -A tmp)" ] || fail "the test's directory was left behind: $(ls -A tmp)"
[ ! -e ok.expected.json ] || fail "an expected file was written"
[ ! -e ok.cassette.json ] || fail "a cassette was recorded"
