# Tables without a primary key (README "schema(configuration)"): undeclared tables and tables
# declared without primary_key get a `_fivetran_id` TEXT primary key, a
# deterministic XXH3-128 hash (32 lowercase hex digits) of the row's column
# names and typed values. Identical rows are one row, in one run, across
# runs and in another output directory; a different value is another row.

write ids.lua <<'LUA'
function schema(configuration)
  return { { table = "decl", columns = { name = "STRING", n = "INT", price = "DOUBLE", raw = "BINARY" } } }
end
function update(configuration, state)
  op.upsert("free", { a = 1, b = "x" })
  op.upsert("free", { b = "x", a = 1 })                -- the same row
  op.upsert("free", { a = 1, b = "x", c = json.null }) -- a null is no value: the same row
  op.upsert("free", { a = 2, b = "x" })                -- another value
  op.upsert("free", { a = 1 })                         -- fewer columns
  op.upsert("decl", { name = "a", n = 1 })
  op.upsert("decl", { name = "a", n = 1.0 })           -- INT makes 1.0 the integer 1: the same
  op.upsert("decl", { name = "a", n = 2 })
  op.upsert("decl", { name = 1 })                      -- STRING makes 1 the text "1" ...
  op.upsert("decl", { name = "1" })                    -- ... so this is the same row
  op.upsert("decl", { price = 1.5, raw = "\0\1" })
  op.checkpoint({ run = 1 })
end
LUA
run ids.lua --output o
expect_exit 0
expect_out "Upserts        | 11"
expect_sql o/warehouse.db "SELECT count(*) FROM free" "3"
expect_sql o/warehouse.db "SELECT count(*) FROM decl" "4"
expect_sql o/warehouse.db "SELECT quote(a), quote(b) FROM free ORDER BY a, b" $'1|NULL\n1|\'x\'\n2|\'x\''
# the key: _fivetran_id, TEXT, declared by the runtime; 32 lowercase hex digits
for t in free decl; do
  expect_sql o/warehouse.db "SELECT name, type FROM pragma_table_info('$t') WHERE pk > 0" "_fivetran_id|TEXT"
  expect_sql o/warehouse.db "SELECT logical_type, primary_key FROM _clua_columns WHERE table_name = '$t' AND column_name = '_fivetran_id'" "STRING|1"
  expect_sql o/warehouse.db "SELECT count(*) FROM $t WHERE typeof(_fivetran_id) = 'text' AND length(_fivetran_id) = 32 AND _fivetran_id NOT GLOB '*[^0-9a-f]*'" \
    "$(sqlite3 o/warehouse.db "SELECT count(*) FROM $t")"
done
expect_sql o/warehouse.db "SELECT count(DISTINCT _fivetran_id) FROM (SELECT _fivetran_id FROM free UNION ALL SELECT _fivetran_id FROM decl)" "7"
expect_err 'created table "free" (not declared, so rows are keyed by _fivetran_id)'

ids() { sqlite3 -batch "$1/warehouse.db" "SELECT '$2', _fivetran_id, quote(a), quote(b) FROM free UNION ALL SELECT '$2', _fivetran_id, quote(name), quote(n) FROM decl ORDER BY 2" | cut -d'|' -f2-; }
ids o o > ids.first

# The same rows in another output directory: the same ids.
run ids.lua --output other
expect_exit 0
ids other x > ids.other
cmp -s ids.first ids.other || { fail "another output directory gave other _fivetran_id values"; diff ids.first ids.other >&2; }

# The same rows in a later run: still one row each, revived if deleted.
db_exec o/warehouse.db "UPDATE free SET _fivetran_deleted = true WHERE a = 2"
run ids.lua --output o
expect_exit 0
expect_out "SchemaChanges  | 0"
ids o o > ids.second
cmp -s ids.first ids.second || { fail "a second run changed the _fivetran_id values"; diff ids.first ids.second >&2; }
expect_sql o/warehouse.db "SELECT count(*), sum(_fivetran_deleted) FROM free" "3|0"

# The ids are the documented hash: XXH3-128 over, for each non-null column in
# byte order of names, the name, a 0 byte, then t + 8-byte LE length + the
# canonical text (a number's shortest text: 1, 1.5; a boolean's true/false;
# text and JSON as their bytes), or b + 8-byte LE length + the bytes of a BLOB.
# Checked against libxxhash directly (the same library, not the runtime).
write xx.c <<'C'
#include <stdio.h>
#include <xxhash.h>
int main(void) {
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, stdin);
    XXH128_hash_t h = XXH3_128bits(buf, n);
    printf("%016llx%016llx\n", (unsigned long long)h.high64, (unsigned long long)h.low64);
    return 0;
}
C
if ! ${CC:-cc} -o xx xx.c -lxxhash 2> cc.err; then
  fail "cannot build the XXH3 helper: $(cat cc.err)"
else
  # the pieces of the hashed bytes
  le() { local i; for i in 0 1 2 3 4 5 6 7; do printf "\\x$(printf %02x $(( ($1 >> (8 * i)) & 255 )))"; done; }
  col() { printf '%s\0' "$1"; }
  text() { printf t; le "${#1}"; printf '%s' "$1"; }
  int() { text "$1"; }   # a number hashes as its shortest text
  real() { text "$1"; }
  # expect_hash TABLE WHERE: the row's id is the hash of the file bytes
  expect_hash() { expect_sql o/warehouse.db "SELECT _fivetran_id FROM $1 WHERE $2" "$(./xx < bytes)"; }
  { col a; int 1; col b; text x; } > bytes; expect_hash free "a = 1 AND b = 'x'"
  { col a; int 2; col b; text x; } > bytes; expect_hash free "a = 2"
  { col a; int 1; } > bytes; expect_hash free "a = 1 AND b IS NULL"
  { col n; int 1; col name; text a; } > bytes; expect_hash decl "name = 'a' AND n = 1"
  { col name; text 1; } > bytes; expect_hash decl "name = '1'"
  # the double 1.5 is the text "1.5"; raw is the 2 bytes 00 01
  { col price; real 1.5; col raw; printf b; le 2; printf '\0\1'; } > bytes; expect_hash decl "price = 1.5"
fi
