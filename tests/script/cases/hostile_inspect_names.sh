# inspect prints what a database holds, and a database holds what scripts
# and servers sent: a table or column name, a value or a state with ESC [31m,
# an OSC window title (ESC ] 0; ... BEL) or an 8-bit CSI (U+009B) must reach
# the terminal as text, in the overview, in the rows, in JSON and in the
# messages (they were printed raw everywhere but inspect TABLE's cells).
# Also: inspect where the database's directory cannot be written says why.
write n.lua <<'LUA'
function update(configuration, state)
  op.upsert("\27]0;pwned\7tbl", { id = 1, ["\27[31mred"] = "x\27[2Jy", ["c\u{9b}31m"] = 1 })
  op.checkpoint({ s = "\u{9b}31mX\27[0m" })
end
LUA
run n.lua --naming source --output o
expect_exit 0

# no_controls FILE: FILE holds no ESC, BEL, DEL or C1 control (UTF-8 or 8-bit).
no_controls() {
  if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]\|\xc2[\x80-\x9f]' "$1"; then
    fail "$1 holds control characters:"; cat -v "$1" >&2
  fi
}

# The overview: every name, and the state, escaped as inspect TABLE escapes values.
run inspect --output o
expect_exit 0
no_controls out
expect_out 'Table \x1b]0;pwned\x07tbl: 1 live row, 0 deleted'
expect_out '  \x1b[31mred  '
expect_out '  c\xc2\x9b31m  '
expect_out 'State (saved '
expect_out '): {"s":"\xc2\x9b31mX\u001b[0m"}'

# JSON: the same names and state, as JSON escapes (\u001b, \u009b).
run inspect --output o --json
expect_exit 0
no_controls out
python3 - out <<'PY' || fail "inspect --json does not give back the names and the state"
import json, sys
d = json.load(open(sys.argv[1]))
t = d["tables"][0]
assert t["name"] == "\x1b]0;pwned\x07tbl", t["name"]
names = {c["name"] for c in t["columns"]}
assert {"\x1b[31mred", "c\x9b31m"} <= names, names
assert d["state"] == {"s": "\x9b31mX\x1b[0m"}, d["state"]
PY

# The rows (escaped before), and a message that lists the tables.
run inspect --output o "$(printf '\033]0;pwned\007tbl')"
expect_exit 0
no_controls out
expect_out '| x\x1b[2Jy '
run inspect --output o nosuch
expect_exit 2
no_controls err
expect_err 'no table "nosuch" in o/warehouse.db; its tables: \x1b]0;pwned\x07tbl'
run inspect --output o "$(printf 'no\033[2Jsuch')"
expect_exit 2
no_controls err
expect_err 'no table "no\x1b[2Jsuch"'

# A link as the output directory: named, not "unable to open database file".
ln -s o lo
run inspect --output lo
expect_exit 3
expect_err "connector-lua: cannot use lo as the output directory: lo is a symbolic link, and the runtime never opens its files through one (give the real path, as readlink -f lo prints it)"
rm lo

# ---- a directory inspect cannot write to ----------------------------------
# SQLite must create warehouse.db-wal and -shm beside a database in WAL mode
# to read it; it said only "unable to open database file" or "attempt to
# write a readonly database".
COPY='or inspect a copy: cp -r o /tmp/copy && connector-lua inspect --output /tmp/copy)'
NEEDS='and SQLite must create warehouse.db-wal and warehouse.db-shm there to read a database in WAL mode'
# (The readers above left empty -wal and -shm files, with which a reader
# needs no write: removed, as a sync's end removes them.)
rm -f o/warehouse.db-wal o/warehouse.db-shm
chmod 555 o
if [ "$(id -u)" != 0 ]; then
  run inspect --output o
  expect_exit 1
  expect_err "connector-lua: cannot read o/warehouse.db: o is not writable by this user, $NEEDS (inspect needs write permission on the directory, $COPY"
elif command -v setpriv > /dev/null; then
  # root writes anyway: ask as nobody, who can read but not write o.
  chmod o+rx . && chmod o+r o/warehouse.db
  setpriv --reuid=65534 --regid=65534 --clear-groups "$CLUA" inspect --output o > out 2> err
  RC=$?
  if grep -q "Permission denied" err && ! grep -q "o/warehouse.db" err; then
    echo "(skipped: nobody cannot run $CLUA here)" >&2
  else
    expect_exit 1
    expect_err "connector-lua: cannot read o/warehouse.db: o is not writable by this user, $NEEDS (inspect needs write permission on the directory, $COPY"
  fi
fi
chmod 755 o
# A read-only file system: a read-only bind mount where root may make one.
if [ "$(id -u)" = 0 ] && unshare -m true 2> /dev/null; then
  unshare -m sh -c 'mount --bind o o && mount -o remount,ro,bind o && exec "$0" inspect --output o' \
    "$CLUA" > out 2> err
  RC=$?
  if grep -q "^mount:\|^unshare:" err; then
    echo "(skipped: no read-only bind mount here)" >&2
  else
    expect_exit 1
    expect_err "connector-lua: cannot read o/warehouse.db: o is on a read-only file system, $NEEDS (mount it writable, $COPY"
  fi
fi
# Writable again: inspect reads it.
run inspect --output o
expect_exit 0
:
