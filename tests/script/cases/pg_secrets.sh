# The password of a PostgreSQL URL shows nowhere (issue 14, "The password
# never appears in a log line, an error or the journal"): not on stdout or
# stderr (text and JSON, at every log level), not in the summary, not in
# the schema's tables (pg_dump of the whole schema), not in the messages of
# failures (the script's, the server's, the connection's, the lock's), in
# a URL's user:password@ and in its ?password= parameter alike. The test
# server trusts the socket, so it takes any password.
pg_reset_schema
SECRET=s3cr3t-pw
QSECRET=s3cr3t-qp
ENVSECRET=s3cr3t-env
AT_URL=${CLUA_PG_URL/postgres@/postgres:$SECRET@}"&schema=$PG_SCHEMA"
Q_URL="$CLUA_PG_URL&password=$QSECRET&schema=$PG_SCHEMA"
# clean WHAT: no secret in ./out, ./err, nor in the schema's dump.
clean() {
  local s
  for s in "$SECRET" "$QSECRET" "$ENVSECRET"; do
    grep -qF -- "$s" out && { fail "$1: stdout holds the password $s"; show_output; }
    grep -qF -- "$s" err && { fail "$1: stderr holds the password $s"; show_output; }
  done
  pg_dump -d "$CLUA_PG_URL" -n "$PG_SCHEMA" > dump.sql 2> dump.err || fail "pg_dump: $(cat dump.err)"
  for s in "$SECRET" "$QSECRET" "$ENVSECRET"; do
    grep -qF -- "$s" dump.sql && fail "$1: schema $PG_SCHEMA holds the password $s: $(grep -F -- "$s" dump.sql)"
  done
  return 0
}

write ok.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", v = "STRING" } } }
end
function update(configuration, state)
  log.fine("fine line")
  op.upsert("t", { id = 1, v = "x" })
  op.checkpoint({ page = 1 })
end
LUA
write boom.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 9, v = "lost" })
  error("boom")
end
LUA
# fails.lua fails on the server: a view already holds the name of its second table.
write fails.lua <<'LUA'
function schema(configuration)
  return { { table = "t", primary_key = { "id" }, columns = { id = "INT", v = "STRING" } } }
end
function update(configuration, state)
  op.upsert("t", { id = 2, v = "y" })
  op.checkpoint({ page = 2 })
  op.upsert("taken", { id = 1 })
end
LUA

for url in "$AT_URL" "$Q_URL"; do
  masked=${url/:$SECRET@/:***@}
  masked=${masked/password=$QSECRET/password=***}
  for args in "" "--log-level fine" "--log-format json" "--log-level fine --log-format json"; do
    pg_reset_schema
    # shellcheck disable=SC2086
    run ok.lua --output "$url" $args
    expect_exit 0
    clean "ok.lua $args"
    case $args in
      *json*) expect_out "\"database\":\"${masked//\"/\\\"}, schema \\\"$PG_SCHEMA\\\"\"" ;;
      *) expect_out "Data:    $masked, schema \"$PG_SCHEMA\"" ;;
    esac
    case $args in *fine*) expect_err "fine line" ;; esac
  done
  expect_pg "SELECT id, v FROM $PG_SCHEMA.t" "1|x"

  # The script's error, then the server's: each recorded in _clua_syncs.
  run boom.lua --output "$url" --take-over
  expect_exit 1
  severe_is "boom.lua:3: boom"
  clean "boom.lua (the script's error)"
  pg_sql "CREATE VIEW $PG_SCHEMA.taken AS SELECT 1 AS x" > /dev/null
  run fails.lua --output "$url" --log-level fine --take-over
  expect_exit 1
  expect_err 'creating table "taken": relation "taken" already exists'
  clean "fails.lua (the server's error)"
  expect_pg "SELECT status, error FROM $PG_SCHEMA._clua_syncs ORDER BY id DESC LIMIT 1" \
    'failed|fails.lua:7: creating table "taken": relation "taken" already exists'

  # Connections refused: a role that does not exist, a database that does not.
  for bad in "user=nobody" "dbname=nodb"; do
    run ok.lua --output "$url&$bad" --log-level fine
    expect_exit 1
    expect_err "cannot connect to PostgreSQL: connection to server on socket"
    clean "ok.lua, $bad"
  done
  # PGPASSWORD, libpq's own, is not shown either.
  PGPASSWORD=$ENVSECRET run ok.lua --output "$url&user=nobody"
  expect_exit 1
  clean "ok.lua with PGPASSWORD"
done

# A run and a reset refused by the lock: their messages name the holder, not its password.
write_slow slow.lua
pg_reset_schema
pg_start_sync slow.lua "$AT_URL"
run slow.lua --output "$Q_URL"
expect_exit 4
clean "a second run"
run reset --output "$Q_URL"
expect_exit 4
clean "a refused reset"
end_sync
cp out1 out
cp err1 err
clean "the first run"
run reset --output "$AT_URL"
expect_exit 0
expect_out "of ${CLUA_PG_URL/postgres@/postgres:***@}&schema=$PG_SCHEMA"
grep -qF -- "$SECRET" out err && fail "reset shows the password: $(cat out err)"
pg_reset_schema
