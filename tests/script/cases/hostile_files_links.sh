# Links, FIFOs and devices planted where the runtime keeps its own files
# (.lock, state.json and its temporary state.json.tmp, the output directory
# and its path) are never followed, truncated, written or read: each is
# refused with a message naming it and what it is, and what a link points to
# stays byte for byte as it was. (The database and its journal files:
# hostile_links.sh.) Also: an input read from a FIFO ends with the signal's
# exit status when SIGTERM or SIGINT comes while it waits.
write s.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = (state.n or 0) + 1 })
  op.checkpoint({ n = (state.n or 0) + 1 })
end
LUA
REFUSED="refusing to open it (remove it: the runtime opens only plain files there, never through a link)"

# victim: a file outside the output directory that must never change.
victim() { printf 'secret \033]0;title\007 not yours\n' > victim.txt; cp victim.txt victim.orig; }
victim_unchanged() { cmp -s victim.txt victim.orig || fail "$1: victim.txt was changed"; }

# ---- .lock ------------------------------------------------------------------
# A symbolic link: once, the pid was written into its target (reset too).
rm -rf o; mkdir o; victim
ln -s ../victim.txt o/.lock
run s.lua --output o
expect_exit 1
severe_is "o/.lock is a symbolic link, not a file: $REFUSED"
expect_out "SYNC FAILED"
victim_unchanged ".lock link, sync"
[ -L o/.lock ] || fail "the link at o/.lock was removed"
[ ! -e o/warehouse.db ] || fail "the database was created although the lock was refused"
run reset --output o
expect_exit 1
expect_err "o/.lock is a symbolic link, not a file: $REFUSED"
victim_unchanged ".lock link, reset"

# A link to a device: not even opened.
rm -rf o; mkdir o; ln -s /dev/null o/.lock
run s.lua --output o
expect_exit 1
severe_is "o/.lock is a symbolic link, not a file: $REFUSED"

# A hard link: O_NOFOLLOW does not see it, the count of names does.
rm -rf o; mkdir o; victim
ln victim.txt o/.lock
run s.lua --output o
expect_exit 1
severe_is "o/.lock is a file with 2 names (a hard link to another file): $REFUSED"
victim_unchanged ".lock hard link"

# A FIFO and a directory.
rm -rf o; mkdir o; mkfifo o/.lock
run s.lua --output o
expect_exit 1
severe_is "o/.lock is a FIFO, not a file: $REFUSED"
rm -rf o; mkdir -p o/.lock
run s.lua --output o
expect_exit 1
severe_is "o/.lock is a directory, not a file: $REFUSED"

# Busy: the message names the holder's pid, and never shows what the file
# holds otherwise (it once printed the first bytes of a link's target).
rm -rf o; mkdir o
printf '\033]0;pwned\007 not a pid' > o/.lock
flock -o o/.lock sleep 5 &
holder=$!
sleep 0.3
run s.lua --output o
expect_exit 4
severe_is "another connector-lua run (pid unknown) is using o; wait for it to finish"
grep -q "pwned" err && fail "the lock file's content was printed"
kill "$holder" 2> /dev/null; wait "$holder" 2> /dev/null
# ... the same through a link: refused before its target is looked at.
rm -rf o; mkdir o; victim
ln -s ../victim.txt o/.lock
flock -o victim.txt sleep 5 &
holder=$!
sleep 0.3
run s.lua --output o
expect_exit 1
grep -q "secret" err && fail "the link's target was printed"
victim_unchanged ".lock link, busy"
kill "$holder" 2> /dev/null; wait "$holder" 2> /dev/null

# ---- state.json.tmp -----------------------------------------------------------
# A link there had the state written into its target, and then became
# state.json itself; a FIFO there hung the run for ever.
rm -rf o; mkdir o; victim
ln -s ../victim.txt o/state.json.tmp
run s.lua --output o
expect_exit 0
victim_unchanged "state.json.tmp link"
[ -L o/state.json ] && fail "o/state.json became a link"
expect_state o '{"n":1}'
[ ! -e o/state.json.tmp ] || fail "o/state.json.tmp was left behind"
rm -rf o; mkdir o; mkfifo o/state.json.tmp
timeout 20 "$CLUA" s.lua --output o > out 2> err
RC=$?
expect_exit 0
expect_state o '{"n":1}'
rm -rf o; mkdir o; ln -s /dev/null o/state.json.tmp
timeout 20 "$CLUA" s.lua --output o > out 2> err
RC=$?
expect_exit 0
expect_state o '{"n":1}'
rm -rf o; mkdir -p o/state.json.tmp
run s.lua --output o
expect_exit 1
severe_is "s.lua:3: op.checkpoint: cannot write o/state.json.tmp: it is a directory"

# ---- state.json ---------------------------------------------------------------
# Replaced by rename, which acts on the name: a link, FIFO or device there
# is replaced by the new file, and what it pointed to is not touched.
rm -rf o; mkdir o; victim
ln -s ../victim.txt o/state.json
run s.lua --output o
expect_exit 0
victim_unchanged "state.json link"
[ ! -L o/state.json ] || fail "o/state.json is still a link"
expect_state o '{"n":1}'
rm -rf o; mkdir o; mkfifo o/state.json
timeout 20 "$CLUA" s.lua --output o > out 2> err
RC=$?
expect_exit 0
expect_state o '{"n":1}'

# ---- the output directory and its path ----------------------------------------
# A link as the output directory: its target once got a .lock before
# SQLite refused the path ("unable to open database file"); reset through
# it removed the target's warehouse.db and state.json.
rm -rf o elsewhere; mkdir elsewhere; victim
cp victim.txt elsewhere/state.json; cp victim.txt elsewhere/warehouse.db
ln -s elsewhere o
run s.lua --output o
expect_exit 1
severe_is "cannot use o as the output directory: o is a symbolic link, and the runtime never opens its files through one (give the real path, as readlink -f o prints it)"
[ "$(ls -A elsewhere | tr '\n' ' ')" = "state.json warehouse.db " ] || fail "elsewhere changed: $(ls -A elsewhere)"
run s.lua --output o/
expect_exit 1
expect_err "o is a symbolic link"
run reset --output o
expect_exit 1
expect_err "cannot use o as the output directory: o is a symbolic link"
cmp -s elsewhere/state.json victim.orig && cmp -s elsewhere/warehouse.db victim.orig ||
  fail "reset through a link removed or changed the target's files"
# A link further up: nothing is created below it.
run s.lua --output o/sub
expect_exit 1
severe_is "cannot use o/sub as the output directory: o is a symbolic link, and the runtime never opens its files through one (give the real path, as readlink -f o prints it)"
[ ! -e elsewhere/sub ] || fail "a directory was created through the link"
rm o

# A file as the output directory or above it.
victim; cp victim.txt o
run s.lua --output o
expect_exit 1
severe_is "cannot use o as the output directory: it is a file, not a directory"
run s.lua --output o/sub
expect_exit 1
severe_is "cannot use o/sub as the output directory: o is a file, not a directory"
run reset --output o
expect_exit 1
expect_err "cannot use o as the output directory: it is a file, not a directory"
victim_unchanged "o a file"
cmp -s o victim.orig || fail "the file at o was changed"
rm o

# ---- an input read from a FIFO, then a signal ----------------------------------
# It waited for a writer and ended with exit 3 "Interrupted system call".
# signal_while_reading SIGNAL STATUS OPTION: connector-lua waits on a FIFO
# given to OPTION; SIGNAL ends it with STATUS, the summary and SYNC FAILED.
signal_while_reading() {
  local before=$FAILURES what=${3#--}
  rm -f in.fifo; mkfifo in.fifo
  signal_soon "$1" s.lua "$3" in.fifo --output f
  expect_exit "$2"
  severe_is "interrupted by SIG$1 while reading the $what file in.fifo"
  expect_out "SYNC FAILED"
  [ ! -e f ] || fail "the output directory was created"
  [ "$FAILURES" = "$before" ] || echo "  (in: signal_while_reading $*)" >&2
}
signal_while_reading TERM 143 --configuration
signal_while_reading INT 130 --state
# ... and while it reads: a writer has sent part of the file and waits.
rm -f in.fifo; mkfifo in.fifo
{ printf '{"a":'; sleep 5; } > in.fifo &
writer=$!
signal_soon TERM s.lua --configuration in.fifo --output f
expect_exit 143
severe_is "interrupted by SIGTERM while reading the configuration file in.fifo"
kill "$writer" 2> /dev/null; wait "$writer" 2> /dev/null
# A FIFO with a writer is read as before.
echo '{"a": 1}' > in.fifo &
run s.lua --configuration in.fifo --output f
expect_exit 0
:
