# A failure of its own after --timeout's deadline keeps its words (README
# "Loading into PostgreSQL"): only a statement the deadline cancelled is
# reported as the timeout. The real failure here: a PostgreSQL "server"
# (a Unix socket that never answers) makes the connection time out at
# connect_timeout's 2 s, after the deadline of --timeout 1.5 and before
# the command's forced exit a second after it.
mkdir sock
command python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(8)
time.sleep(30)' sock/.s.PGSQL.5432 &
SERVER=$!
for _ in $(seq 100); do [ -S sock/.s.PGSQL.5432 ] && break; sleep 0.05; done
write ok.lua <<'LUA'
function update(configuration, state)
  op.upsert("t", { id = 1 })
end
LUA
run ok.lua --output "postgresql:///db?host=$PWD/sock&connect_timeout=2" --timeout 1.5
expect_exit 1
severe_is "cannot connect to PostgreSQL: connection to server on socket \"$PWD/sock/.s.PGSQL.5432\" failed: timeout expired"
expect_no_err "longer than --timeout"
kill "$SERVER"
wait "$SERVER" 2> /dev/null
