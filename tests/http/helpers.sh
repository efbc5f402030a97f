# Helpers for the http_*.sh script tests, sourced after run_case.sh's own:
#   start_server [server.py options]   starts tests/http/server.py on
#                                      127.0.0.1 and a free port; sets PORT,
#                                      BASE (http://127.0.0.1:PORT), SERVER_PID
#   stop_server                        stops the last one started
#   closed_port                        a port on 127.0.0.1 nothing listens on
#   gap_after LOG PATTERN              seconds between the first request
#                                      matching PATTERN in a server log and
#                                      the request after it
# Every server is killed when the case ends, however it ends. Proxies are
# cleared so nothing but 127.0.0.1 is ever contacted.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy no_proxy NO_PROXY
command -v python3 > /dev/null || { echo "python3 not found: apt-get install python3" >&2; exit 1; }

SERVER_PIDS=""
stop_servers() { for p in $SERVER_PIDS; do kill "$p" 2> /dev/null; done; }
# run_case.sh's own EXIT trap (removing the work directory) runs after ours.
_HTTP_PREV_TRAP=$(trap -p EXIT | sed "s/^trap -- '\\(.*\\)' EXIT\$/\\1/")
trap "stop_servers; $_HTTP_PREV_TRAP" EXIT

start_server() {
  local pf
  pf=$(mktemp -u "$PWD/port.XXXXXX")
  # `command`: in the PostgreSQL mode of the cases python3 is a shell function
  # (tests/script/pg_dest.sh), and $! would be its subshell, which a kill
  # leaves the server running and holding ctest's output open for a minute.
  command python3 "$ROOT/tests/http/server.py" --port-file "$pf" --lifetime 60 "$@" 2> server.err &
  SERVER_PID=$!
  SERVER_PIDS="$SERVER_PIDS $SERVER_PID"
  for _ in $(seq 200); do [ -s "$pf" ] && break; sleep 0.025; done
  [ -s "$pf" ] || { fail "the test server did not start: $(cat server.err)"; exit 1; }
  PORT=$(cat "$pf")
  BASE="http://127.0.0.1:$PORT"
}

# closed_port: a port on 127.0.0.1 that nothing listens on (bound, then closed).
closed_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

stop_server() {
  kill "$SERVER_PID" 2> /dev/null
  wait "$SERVER_PID" 2> /dev/null
}

gap_after() {
  awk -v pat="$2" 'found { printf "%.3f\n", $1 - t; exit } index($0, pat) { t = $1; found = 1 }' "$1"
}

# expect_gap LOG PATTERN MIN MAX: the wait after the request matching PATTERN
# is at least MIN and at most MAX seconds.
expect_gap() {
  local g
  g=$(gap_after "$1" "$2")
  awk -v g="$g" -v lo="$3" -v hi="$4" 'BEGIN { exit !(g != "" && g >= lo && g <= hi) }' ||
    fail "wait after '$2' was '${g}' s, expected $3 to $4 s"
}
