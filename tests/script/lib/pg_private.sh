# A PostgreSQL server of the case's own, for the pg_ cases that stop a
# server mid-sync, which the fixture's shared one must never be (sourced
# by run_case.sh). tests/pg/cluster.sh makes it (a fresh cluster, its
# socket in the directory); these stop and start it again with its data.

# pg_private_ctl DIR stop|start: pg_ctl on the cluster in DIR/data (fast
# shutdown: the server ends its sessions at once), as the cluster's owner
# (`postgres` when we are root, as cluster.sh runs it).
pg_private_ctl() {
  local bin
  bin=$(pg_config --bindir 2>/dev/null)
  [ -x "$bin/pg_ctl" ] || bin=/usr/lib/postgresql/15/bin
  local cmd=("$bin/pg_ctl" -D "$1/data" -l "$1/log" -w -t 60 -m fast "$2")
  if [ "$(id -u)" = 0 ]; then
    (cd / && runuser -u postgres -- "${cmd[@]}") > /dev/null || fail "pg_ctl $2 of $1 failed: $(tail -n 3 "$1/log")"
  else
    "${cmd[@]}" > /dev/null || fail "pg_ctl $2 of $1 failed: $(tail -n 3 "$1/log")"
  fi
}
