# How inspect shows values: NULL, integers, reals (±inf), DECIMAL(p,s),
# BLOBs as x'hex' (cut when long), long text cut with "...", control
# characters escaped; a pending column; the default limit of 20; and the
# same values typed in --json.
write v.lua <<'LUA'
function schema(configuration)
  return {
    { table = "pend", primary_key = { "k" } },
    { table = "t", primary_key = { "id" },
      columns = { id = "LONG", price = { type = "DECIMAL", precision = 15, scale = 2 },
                  b = "BINARY", f = "DOUBLE", note = "STRING" } },
  }
end
function update(configuration, state)
  op.upsert("t", { id = 1, price = "9.5", b = "\0\1\255", f = 1 / 0, note = "line1\nline2\ttab é ü" })
  op.upsert("t", { id = 2, note = string.rep("x", 100), b = string.rep("\171", 50), f = -1 / 0 })
  op.upsert("t", { id = 3, f = 0.1, note = 'quote" back\\ \1 \255bad' })
  op.upsert("t", { id = 4, f = 3.0, note = string.rep("é", 50) })
  op.upsert("t", { id = math.maxinteger, f = 1e300, note = "" })
  op.upsert("t", { id = math.mininteger, f = 0 / 0, note = string.rep("y", 40) })
  op.checkpoint({ done = true })
end
LUA
run v.lua --output o
expect_exit 0

run inspect --output o
expect_exit 0
expect_out "Table pend: 0 live rows, 0 deleted"
expect_out "  k                  (pending)     key 1"
expect_out "Table t: 6 live rows, 0 deleted"
expect_out "  price              DECIMAL(15,2)"
expect_out "  b                  BINARY"
expect_out 'State (saved '
expect_out '): {"done":true}'

# the rows: NULL, x'hex', Inf, cut text, escapes, exact 64-bit integers
run inspect --output o t
expect_exit 0
row() { # row ID: its cells b|f|note|price, trimmed
  awk -F' *\\| *' -v id="$1" '$2 == id { print $3 "|" $4 "|" $5 "|" $6 }' out
}
# same_width: every line of the box (all but the count line) has as many characters
same_width() {
  [ "$(head -n -1 out | while IFS= read -r line; do printf '%s' "$line" | LC_ALL=C.UTF-8 wc -m; done | sort -u | wc -l)" = 1 ] \
    || { fail "the box lines differ in width"; show_output; }
}
[ "$(row 1)" = "x'0001ff'|Inf|line1\\nline2\\ttab é ü|9.50" ] || fail "row 1: $(row 1)"
[ "$(row 2)" = "x'ababababababababababababababababab...|-Inf|xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...|NULL" ] || fail "row 2: $(row 2)"
[ "$(row 3)" = "NULL|0.1|quote\" back\\ \\x01 \\xffbad|NULL" ] || fail "row 3: $(row 3)"
[ "$(row 4)" = "NULL|3.0|ééééééééééééééééééééééééééééééééééééé...|NULL" ] || fail "row 4: $(row 4)"
[ "$(row 9223372036854775807)" = "NULL|1e+300||NULL" ] || fail "row max: $(row 9223372036854775807)"
# NaN is stored as NULL; a 40-character value is not cut
[ "$(row -9223372036854775808)" = "NULL|NULL|$(printf 'y%.0s' $(seq 40))|NULL" ] || fail "row min: $(row -9223372036854775808)"
expect_out "| id                   | b                                       | f      | note                                     | price |"
# cells are at most 40 characters, and the box is aligned
same_width
expect_out "6 of 6 rows shown, newest first"

run inspect --output o pend
expect_exit 0
[ "$(cat out)" = "$(printf '%s\n' '+---+------------------+-------------------+' \
  '| k | _fivetran_synced | _fivetran_deleted |' '+---+------------------+-------------------+' \
  '0 of 0 rows shown, newest first')" ] || { fail "an empty table"; show_output; }

# JSON: typed values, nothing cut, blobs as hex, infinities as null.
run inspect --output o t --json
expect_exit 0
expect_sql :memory: "SELECT json_valid(CAST(readfile('out') AS TEXT))" "1"
j() { expect_sql :memory: "SELECT $1 FROM json_each(CAST(readfile('out') AS TEXT), '\$.rows') WHERE json_extract(value, '\$[0]') = $2" "$3"; }
j "json_extract(value, '\$[1]'), json_extract(value, '\$[2]'), json_extract(value, '\$[3]'), json_extract(value, '\$[4]')" 1 \
  "0001ff||line1"$'\n'"line2	tab é ü|9.50"
j "json_type(value, '\$[2]')" 1 "null"
j "json_type(value, '\$[2]')" 2 "null"
j "json_type(value, '\$[4]')" 2 "null"
j "length(json_extract(value, '\$[1]')), length(json_extract(value, '\$[3]'))" 2 "100|100"
j "json_extract(value, '\$[2]'), json_type(value, '\$[2]'), json_extract(value, '\$[3]')" 3 "0.1|real|quote\" back\\ "$'\x01'" �bad"
j "json_extract(value, '\$[2]'), json_type(value, '\$[2]')" 4 "3.0|real"
j "json_extract(value, '\$[3]')" 4 "$(printf 'é%.0s' $(seq 50))"
j "json_type(value, '\$[2]'), json_extract(value, '\$[3]')" 9223372036854775807 "real|"
expect_out '[9223372036854775807,null,1e+300,"",null,'
expect_out '[-9223372036854775808,null,null,"yyyy'
expect_out ' \u0001 \ufffdbad"'

# The default limit is 20, newest first.
write many.lua <<'LUA'
function schema(configuration)
  return { { table = "n", primary_key = { "id" } } }
end
function update(configuration, state)
  for i = 1, 30 do op.upsert("n", { id = i }) end
end
LUA
run many.lua --output m
expect_exit 0
run inspect --output m n
expect_exit 0
expect_out "20 of 30 rows shown, newest first"
[ "$(sed -n '4p;23p' out | awk -F' *\\| *' '{ print $2 }' | tr '\n' ' ')" = "30 11 " ] \
  || { fail "the default limit should show rows 30 down to 11"; show_output; }
run inspect --output m n --json
expect_exit 0
expect_sql :memory: "SELECT json_extract(CAST(readfile('out') AS TEXT), '\$.shown'), json_extract(CAST(readfile('out') AS TEXT), '\$.total'), json_extract(CAST(readfile('out') AS TEXT), '\$.rows[0][0]')" "20|30|30"
