# The command line: --help, --version, usage errors (exit 2), log levels and
# the log line format, --output, and reset.
VERSION=$(sed -n 's/^project(connector-lua VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")

# --help / -h: on stdout, exit 0, every option and exit code
for h in --help -h; do
  run $h
  expect_exit 0
  [ -s err ] && fail "$h wrote to stderr: $(cat err)"
  for word in "--configuration FILE" "--state FILE" "--output DIR" "--log-level LEVEL" \
              "--help" "--version" "reset" "fine" "warning" "severe"; do
    expect_out "$word"
  done
  for code in 0 1 2 3 4; do
    grep -qE "^ +$code +[a-z]" out || fail "$h lacks exit status $code"
  done
done

# --version / -V
for v in --version -V; do
  run $v
  expect_exit 0
  expect_out "connector-lua $VERSION"
  [ -s err ] && fail "$v wrote to stderr: $(cat err)"
done

# Usage errors: exit 2, the message on stderr, nothing on stdout.
write t.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT" } } }
end
function update(configuration, state)
  log.debug("m-debug")
  log.fine("m-fine")
  log.info("m-info")
  log.warning("m-warning")
  log.error("m-error")
  log.severe("m-severe")
  log.critical("m-critical")
  log.info("two", "parts", 3)
  op.upsert("t", { id = 1 })
  op.checkpoint({ done = true })
end
LUA
usage_error() { # usage_error MESSAGE ARGS...
  local msg=$1
  shift
  run "$@"
  expect_exit 2
  expect_err "$msg"
  [ -s out ] && fail "usage error ($*) wrote to stdout: $(cat out)"
}
usage_error "unknown option: --frobnicate" t.lua --frobnicate
usage_error "unknown option: -x" -x t.lua
usage_error "usage: connector-lua SCRIPT"
usage_error "option needs a value: --output" t.lua --output
usage_error "--log-level takes fine, info, warning or severe, not: loud" t.lua --log-level loud
usage_error "unexpected argument: other.lua" t.lua other.lua
usage_error "reset takes either --output DIR or SCRIPT" reset
expect_nothing_created files

# Log levels. The default, info, hides debug and fine.
run t.lua --output o
expect_exit 0
for m in info warning error severe critical; do expect_err "m-$m"; done
expect_no_err "m-debug"
expect_no_err "m-fine"
expect_err "INFO     two parts 3"
expect_err "WARNING  m-warning"
expect_err "ERROR    m-error"
expect_err "SEVERE   m-severe"
expect_err "CRITICAL m-critical"
# every line is HH:MM:SS.mmm LEVEL message
bad=$(grep -cvE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} (DEBUG|FINE|INFO|WARNING|ERROR|SEVERE|CRITICAL) +[^ ]' err)
[ "$bad" = 0 ] || { fail "$bad stderr line(s) are not log lines"; show_output; }
grep -qE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} INFO     m-info$' err || fail "the info line is not 'HH:MM:SS.mmm INFO     m-info'"

run t.lua --output o --log-level fine
expect_exit 0
for m in debug fine info warning error severe critical; do expect_err "m-$m"; done
expect_err "DEBUG    m-debug"
expect_err "FINE     m-fine"
bad=$(grep -cvE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} (DEBUG|FINE|INFO|WARNING|ERROR|SEVERE|CRITICAL) +[^ ]' err)
[ "$bad" = 0 ] || { fail "$bad stderr line(s) are not log lines"; show_output; }

run t.lua --output o --log-level=warning
expect_exit 0
for m in warning error severe critical; do expect_err "m-$m"; done
for m in debug fine info; do expect_no_err "m-$m"; done
expect_no_err "INFO"

run t.lua --output o --log-level severe
expect_exit 0
for m in error severe critical; do expect_err "m-$m"; done
for m in debug fine info warning; do expect_no_err "m-$m"; done
expect_out "SYNC SUCCEEDED"

# --output DIR: the database and the state go there, nothing to files/.
run t.lua --output out_dir/nested
expect_exit 0
expect_out "Data:    $(dest_name out_dir/nested)"
dest_has_db out_dir/nested || fail "no out_dir/nested/warehouse.db"
expect_state out_dir/nested '{"done":true}'
expect_sql out_dir/nested/warehouse.db "SELECT id FROM t" "1"
expect_nothing_created files

# The default directory: files/<script name>.
run t.lua
expect_exit 0
expect_data_at files/t
expect_state files/t '{"done":true}'

# reset SCRIPT and reset --output DIR remove the files; the next run starts fresh.
run reset t.lua
expect_exit 0
[ -s out ] || fail "reset printed nothing"
expect_no_db files/t
run reset --output out_dir/nested
expect_exit 0
expect_no_db out_dir/nested
write fresh.lua <<'LUA'
function update(configuration, state)
  log.info("fresh state: " .. json.encode(state))
end
LUA
run fresh.lua --output out_dir/nested
expect_exit 0
expect_err "fresh state: {}"
expect_sql out_dir/nested/warehouse.db "SELECT count(*) FROM sqlite_master WHERE name = 't'" "0"
run t.lua
expect_exit 0
expect_out "SchemaChanges  | 1"
expect_sql files/t/warehouse.db "SELECT count(*) FROM t" "1"
# reset of a directory that does not exist is fine
run reset --output never_made
expect_exit 0
expect_nothing_created never_made
