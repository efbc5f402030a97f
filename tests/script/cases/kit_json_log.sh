# --log-format json: every stderr line is one JSON object {"time", "level",
# "message"} (time in UTC with milliseconds), and stdout is one JSON object,
# the summary. Checked line by line with Python's json module on real
# connectors: a success, a script error and a bad value with secrets in the
# configuration (masked in the log and in the summary's error), control
# characters and bytes that are not UTF-8 (JSON escapes, U+FFFD), a
# traceback at --log-level fine (one object however many lines), bad input
# and a busy directory (the counters null), inspect's error; usage errors
# stay text. The signal paths are in kit_json_log_timing.sh.

. "$ROOT/tests/script/json_log.sh"

# A success: the documented connector's one WARNING and its summary.
run "$ROOT/scripts/three.lua" --log-format json
expect_exit 0
jcheck 'log == [dict(time=log[0]["time"], level="WARNING", message="Example: three.lua - upserts three rows, updates one, deletes one")]' \
  's == dict(status="succeeded", upserts=3, updates=1, deletes=1, truncates=0, schema_changes=1, checkpoints=1, committed=dict(upserts=3, updates=1, deletes=1, truncates=0), elapsed_seconds=s["elapsed_seconds"], database='"$(pyq "$(dest_name "$ROOT/scripts/three.lua")")"', state='"$(pyq "$(dest_state_file files/three)")"', error=None, exit_code=0)'
expect_sql files/three/warehouse.db "SELECT count(*), sum(_fivetran_deleted) FROM three" "3|1"
# --log-format text is the default's text.
run "$ROOT/scripts/three.lua" --log-format=text
expect_exit 0
expect_out "Upserts        | 3"
expect_err " WARNING  Example: three.lua"

# A script error that carries a secret: masked in its log line and in the
# summary's error (clua_errmsg), and nowhere in the output.
write secret.json <<'JSON'
{ "api_key": "sekrit-token-99", "region": "eu" }
JSON
write e.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 1 })
  log.info("calling with " .. configuration.api_key .. " in " .. configuration.region)
  error("the API refused key " .. configuration.api_key)
end
LUA
run e.lua --output e --configuration secret.json --log-format json
expect_exit 1
jcheck 's["error"] == "e.lua:4: the API refused key ***"' \
  's["upserts"] == 1 and s["checkpoints"] == 0 and s["database"] == '"$(pyq "$(dest_name e)")"' and s["state"] == '"$(pyq "$(dest_state_file e)")" \
  '[o["level"] for o in log].count("SEVERE") == 1' \
  '"e.lua:4: the API refused key ***" in msgs' \
  '"calling with *** in eu" in msgs' \
  '"rolled back: the database is as the last checkpoint left it" in msgs'
grep -q "sekrit" out err && fail "the secret shows in the output"

# A bad value holding a secret.
write b.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", v = "INT" } } }
end
function update(configuration, state)
  op.upsert("t", { id = 1, v = "x" .. configuration.api_key })
end
LUA
run b.lua --output b --configuration secret.json --log-format json
expect_exit 1
jcheck 's["error"] == msgs[0] and s["error"].startswith("b.lua:5: op.upsert(\"t\") id=1: column \"v\" is INT, got ")' \
  '"***" in s["error"]' '[o["level"] for o in log] == ["SEVERE", "INFO"]'
grep -q "sekrit" out err && fail "the secret shows in the output"

# Control characters and bytes that are not UTF-8: JSON escapes, U+FFFD for
# each byte that starts no character, the rest as written; a runtime line
# about a name with an escape in it reads as on a text line (\x1b).
write c.lua <<'LUA'
function update(configuration, state)
  log.info("tab\tbell\7 esc\27[2J c1 \194\155 bad \255\254 ok é ✓ \"q\" back\\ nl\nend")
  log.warning(string.char(0xed, 0xa0, 0x80) .. " cut " .. string.char(0xe2, 0x9c))
  op.upsert("t\27[31m", { id = 1 })
end
LUA
run c.lua --output c --naming source --log-format json
expect_exit 0
jcheck 'msgs[0] == "tab\tbell\x07 esc\x1b[2J c1 \x9b bad \ufffd\ufffd ok é ✓ \"q\" back\\ nl\nend"' \
  'msgs[1] == "\ufffd\ufffd\ufffd cut \ufffd\ufffd" and log[1]["level"] == "WARNING"' \
  'any(m.startswith("created table \"t\\x1b[31m\"") for m in msgs)' \
  's["upserts"] == 1'
grep -q 'created table \\"t\\\\x1b\[31m\\"' err || fail "the runtime's line is not escaped as on a text line"

# A traceback at --log-level fine: one FINE object with every line of it.
write t.lua <<'LUA'
local function deep()
  error("deep failure")
end
function update(configuration, state)
  deep()
end
LUA
run t.lua --output t --log-level fine --log-format json
expect_exit 1
jcheck '[m for m in msgs if m.startswith("stack traceback:\n")] != []' \
  '[m for m in msgs if m.startswith("stack traceback:\n")][0].count("\n") >= 3' \
  '"deep" in [m for m in msgs if m.startswith("stack traceback:\n")][0]' \
  '[o["level"] for o in log if o["message"].startswith("stack traceback:")] == ["FINE"]' \
  's["error"] == "t.lua:2: deep failure"'
[ "$(grep -c 'stack traceback' err)" = 1 ] || fail "the traceback is not one line"

# Bad input: no sync, so no counters; nothing created.
run e.lua --output never --configuration missing.json --log-format json
expect_exit 3
jcheck 'all(s[k] is None for k in ("upserts", "updates", "deletes", "truncates", "schema_changes", "checkpoints"))' \
  's["error"].startswith("cannot read") and "missing.json" in s["error"]' \
  '[(o["level"], o["message"]) for o in log] == [("SEVERE", s["error"])]' \
  's["database"] == '"$(pyq "$(dest_name never)")"' and s["state"] == '"$(pyq "$(dest_state_file never)")"
expect_nothing_created never

# A busy directory: another process holds its lock (dest_locked: against
# PostgreSQL, the schema's).
mkdir -p busy
run "$ROOT/scripts/three.lua" --output busy
dest_locked busy "$CLUA" "$ROOT/scripts/three.lua" --output busy --log-format json > out 2> err
RC=$?
expect_exit 4
jcheck 's["upserts"] is None and "another connector-lua run" in s["error"]' \
  '[o["level"] for o in log] == ["SEVERE"]'

# inspect's and reset's errors are JSON lines too; reset's report stays text.
run inspect --output nowhere --log-format json
expect_exit 3
python3 -c 'import json; o = json.loads(open("err").read()); assert o["level"] == "SEVERE" and "nowhere" in o["message"], o' ||
  { fail "inspect's error is not one JSON line"; show_output; }
[ -s out ] && fail "inspect wrote to stdout"
run reset --output e --log-format json
expect_exit 0
if [ "${CLUA_DEST:-sqlite}" = pg ]; then
  expect_out "of the connector and the runtime's own tables from schema \"$(dest_schema e)\" of $(dest_where e)"
else
  expect_out "removed warehouse.db and state.json from e"
fi
# An error: reset of a plain file as the directory; against PostgreSQL of a
# server whose socket directory is that file.
touch plainfile
if [ "${CLUA_DEST:-sqlite}" = pg ]; then
  run reset --output "postgresql:///warehouse?host=$PWD/plainfile&schema=e" --log-format json
else
  run reset --output plainfile --log-format json
fi
expect_exit 1
python3 -c 'import json; o = json.loads(open("err").read()); assert o["level"] == "SEVERE" and "plainfile" in o["message"], o' ||
  { fail "reset's error is not one JSON line"; show_output; }

# Usage errors found while reading the options stay text.
run "$ROOT/scripts/three.lua" --log-format yaml
expect_exit 2
expect_err "connector-lua: --log-format takes text or json, not: yaml"
run "$ROOT/scripts/three.lua" --log-format
expect_exit 2
expect_err "connector-lua: option needs a value: --log-format"
run --help
expect_exit 0
expect_out "--log-format FORMAT   text (default) or json"
