# inspect prints what a database holds, and a database holds what scripts
# and servers sent: a table or column name, a value or a state with ESC [31m,
# an OSC window title (ESC ] 0; ... BEL) or an 8-bit CSI (U+009B) must reach
# the terminal as text, in the overview, in the rows, in JSON and in the
# messages (they were printed raw everywhere but inspect TABLE's cells).
# (inspect of a directory that is a link or cannot be written:
# hostile_inspect_dirs.sh.)
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
expect_err "no table \"nosuch\" in $(dest_name o); its tables: \\x1b]0;pwned\\x07tbl"
run inspect --output o "$(printf 'no\033[2Jsuch')"
expect_exit 2
no_controls err
expect_err 'no table "no\x1b[2Jsuch"'
