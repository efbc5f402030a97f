# inspect of an output directory it cannot use as SQLite needs: a link
# (named, not "unable to open database file"), a directory this user cannot
# write, a read-only file system (SQLite must create warehouse.db-wal and
# -shm beside a database in WAL mode to read it; it said only "unable to
# open database file" or "attempt to write a readonly database"). Split
# from hostile_inspect_names.sh, which runs against PostgreSQL too.
run "$ROOT/scripts/three.lua" --output o
expect_exit 0

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
# (A reader may leave empty -wal and -shm files, with which a reader
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
