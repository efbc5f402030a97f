# Helpers for the pg_ cases that work beside a sync running in the
# background against PostgreSQL (sourced by run_case.sh; write_slow,
# still_running, run_beside and end_sync of background.sh go with them).

# pg_start_sync SCRIPT URL [ARGS...]: runs connector-lua SCRIPT --output URL
# ARGS in the background (stdout in ./out1, stderr in ./err1, its pid in
# PID1), and waits (at most 10 s) for its first checkpoint: the URL's
# schema's _clua_state reading {"page":1} shows the run is inside update(),
# holding the schema.
pg_start_sync() {
  local script=$1 url=$2 schema state=""
  shift 2
  schema=${url##*schema=}
  schema=${schema%%&*}
  "$CLUA" "$script" --output "$url" "$@" > out1 2> err1 &
  PID1=$!
  for _ in $(seq 200); do
    state=$(psql -XAtq -d "$CLUA_PG_URL" -c "SELECT convert_from(state, 'UTF8') FROM \"$schema\"._clua_state" 2>/dev/null)
    [ "$state" = '{"page":1}' ] && break
    sleep 0.05
  done
  [ "$state" = '{"page":1}' ] || { fail "the sync of $script into $schema did not checkpoint {\"page\":1}"; cat out1 err1 >&2; }
}

# pg_kill_at SCRIPT SCHEMA PAGE: runs connector-lua SCRIPT into SCHEMA in
# the background, waits (at most 20 s) until SCHEMA._clua_state's "page"
# reaches PAGE, lets it run on for 0.05 s (into the next page's ops), then
# kills it with SIGKILL; KILLED is its exit status (137 for the kill; else
# the run ended first and the case's kill proves nothing).
pg_kill_at() {
  local script=$1 schema=$2 page=$3 pid got=""
  "$CLUA" "$script" --output "$CLUA_PG_URL&schema=$schema" > out 2> err &
  pid=$!
  for _ in $(seq 400); do
    got=$(psql -XAtq -d "$CLUA_PG_URL" \
      -c "SELECT (convert_from(state, 'UTF8')::jsonb->>'page')::int >= $page FROM \"$schema\"._clua_state" 2>/dev/null)
    [ "$got" = t ] && break
    sleep 0.05
  done
  sleep 0.05
  kill -9 "$pid" 2>/dev/null
  { wait "$pid"; } 2> /dev/null # no "Killed" line from the shell
  KILLED=$?
  [ "$got" = t ] || fail "$script never checkpointed page $page in $schema"
  [ "$KILLED" = 137 ] || { fail "$script was not killed mid-sync (exit $KILLED)"; show_output; }
}
