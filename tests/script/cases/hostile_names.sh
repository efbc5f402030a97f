# Hostile table and column names: quotes, spaces, SQL, unicode, control
# characters, printf directives. Every identifier is quoted, so no name runs
# SQL of its own: with --naming source each is stored exactly as written,
# with the default naming each becomes its lowercase snake_case form. A name
# holding a NUL byte, or an empty one, is refused with a message (exit 1).

# no_crash: the last run ended with a documented status and no sanitizer report.
no_crash() {
  case "$RC" in 0 | 1 | 2 | 3 | 4 | 5) ;; *) fail "exit status $RC is not a documented one"; show_output ;; esac
  ! grep -qE "Sanitizer|runtime error:|unprotected Lua error" err || { fail "crash report"; show_output; }
}

# names.json: each name, and what the default naming makes of it as a table
# name and as a column name (a table name loses a leading _).
write names.json <<'EOF'
{ "names": [
  ["a\"b", "a_b", "a_b"],
  ["it's", "it_s", "it_s"],
  ["with space", "with_space", "with_space"],
  ["Robert'); DROP TABLE t;--", "robert_drop_table_t_", "robert_drop_table_t_"],
  ["x\"; DROP TABLE t; --", "x_drop_table_t_", "x_drop_table_t_"],
  ["café ☕", "caf_", "caf_"],
  ["日本語", "_", "_"],
  ["[br]", "br_", "_br_"],
  ["`tick`", "tick_", "_tick_"],
  ["%s%n%d", "s_n_d", "_s_n_d"],
  ["tab\there\nnewline", "tab_here_newline", "tab_here_newline"],
  ["SELECT", "select", "select"],
  ["  ", "_", "_"],
  ["'", "_", "_"],
  ["\\", "_", "_"]
] }
EOF
# Table t holds a row that a name running as SQL could drop or change. Each
# name becomes a table with columns id, NAME (holding NAME) and "col NAME".
write names.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT" } } }
end
function update(configuration, state)
  op.upsert("t", { id = 1 })
  for i, names in ipairs(configuration.names) do
    local n = names[1]
    if configuration.naming ~= "normalize" or names[2] ~= "_" then
      op.upsert(n, { id = i, [n] = n, ["col " .. n] = i })
    end
  end
  op.checkpoint({ names = configuration.names })
end
LUA
# check.py MODE: every table and column is there under its expected name and
# holds the exact name; table t is intact.
write check.py <<'PY'
import json, sqlite3, sys
mode = sys.argv[1]
names = json.load(open("names.json"))["names"]
db = sqlite3.connect("o/warehouse.db")
q = lambda s: '"' + s.replace('"', '""') + '"'
problems = []
for i, (name, tnorm, cnorm) in enumerate(names, 1):
    if mode == "normalize" and tnorm == "_":
        continue
    table = name if mode == "source" else tnorm
    col = name if mode == "source" else cnorm
    colc = ("col " + name) if mode == "source" else ("col_" + tnorm).replace("__", "_")
    # (a missing column in double quotes would be read as a string literal)
    cols = sorted(r[0] for r in db.execute("SELECT name FROM pragma_table_info(?)", (table,)))
    want = sorted(["_fivetran_id", "_fivetran_synced", "_fivetran_deleted", "id", col, colc])
    if cols != want:
        problems.append("%r: columns %r, expected %r" % (name, cols, want)); continue
    rows = db.execute("SELECT id, %s, %s FROM %s" % (q(col), q(colc), q(table))).fetchall()
    if rows != [(i, name, i)]:
        problems.append("%r: rows %r" % (name, rows))
if db.execute("SELECT id FROM t").fetchall() != [(1,)]:
    problems.append("table t changed")
state = json.loads(db.execute("SELECT state FROM _clua_state").fetchone()[0])
if state["names"] != names:
    problems.append("state: %r" % state)
print("\n".join(problems) or "ok")
PY

for mode in source normalize; do
  rm -rf o
  sed 's/^{ "names"/{ "naming": "'"$mode"'", "names"/' names.json > cfg.json
  run names.lua --output o --configuration cfg.json --naming "$mode"
  no_crash
  expect_exit 0
  got=$(python3 check.py "$mode")
  [ "$got" = ok ] || fail "--naming $mode: $got"
  # A second run finds every table and column again.
  run names.lua --output o --configuration cfg.json --naming "$mode"
  expect_exit 0
  expect_out "SchemaChanges  | 0"
  got=$(python3 check.py "$mode")
  [ "$got" = ok ] || fail "--naming $mode, second run: $got"
done
# Names the default naming turns into one ("日本語", "  ", "'" all become
# "_") share a table, with a warning.
write merge.lua <<'LUA'
function update(configuration, state)
  op.upsert("日本語", { id = 1 })
  op.upsert("  ", { id = 2 })
end
LUA
rm -rf o
run merge.lua --output o
expect_exit 0
expect_err 'WARNING  table names "日本語" and "  " both become "_": their data go to one table'
expect_sql o/warehouse.db 'SELECT group_concat(id) FROM (SELECT id FROM "_" ORDER BY id)' "1,2"

# refused WHERE CALL MESSAGE: a NUL byte or an empty name is refused, with
# either naming.
refused() {
  local before=$FAILURES mode
  write r.lua <<LUA
function schema(configuration)
  return { $1 }
end
function update(configuration, state)
  op.upsert("t", { id = 1 })
  $2
end
LUA
  for mode in normalize source; do
    rm -rf o
    run r.lua --output o --naming $mode
    no_crash
    expect_exit 1
    expect_out "SYNC FAILED"
    severe_is "$3"
    expect_sql o/warehouse.db "SELECT count(*) FROM sqlite_master WHERE name = 't'" "0"
  done
  [ "$FAILURES" = "$before" ] || echo "  (in: refused $1 $2)" >&2
  :
}
refused '' 'op.upsert("x\0y", { id = 1 })' 'r.lua:6: op.upsert: table name "x" is empty or holds a NUL byte'
refused '' 'op.upsert("\0", { id = 1 })' 'r.lua:6: op.upsert: table name "" is empty or holds a NUL byte'
refused '' 'op.upsert("", { id = 1 })' 'r.lua:6: op.upsert: table name "" is empty or holds a NUL byte'
refused '' 'op.upsert("u", { id = 1, ["a\0b"] = 1 })' 'r.lua:6: op.upsert("u"): column name "a" is empty or holds a NUL byte'
refused '' 'op.upsert("u", { id = 1, [""] = 1 })' 'r.lua:6: op.upsert("u"): column name "" is empty or holds a NUL byte'
refused '' 'op.update("x\0", { id = 1 })' 'r.lua:6: op.update: table name "x" is empty or holds a NUL byte'
refused '' 'op.delete("x\0", { id = 1 })' 'r.lua:6: op.delete: table name "x" is empty or holds a NUL byte'
refused '' 'op.truncate("x\0")' 'r.lua:6: op.truncate: table name "x" is empty or holds a NUL byte'
refused '{ table = "x\0y" }' '' 'r.lua: schema(): entry 1: "table" must be a non-empty name, got an empty or NUL-holding string'
refused '{ table = "u", columns = { ["a\0b"] = "INT" } }' '' 'r.lua: schema(): table "u": column name "a" is empty or holds a NUL byte'
refused '{ table = "u", primary_key = { "a\0b" } }' '' 'r.lua: schema(): table "u": primary-key column name "a" is empty or holds a NUL byte'
