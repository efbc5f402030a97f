# A symbolic link, FIFO or device planted where the runtime keeps its
# database files is refused with a message naming it, and never followed:
# the file it points to stays as it was. (A link planted at warehouse.db to
# an empty file once had the database written into that file; links at the
# journal files failed with "unable to open database file".)
write s.lua <<'LUA'
function update(configuration, state) op.upsert("t", { id = 1 }) end
LUA
for f in warehouse.db warehouse.db-wal warehouse.db-shm warehouse.db-journal; do
  rm -rf o; mkdir o
  : > victim.txt
  ln -s ../victim.txt "o/$f"
  run s.lua --output o
  expect_exit 1
  severe_is "o/$f is a symbolic link, not a file: refusing to open it (remove it: the runtime opens only plain files there, never through a link)"
  [ -s victim.txt ] && fail "$f: the link's target was written"
  [ -L "o/$f" ] || fail "$f: the link was removed or replaced"
done

# A FIFO would block the open; a device would be written to.
rm -rf o; mkdir o; mkfifo o/warehouse.db-wal
run s.lua --output o
expect_exit 1
severe_is "o/warehouse.db-wal is a FIFO, not a file: refusing to open it (remove it: the runtime opens only plain files there, never through a link)"

# inspect refuses the same way, and reads nothing through the link.
rm -rf o
run s.lua --output o
expect_exit 0
printf 'SQLite format 3 but not really' > victim.txt
ln -s ../victim.txt o/warehouse.db-wal
run inspect --output o
expect_exit 3
expect_err "o/warehouse.db-wal is a symbolic link, not a file: refusing to open it"
expect_no_out "not really"
