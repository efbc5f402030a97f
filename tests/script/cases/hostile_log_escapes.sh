# Log lines are safe for a terminal: a table or column name, a value or a
# script's text holding ESC [31m, an OSC title sequence, a carriage return,
# DEL, an 8-bit CSI or bytes that are not UTF-8 is printed with those bytes
# shown as \xNN (\r for a carriage return), as `inspect TABLE` shows them.
# Newline and tab stay in a script's own text (a traceback spans lines); in
# a name the runtime prints they show as \n and \t, so no name starts a
# line of its own.
ESC=$'\033'

no_raw_controls() {
  # no byte a terminal acts on, but newline and tab
  if LC_ALL=C grep -q $'[\001-\010\013-\037\177]' err; then
    fail "stderr holds raw control bytes: $(LC_ALL=C grep -n $'[\001-\010\013-\037\177]' err | od -c | head -5)"
  fi
  python3 -c '
import sys
t = open("err", "rb").read().decode("utf-8")  # fails on bytes that are not UTF-8
sys.exit(any(0x80 <= ord(ch) <= 0x9f for ch in t))' ||
    fail "stderr holds C1 controls or bytes that are not UTF-8"
}

write names.lua <<'LUA'
function update(configuration, state)
  local t = "t\27[31mred\27]0;owned\7"
  op.upsert(t, { id = 1, ["c\27[2Jx"] = 1 })
  op.upsert(t, { id = 2, ["c\27[2Jx"] = 1, ["new\nSEVERE   forged\tcol\r"] = "v" })
  op.upsert(t, { id = 3, ["c\27[2Jx"] = 1.5 })
  log.info("text \27[1mbold\27[0m\r\127 \194\155 8-bit CSI \255 \195( caf\195\169 \230\151\165",
           "line one\n\tline two")
end
LUA
run names.lua --output o --naming source --log-level fine
expect_exit 0
no_raw_controls
expect_err 'INFO     created table "t\x1b[31mred\x1b]0;owned\x07"'
expect_err 'INFO     added column "new\nSEVERE   forged\tcol\r" STRING to table "t\x1b[31mred\x1b]0;owned\x07"'
expect_err 'INFO     widened column "c\x1b[2Jx" of table "t\x1b[31mred\x1b]0;owned\x07" from LONG to DOUBLE'
expect_err 'INFO     text \x1b[1mbold\x1b[0m\r\x7f \xc2\x9b 8-bit CSI \xff \xc3( café 日'
# a script's own newline and tab: kept
grep -q $'^\tline two$' err || fail "the script's own newline and tab were not kept: $(cat err)"
# no name starts a line of its own
grep -q '^SEVERE   forged' err && fail "a column name started a log line: $(cat err)"
[ "$(grep -c ' SEVERE ' err)" = 0 ] || fail "a SEVERE line was forged: $(cat err)"

# An error naming the table and the value: its SEVERE line is escaped too.
write bad.lua <<'LUA'
function schema()
  return { { table = "t\27]0;x\7", primary_key = { "id" }, columns = { id = "INT" } } }
end
function update(configuration, state)
  op.upsert("t\27]0;x\7", { id = "1\27[2J" })
end
LUA
run bad.lua --output o2 --naming source
expect_exit 1
no_raw_controls
expect_err 'SEVERE   bad.lua:5: op.upsert("t\x1b]0;x\x07") id='
