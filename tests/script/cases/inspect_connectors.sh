# inspect on the two documented connectors (three.lua run twice,
# records_without_created_at.lua once): the tables with their live and
# deleted rows, columns, types and keys, the saved state; then a TABLE's
# rows as a text table, newest first, with --limit and the count line.
# inspect reads only: warehouse.db is the same byte for byte afterwards
# (against PostgreSQL: every row of the schema, dest_sum).
sync_documented
SUM_T=$(dest_sum $T)
SUM_U=$(dest_sum $U)

# expect_out_eq TEXT: stdout is exactly TEXT.
expect_out_eq() {
  [ "$(cat out)" = "$1" ] || { fail "stdout is not as expected"; printf -- '--- expected:\n%s\n' "$1" >&2; show_output; }
}

# Without TABLE: the whole picture, exactly.
SAVED_T=$(sqlite3 $T "SELECT saved_at FROM _clua_state")
run inspect "$ROOT/scripts/three.lua"
expect_exit 0
[ -s err ] && fail "inspect wrote to stderr: $(cat err)"
expect_out_eq "Database: $(dest_name "$ROOT/scripts/three.lua")

Table three: 4 live rows, 2 deleted
  primary key: id
  id                 STRING        key 1
  val1               STRING
  val2               INT
  _fivetran_synced   UTC_DATETIME
  _fivetran_deleted  BOOLEAN

State (saved $SAVED_T): {}"

# --output DIR says the same as SCRIPT, but for how the first line names it
# (the same with SQLite; against PostgreSQL the URL with or without &schema=).
tail -n +2 out > by_script
run inspect --output files/three
expect_exit 0
[ "$(head -n 1 out)" = "Database: $(dest_name files/three)" ] || fail "inspect --output files/three's first line: $(head -n 1 out)"
tail -n +2 out | cmp -s - by_script || fail "inspect --output files/three differs from inspect three.lua"

SAVED_U=$(sqlite3 $U "SELECT saved_at FROM _clua_state")
run inspect "$ROOT/scripts/records_without_created_at.lua"
expect_exit 0
expect_out_eq "Database: $(dest_name "$ROOT/scripts/records_without_created_at.lua")

Table user: 3 live rows, 0 deleted
  primary key: id, updated_at
  id                 INT           key 1
  updated_at         UTC_DATETIME  key 2
  designation        STRING
  first_name         STRING
  last_name          STRING
  _fivetran_synced   UTC_DATETIME
  _fivetran_deleted  BOOLEAN

State (saved $SAVED_U): {}"

# A saved state other than {} shows as its JSON.
write s.json <<'EOF'
{"cursor": 9007199254740993, "name": "é\"x"}
EOF
run "$ROOT/scripts/records_without_created_at.lua" --state s.json
expect_exit 0
run inspect "$ROOT/scripts/records_without_created_at.lua"
expect_exit 0
expect_out 'Table user: 3 live rows, 0 deleted'
expect_out '): {"cursor":9007199254740993,"name":"é\"x"}'
SUM_U=$(dest_sum $U)

# With TABLE: every column, newest first (by _fivetran_synced, rows of the
# same millisecond by primary key, highest first); the second run's come first.
run inspect "$ROOT/scripts/three.lua" three
expect_exit 0
[ -s err ] && fail "inspect three wrote to stderr: $(cat err)"
[ "$(wc -l < out)" = 11 ] || { fail "expected 3 border lines, a header, 6 rows and the count line"; show_output; }
B='+--------------------------------------+--------------------------------------+------+--------------------------+-------------------+'
[ "$(sed -n 1p out)" = "$B" ] || fail "first border: $(sed -n 1p out)"
[ "$(sed -n 3p out)" = "$B" ] || fail "header border: $(sed -n 3p out)"
[ "$(sed -n 10p out)" = "$B" ] || fail "last border: $(sed -n 10p out)"
[ "$(sed -n 2p out)" = '| id                                   | val1                                 | val2 | _fivetran_synced         | _fivetran_deleted |' ] \
  || fail "header: $(sed -n 2p out)"
[ "$(sed -n 11p out)" = "6 of 6 rows shown, newest first" ] || fail "count line: $(sed -n 11p out)"
# every line of the box has the same width
[ "$(head -n 10 out | awk '{ print length($0) }' | sort -u | wc -l)" = 1 ] || { fail "the box lines differ in width"; show_output; }
# the rows, as id|val2|deleted, are those of SQLite's newest-first order
got=$(sed -n '4,9p' out | awk -F' *\\| *' '{ print $2 "|" $4 "|" $6 }')
want=$(sqlite3 $T "SELECT id, val2, _fivetran_deleted FROM three ORDER BY _fivetran_synced DESC, id DESC")
[ "$got" = "$want" ] || { fail "rows are not newest first"; printf -- '--- expected:\n%s\n--- got:\n%s\n' "$want" "$got" >&2; }
# (each run's three rows are older than the next run's: a strict step after the third)
[[ "$(sed -n 6p out | awk -F' *\\| *' '{ print $5 }')" > "$(sed -n 7p out | awk -F' *\\| *' '{ print $5 }')" ]] \
  || { fail "the first three rows are not those of the last run"; show_output; }
[ "$(sed -n '4,9p' out | awk -F' *\\| *' '{ print $4 $6 }' | sort | tr '\n' ' ')" = "00 00 10 10 21 21 " ] \
  || { fail "expected val2/deleted 0 0, 1 0, 2 1 for each run"; show_output; }
grep -qE '^\| [0-9a-f-]{36} \| abc  +\| 1    \| [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{12}Z \| 0                 \|$' out \
  || { fail "no row for the updated row"; show_output; }

# --limit N: the N newest, and the count line says so.
run inspect --output files/three three --limit 2
expect_exit 0
[ "$(wc -l < out)" = 7 ] || { fail "--limit 2 shows other than 2 rows"; show_output; }
[ "$(tail -n 1 out)" = "2 of 6 rows shown, newest first" ] || fail "count line: $(tail -n 1 out)"
got=$(sed -n '4,5p' out | awk -F' *\\| *' '{ print $2 }')
[ "$got" = "$(echo "$want" | head -n 2 | cut -d'|' -f1)" ] || fail "--limit 2 did not show the 2 newest"
run inspect --limit=1 --output files/three three
expect_exit 0
expect_out "1 of 6 rows shown, newest first"
run inspect --output files/three three --limit 0
expect_exit 0
[ "$(wc -l < out)" = 4 ] || { fail "--limit 0 should show the header only"; show_output; }
expect_out "0 of 6 rows shown, newest first"
run inspect --output files/three three --limit 100
expect_exit 0
expect_out "6 of 6 rows shown, newest first"

# The default limit is 20: a third run would not change that; 6 < 20 shows all.
# (The limit itself is checked with more rows in inspect_values.sh.)

# A TABLE name matches as SQLite names do, in any case.
run inspect "$ROOT/scripts/records_without_created_at.lua" USER
expect_exit 0
expect_out "| id  | updated_at               | designation    | first_name | last_name | _fivetran_synced         | _fivetran_deleted |"
expect_out "| 123 | 2007-12-03T10:15:30.000Z | Manager        | John       | Doe       |"
expect_out "| 456 | 2008-11-12T00:00:20.000Z | VP             | Jane       | Dalton    |"
expect_out "3 of 3 rows shown, newest first"
# rows synced in the same millisecond: by primary key, highest first
[ "$(sed -n '4,6p' out | awk -F' *\\| *' '{ print $2 " " $4 }')" = "$(printf '456 VP\n123 Senior Manager\n123 Manager')" ] \
  || { fail "user rows are not by key, highest first"; show_output; }

# Nothing was written to the databases.
[ "$(dest_sum $T)" = "$SUM_T" ] || fail "inspect changed $T"
[ "$(dest_sum $U)" = "$SUM_U" ] || fail "inspect changed $U"
expect_sql $T "PRAGMA integrity_check" "ok"

# A sync after inspect works as before.
run "$ROOT/scripts/three.lua"
expect_exit 0
expect_sql $T "SELECT count(*), sum(_fivetran_deleted) FROM three" "9|3"
run inspect --output files/three
expect_exit 0
expect_out "Table three: 6 live rows, 3 deleted"
