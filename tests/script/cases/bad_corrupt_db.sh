# A warehouse.db that is not a database (garbage written over it): the run
# fails with exit 1 and one message naming the file, does not crash, and
# leaves the file exactly as it found it.
# (good_db and damaged_run: tests/script/lib/damaged_db.sh.)

good_db
expect_sql o/warehouse.db "SELECT count(*) FROM t" "1"

# Text over the whole file.
for i in $(seq 200); do echo "garbage garbage garbage $i"; done > o/warehouse.db
damaged_run garbage.db
severe_is "cannot open o/warehouse.db: file is not a database"
cmp -s garbage.db o/warehouse.db || fail "o/warehouse.db was changed"
expect_state o '{"cursor":1}'

# The header's first bytes damaged, the rest intact.
good_db
printf 'SQLite format 9\000' | dd of=o/warehouse.db bs=1 conv=notrunc status=none
damaged_run header.db
severe_is "cannot open o/warehouse.db: file is not a database"
cmp -s header.db o/warehouse.db || fail "o/warehouse.db was changed"

# A database cut short: its first two pages only.
good_db
head -c 8192 o/warehouse.db > cut.db
cp cut.db o/warehouse.db
damaged_run cut.db
severe_is "cannot open o/warehouse.db: database disk image is malformed"
cmp -s cut.db o/warehouse.db || fail "o/warehouse.db was changed"
