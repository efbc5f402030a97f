# state.json is a readable copy of the saved state: brought up to date when
# a run starts and at each checkpoint, and left alone when it holds that
# state already (a connector whose state does not change costs no write
# and no rename per run). A stale, edited, linked or FIFO copy is replaced
# with a plain file at the start of the next run, even one that then fails.

write s.lua <<'LUA'
function update(configuration, state)
  if configuration.fail then error("stopped on purpose") end
  local n = state.n or 0
  if configuration.bump then n = n + 1 end
  op.upsert("t", { id = n })
  op.checkpoint({ n = n })
end
LUA
write bump.json <<< '{"bump": true}'
write fail.json <<< '{"fail": true}'

run s.lua --output o --configuration bump.json
expect_exit 0
expect_file_eq o/state.json '{"n":1}'
# A second name for the file: a replaced state.json is another file (an
# inode number alone could be reused by the replacement).
ln o/state.json seen.json
run s.lua --output o
expect_exit 0
expect_file_eq o/state.json '{"n":1}'
[ o/state.json -ef seen.json ] || fail "a run whose state did not change replaced state.json"

# An edited copy (same length, then another) is restored when the next run
# starts, though that run fails before any checkpoint.
printf '{"n":9}\n' > o/state.json
run s.lua --output o --configuration fail.json
expect_exit 1
expect_file_eq o/state.json '{"n":1}'
printf '{"n":1}' > o/state.json # no newline: not what the runtime writes
run s.lua --output o --configuration fail.json
expect_exit 1
[ "$(cat o/state.json; echo x)" = '{"n":1}
x' ] || fail "state.json without its newline was not rewritten: $(cat o/state.json)"

# A link to a file holding the state is replaced by a plain file (never
# followed); the file it pointed at is not touched.
printf '{"n":1}\n' > other.json
rm o/state.json && ln -s ../other.json o/state.json
run s.lua --output o --configuration fail.json
expect_exit 1
[ ! -L o/state.json ] || fail "state.json is still a symbolic link"
expect_file_eq o/state.json '{"n":1}'
expect_file_eq other.json '{"n":1}'
# A FIFO does not hold the run up: it is replaced too.
rm o/state.json && mkfifo o/state.json
timeout 20 "$CLUA" s.lua --output o > out 2> err
RC=$?
expect_exit 0
[ -f o/state.json ] || fail "state.json is not a plain file"
expect_file_eq o/state.json '{"n":1}'

# A new state is written.
run s.lua --output o --configuration bump.json
expect_exit 0
expect_file_eq o/state.json '{"n":2}'
