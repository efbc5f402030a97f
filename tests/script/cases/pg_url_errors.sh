# Bad PostgreSQL URLs and names too long for PostgreSQL (issue 14, the URL;
# README "Loading into PostgreSQL"). A URL that does not parse, or names an
# empty, doubled or over-long schema, is exit 2 before the script is even
# read, one SEVERE line with the URL's password masked, and nothing is made
# on the server. PostgreSQL cuts names past 63 bytes silently, so a table or
# column name over 63 bytes is refused with a message naming it, and a
# name of exactly 63 bytes is taken whole.
SECRET=s3cr3t-url
pg_url_case
BASE="postgresql://postgres:$SECRET@/warehouse?$HOSTQ"
MBASE="postgresql://postgres:***@/warehouse?$HOSTQ"
A64=$(printf 'a%.0s' $(seq 64))
B63=$(printf 'b%.0s' $(seq 63))
E32=$(printf '%%C3%%A9%.0s' $(seq 32)) # é 32 times: 64 bytes
pg_reset_schema "$B63"
# Every schema the bad URLs name (or the script's name gives) starts with
# url_errors_bad, or is A64 or E32: none may exist afterwards. (Other cases
# make and drop schemas meanwhile, so nothing wider is counted.)
NONE="SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'url\_errors\_bad%' OR nspname LIKE 'aaaa%' OR nspname LIKE 'éééé%'"

# bad_url URL MESSAGE: exit 2, the one SEVERE line "--output MASKED: MESSAGE"
# (MASKED: URL with the password as ***), though no script exists; the
# password nowhere; no schema made.
bad_url() {
  local masked=${1//$SECRET/***}
  run url_errors_bad.lua --output "$1"
  expect_exit 2
  expect_out "SYNC FAILED"
  severe_is "--output $masked: $2"
  expect_no_out "$SECRET"
  expect_no_err "$SECRET"
  expect_pg "$NONE" 0
}
bad_url "$BASE&schema=$A64" \
  "the schema \"$A64\" is 64 bytes long; a PostgreSQL name holds at most 63 (a longer one is cut)"
bad_url "$BASE&schema=$E32" \
  "the schema \"$(printf 'é%.0s' $(seq 32))\" is 64 bytes long; a PostgreSQL name holds at most 63 (a longer one is cut)"
bad_url "$BASE&schema=" "the schema is empty (?schema=NAME names it)"
bad_url "$BASE&schema=url_errors_bad_a&schema=url_errors_bad_b" "schema is given twice"
bad_url "$BASE&schema=url_errors_bad%zz" 'invalid percent-encoded token in the schema: "url_errors_bad%zz"'
# A name libpq does not know: its value (a mistyped password?) masked too.
bad_url "$BASE&bogus=$SECRET&schema=url_errors_bad" 'invalid URI query parameter: "bogus"'
bad_url "postgresql://postgres:$SECRET@[::1/warehouse" \
  "end of string reached when looking for matching \"]\" in IPv6 host address in URI: \"postgresql://postgres:***@[::1/warehouse\""
bad_url "postgresql://pos%00tgres:$SECRET@/warehouse" 'forbidden value %00 in percent-encoded value: "pos%00tgres"'
# A raw '@' in the password: libpq would take its tail for the host and
# port and quote it; refused, only the masked URL shown.
for tail in "x:TopSecret99@/warehouse?$HOSTQ|/warehouse?$HOSTQ" \
            "ss9secret@nohost.invalid/warehouse|nohost.invalid/warehouse"; do
  run url_errors_bad.lua --output "postgresql://postgres:pw@${tail%%|*}"
  expect_exit 2
  severe_is "--output postgresql://postgres:***@${tail#*|}: the user or password holds a raw '@': write it as %40"
  expect_no_out TopSecret99
  expect_no_err TopSecret99
  expect_no_err ss9secret
done

# Values libpq checks only when it connects (closed sets, numbers, as many
# ports as hosts): exit 2 as well, before anything is read (the
# configuration file here does not exist) or connected, naming the
# parameter and its value; the same for reset and inspect.
for bad in "port=notaport|port \"notaport\" is not a port number (1 to 65535)" \
           "sslmode=bogus|sslmode \"bogus\" is not one of disable, allow, prefer, require, verify-ca, verify-full" \
           "port=99999|port \"99999\" is not a port number (1 to 65535)" \
           "connect_timeout=5s|connect_timeout \"5s\" is not a whole number" \
           "target_session_attrs=rw|target_session_attrs \"rw\" is not one of any, read-write, read-only, primary, standby, prefer-standby" \
           "gssencmode=on|gssencmode \"on\" is not one of disable, prefer, require"; do
  url="$BASE&${bad%%|*}&schema=url_errors_bad"
  run ok.lua --output "$url" --configuration missing.json
  expect_exit 2
  severe_is "--output ${url//$SECRET/***}: ${bad#*|}"
  expect_no_out "$SECRET"
  expect_no_err "$SECRET"
  case $bad in port=9*|sslmode=*) ;; *) continue ;; esac # reset and inspect parse alike
  run reset --output "$url" --yes
  expect_exit 2
  expect_err "--output ${url//$SECRET/***}: ${bad#*|}"
  run inspect --output "$url"
  expect_exit 2
  expect_err "--output ${url//$SECRET/***}: ${bad#*|}"
done
expect_pg "$NONE" 0
# From libpq's environment too (PGSSLMODE), which the URL's own value overrides.
PGSSLMODE=bogus run ok.lua --output "$BASE&schema=url_errors_bad" --configuration missing.json
expect_exit 2
severe_is "--output $MBASE&schema=url_errors_bad: PGSSLMODE \"bogus\" (the environment's sslmode) is not one of disable, allow, prefer, require, verify-ca, verify-full"
# pg_ names are the server's: it refuses to make such a schema, and says so.
run ok.lua --output "$BASE&schema=pg_mine"
expect_exit 1
severe_is "cannot open PostgreSQL schema \"pg_mine\": creating schema \"pg_mine\": unacceptable schema name \"pg_mine\" (The prefix \"pg_\" is reserved for system schemas.)"
expect_pg "SELECT count(*) FROM pg_namespace WHERE nspname = 'pg_mine'" 0

# A schema name of 63 bytes is taken whole.
run ok.lua --output "$BASE&schema=$B63"
expect_exit 0
expect_out "Data:    $MBASE&schema=$B63, schema \"$B63\""
expect_pg "SELECT count(*) FROM $B63.t" 1
pg_reset_schema "$B63"

# Table and column names over 63 bytes: refused, named; what the last
# checkpoint committed stays. 63 bytes go through whole.
pg_reset_schema
write long_declared.lua <<LUA
function schema(configuration)
  return { { table = "$A64", primary_key = { "id" }, columns = { id = "INT" } } }
end
function update(configuration, state)
  op.upsert("$A64", { id = 1 })
end
LUA
run long_declared.lua --output "$URL"
expect_exit 1
severe_is "long_declared.lua: schema(): table name \"$A64\" is 64 bytes long: PostgreSQL keeps names of at most 63 bytes and would cut it silently; shorten it"
for what in "table" "column"; do
  pg_reset_schema
  if [ "$what" = table ]; then
    op="op.upsert(\"$A64\", { id = 2 })"
    msg="table name \"$A64\" is 64 bytes long"
  else
    op="op.upsert(\"kept\", { id = 2, $A64 = 1 })"
    msg="column \"$A64\" of table \"kept\" is 64 bytes long"
  fi
  write long.lua <<LUA
function update(configuration, state)
  op.upsert("kept", { id = 1 })
  op.checkpoint({ page = 1 })
  $op
end
LUA
  run long.lua --output "$URL"
  expect_exit 1
  expect_out "SYNC FAILED"
  severe_is "long.lua:4: $msg: PostgreSQL keeps names of at most 63 bytes and would cut it silently; shorten it"
  expect_pg "SELECT id FROM $PG_SCHEMA.kept" 1
  expect_pg "SELECT count(*) FROM information_schema.tables WHERE table_schema = '$PG_SCHEMA' AND table_name LIKE 'aaaa%'" 0
  expect_pg "SELECT count(*) FROM information_schema.columns WHERE table_schema = '$PG_SCHEMA' AND column_name LIKE 'aaaa%'" 0
  expect_pg "SELECT convert_from(state, 'UTF8') FROM $PG_SCHEMA._clua_state" '{"page":1}'
done
pg_reset_schema
write long63.lua <<LUA
function update(configuration, state)
  op.upsert("$B63", { $B63 = 7 })
end
LUA
run long63.lua --output "$URL"
expect_exit 0
expect_pg "SELECT $B63 FROM $PG_SCHEMA.$B63" 7
expect_pg "SELECT table_name, column_name FROM $PG_SCHEMA._clua_columns WHERE column_name LIKE 'bbb%'" "$B63|$B63"
pg_reset_schema

# A URL with one slash (postgresql:/warehouse) is a mistyped URL, not a
# directory of that name: exit 2, saying how a URL begins, nothing made.
for bad in postgresql:/warehouse postgres:warehouse; do
  run long63.lua --output "$bad"
  expect_exit 2
  expect_err "--output $bad: a PostgreSQL URL begins postgresql:// (or postgres://)"
  [ ! -e "${bad%%:*}:" ] || fail "--output $bad made ${bad%%:*}: in $PWD"
done
