# A full disk says so: "disk I/O error" alone (at open) gave no hint of
# what to do. A 1 MiB tmpfs stands in for the disk (this test needs root,
# as CI has; it fails, never skips, where it cannot mount one).
mkdir disk
trap 'umount "$WORK/disk" 2>/dev/null; rm -rf "$WORK"' EXIT
mount -t tmpfs -o size=1m tmpfs disk || fail "cannot mount a tmpfs for the full disk (needs root)"
write s.lua <<'LUA'
function update(configuration, state)
  for i = 1, 20000 do
    op.upsert("t", { id = i, v = string.rep("x", 100) })
    if i == 50 then op.checkpoint({ at = i }) end
  end
end
LUA
# Full at open: the database cannot even be made.
mkdir disk/o
dd if=/dev/zero of=disk/fill bs=1k count=1010 2> /dev/null
run s.lua --output disk/o
expect_exit 1
severe_is "cannot open disk/o/warehouse.db: disk I/O error: No space left on device"
# Full while writing: rolled back, the reason and the file named.
rm -f disk/fill
rm -rf disk/o
run s.lua --output disk/o
expect_exit 1
expect_err "database or disk is full (disk/o/warehouse.db)"
# The last checkpoint is kept, with its state; nothing after it.
expect_sql disk/o/warehouse.db "SELECT count(*), max(id) FROM t" "50|50"
expect_sql disk/o/warehouse.db "SELECT state FROM _clua_state" '{"at":50}'
umount disk
