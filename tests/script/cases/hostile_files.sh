# Hostile files: a corrupted state.json, a damaged saved state, a damaged
# warehouse.db, and scripts that are a directory, empty, random bytes, a
# fake or real precompiled chunk. None may crash: each run ends with a
# documented exit status (never a signal) and one clear message, or works.
#
# The saved state lives in the database (_clua_state); state.json is only a
# copy, so a corrupted state.json changes nothing and is rewritten at the
# next checkpoint.

# no_crash: the last run ended with a documented status and no sanitizer report.
no_crash() {
  case "$RC" in 0 | 1 | 2 | 3 | 4 | 5) ;; *) fail "exit status $RC is not a documented one"; show_output ;; esac
  ! grep -qE "Sanitizer|runtime error:|unprotected Lua error" err || { fail "crash report"; show_output; }
}

# Each run adds one page of 1000 rows and counts the runs in the state.
write pages.lua <<'LUA'
function update(configuration, state)
  local n = (state.n or 0) + 1
  log.info("run " .. n)
  for i = 1, 1000 do op.upsert("t", { id = (n - 1) * 1000 + i, v = string.rep("v", 200) }) end
  op.checkpoint({ n = n })
end
LUA
run pages.lua --output o
expect_exit 0
expect_state o '{"n":1}'

# ---- state.json ------------------------------------------------------------
# state_json_is CONTENT: with o/state.json replaced by CONTENT, the run goes
# on from the saved state and rewrites state.json.
state_json_is() {
  local before=$FAILURES n
  n=$(sqlite3 o/warehouse.db "SELECT json_extract(state, '\$.n') FROM _clua_state")
  printf '%s' "$1" > o/state.json
  run pages.lua --output o
  no_crash
  expect_exit 0
  expect_err "INFO     run $((n + 1))"
  expect_state o "{\"n\":$((n + 1))}"
  [ "$FAILURES" = "$before" ] || echo "  (in: state_json_is $1)" >&2
  :
}
state_json_is 'garbage{{{'
state_json_is ''
state_json_is '[1,2,3]'
state_json_is '{"n": 1000}'
state_json_is "$(printf '\xff\xfe\x01\x7f%.0s' $(seq 100))"
rm o/state.json
run pages.lua --output o
expect_exit 0
expect_state o '{"n":7}'
# A symbolic link is replaced, not written through.
mkdir -p elsewhere
echo "not yours" > elsewhere/victim.txt
rm o/state.json
ln -s ../elsewhere/victim.txt o/state.json || fail "cannot make the link"
run pages.lua --output o
expect_exit 0
expect_file_eq elsewhere/victim.txt "not yours"
[ ! -L o/state.json ] || fail "o/state.json is still a symbolic link"
expect_state o '{"n":8}'
# A directory in its place: the checkpoint is committed to the database, but
# the copy cannot be written, and the run says so (exit 1).
rm o/state.json
mkdir o/state.json
run pages.lua --output o
no_crash
expect_exit 1
severe_is "pages.lua:5: op.checkpoint: cannot replace o/state.json: Is a directory"
expect_sql o/warehouse.db "SELECT state FROM _clua_state" '{"n":9}'
rmdir o/state.json
run pages.lua --output o
expect_exit 0
expect_state o '{"n":10}'

# ---- the saved state in the database ----------------------------------------
dump_db o/warehouse.db > before.sql
# saved_state_is SQL MESSAGE: with the saved state set to SQL, the run
# stops before the script (exit 3) with MESSAGE; nothing changes.
saved_state_is() {
  local before=$FAILURES
  sqlite3 o/warehouse.db "UPDATE _clua_state SET state = $1"
  dump_db o/warehouse.db > damaged.sql
  run pages.lua --output o
  no_crash
  expect_exit 3
  severe_is "state saved in o/warehouse.db $2"
  expect_no_err "INFO     run"
  [ "$(dump_db o/warehouse.db)" = "$(cat damaged.sql)" ] || fail "the database changed"
  [ "$FAILURES" = "$before" ] || echo "  (in: saved_state_is $1)" >&2
  :
}
saved_state_is "'not json{'" "is not valid JSON: line 1, column 1: invalid literal, expected null"
saved_state_is "'[1,2]'" "must hold a JSON object ({...}), got an array"
saved_state_is "'\"text\"'" "must hold a JSON object ({...}), got a string"
saved_state_is "x'00ff'" "is not valid JSON: line 1, column 1: expected a value, found byte 0x00"
saved_state_is "''" "is not valid JSON: line 1, column 1: empty input"
# --state FILE gets past it, and its checkpoint replaces the damaged state.
printf '{"n": 9}' > resume.json
run pages.lua --output o --state resume.json
expect_exit 0
expect_sql o/warehouse.db "SELECT state FROM _clua_state" '{"n":10}'
# No saved state at all (the row deleted): the run starts from {}.
sqlite3 o/warehouse.db "DELETE FROM _clua_state"
run pages.lua --output o
expect_exit 0
expect_err "INFO     run 1"

# ---- warehouse.db ----------------------------------------------------------
rm -rf o
run pages.lua --output o
run pages.lua --output o
expect_state o '{"n":2}'
sqlite3 o/warehouse.db "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
cp o/warehouse.db good.db
# damaged SETUP MESSAGE_RE [FROM COUNT]: with warehouse.db as SETUP (shell
# code) leaves it, the run fails (exit 1) with one SEVERE line matching
# MESSAGE_RE, and leaves the file as it found it; `reset` then lets a run
# start afresh. With FROM COUNT (4096-byte pages from page FROM, 0-based),
# damage the catalogue does not see: the run is recorded in the journal of
# syncs before the script meets it, so only those pages must be unchanged.
damaged() {
  local before=$FAILURES
  rm -rf o/warehouse.db o/warehouse.db-wal o/warehouse.db-shm
  cp good.db o/warehouse.db
  eval "$1"
  cp o/warehouse.db damaged.db
  run pages.lua --output o
  no_crash
  expect_exit 1
  expect_out "SYNC FAILED"
  [ "$(grep -c ' SEVERE ' err)" = 1 ] && grep -qE "SEVERE   $2\$" err || { fail "no one SEVERE line matching: $2"; show_output; }
  if [ $# -lt 4 ]; then
    cmp -s damaged.db o/warehouse.db || fail "the damaged o/warehouse.db was changed"
  else
    sqlite3 o/warehouse.db "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null 2>&1
    cmp -s <(dd if=damaged.db bs=4096 skip="$3" count="$4" status=none) \
      <(dd if=o/warehouse.db bs=4096 skip="$3" count="$4" status=none) ||
      fail "the damaged pages of o/warehouse.db were changed"
  fi
  [ "$FAILURES" = "$before" ] || echo "  (in: damaged $1)" >&2
  :
}
PAGES=$(sqlite3 good.db "PRAGMA page_count")
damaged 'for i in $(seq 300); do echo "garbage $i"; done > o/warehouse.db' \
  "cannot open o/warehouse.db: file is not a database"
damaged 'python3 -c "open(\"o/warehouse.db\", \"r+b\").truncate(4096 * 10)"' \
  "cannot open o/warehouse.db: database disk image is malformed"
damaged 'python3 -c "f = open(\"o/warehouse.db\", \"r+b\"); f.seek(4096); f.write(b\"\\xaa\" * 4096 * 3)"' \
  ".*database disk image is malformed.*o/warehouse.db.*"
damaged 'python3 -c "f = open(\"o/warehouse.db\", \"r+b\"); f.seek(4096 * ($PAGES - 60)); f.write(b\"\\xaa\" * 4096 * 60)"' \
  ".*database disk image is malformed.*o/warehouse.db.*" $((PAGES - 60)) 60
# A directory in its place.
rm -f o/warehouse.db
mkdir o/warehouse.db
run pages.lua --output o
no_crash
expect_exit 1
severe_is "o/warehouse.db is a directory, not a file: refusing to open it (remove it: the runtime opens only plain files there, never through a link)"
rmdir o/warehouse.db
# After reset the next run starts afresh.
run reset --output o
expect_exit 0
run pages.lua --output o
expect_exit 0
expect_err "INFO     run 1"
# An empty file is an empty SQLite database: the run starts from {} (the
# database is the truth, whatever state.json says).
: > o/warehouse.db
rm -f o/warehouse.db-wal o/warehouse.db-shm
run pages.lua --output o
expect_exit 0
expect_err "INFO     run 1"
# A garbage write-ahead log is ignored (its checksums do not match).
rm -f o/warehouse.db-wal o/warehouse.db-shm
cp good.db o/warehouse.db
printf 'garbage%.0s' $(seq 200) > o/warehouse.db-wal
run pages.lua --output o
no_crash
expect_exit 0
expect_err "INFO     run 3"
expect_sql o/warehouse.db "SELECT count(*) FROM t" "3000"

# ---- the script ------------------------------------------------------------
# bad_script FILE STATUS MESSAGE [options]: running FILE ends with STATUS and
# the one SEVERE line MESSAGE, with and without --sandbox.
bad_script() {
  local file=$1 status=$2 msg=$3 before=$FAILURES sb
  shift 3
  for sb in "" --sandbox; do
    rm -rf s
    run "$file" --output s $sb "$@"
    no_crash
    expect_exit "$status"
    expect_out "SYNC FAILED"
    severe_is "$msg"
  done
  [ "$FAILURES" = "$before" ] || echo "  (in: bad_script $file)" >&2
  :
}
mkdir -p dir.lua
bad_script dir.lua 3 "cannot read script dir.lua: it is a directory"
bad_script missing.lua 3 "cannot read script missing.lua: No such file or directory"
: > empty.lua
bad_script empty.lua 1 "empty.lua: no update(configuration, state) function: define it as a global or in the table the script returns"
printf '\n\n   \n' > blank.lua
bad_script blank.lua 1 "blank.lua: no update(configuration, state) function: define it as a global or in the table the script returns"
# Random bytes (fixed ones, so that the message is too).
python3 -c 'import random, sys; r = random.Random(7); sys.stdout.buffer.write(bytes([0x80]) + bytes(r.randrange(256) for _ in range(4000)))' > random.lua
bad_script random.lua 1 "random.lua:1: unexpected symbol near '<\\128>'"
printf 'function update() end\n\0\1\2' > nul.lua
bad_script nul.lua 1 "nul.lua:2: unexpected symbol"
# Something that claims to be a precompiled chunk, and a real one made by
# string.dump (written by a helper connector).
printf '\033LuaT\0garbage' > fake.lua
bad_script fake.lua 1 "fake.lua: attempt to load a binary chunk (mode is 't')"
write dumper.lua <<'LUA'
function update(configuration, state)
  local f = assert(load('function update(c, s) op.upsert("t", { id = 1 }) end'))
  local out = assert(io.open("dumped.lua", "wb"))
  out:write(string.dump(f))
  out:close()
end
LUA
run dumper.lua --output d
expect_exit 0
[ "$(head -c 4 dumped.lua | od -An -c | tr -d ' ')" = '033Lua' ] || fail "dumped.lua is not a precompiled chunk"
bad_script dumped.lua 1 "dumped.lua: attempt to load a binary chunk (mode is 't')"
# A script whose update is not a function, or that fails while loading.
printf 'update = 42\n' > notfn.lua
bad_script notfn.lua 1 "notfn.lua: update must be a function, got number"
printf 'error("refusing to load")\n' > loaderr.lua
bad_script loaderr.lua 1 "loaderr.lua:1: refusing to load"
printf 'return 42\n' > retnum.lua
bad_script retnum.lua 1 "retnum.lua: no update(configuration, state) function: define it as a global or in the table the script returns"
# A first line starting with # and a UTF-8 byte-order mark are skipped, as
# the lua command does.
printf '#!/usr/bin/env connector-lua\nfunction update() op.upsert("t", { id = 1 }) end\n' > shebang.lua
printf '\357\273\277function update() op.upsert("t", { id = 1 }) end\n' > bom.lua
for f in shebang.lua bom.lua; do
  rm -rf s
  run "$f" --output s --sandbox
  expect_exit 0
  expect_sql s/warehouse.db "SELECT id FROM t" "1"
done
