#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests, all of it in one directory:
#   cluster.sh start DIR   a fresh cluster in DIR/data, its socket in DIR, a database `warehouse`
#   cluster.sh stop DIR    stops it and removes DIR/data (nothing to do when none runs)
#   cluster.sh url DIR     the URL the tests use: postgresql://postgres@/warehouse?host=DIR
# The server listens on a Unix socket in DIR only (no TCP port), so it cannot
# clash with Debian's own `main` cluster, another build's cluster or another
# user's. As root (CI) it runs as the `postgres` system user, since initdb
# refuses root. Binaries: `pg_config --bindir` (libpq-dev) when that directory
# has initdb, else /usr/lib/postgresql/15/bin.
set -euo pipefail

die() { echo "cluster.sh: $*" >&2; exit 1; }
INSTALL="apt-get install -y --no-install-recommends postgresql-15 postgresql-client-15"

[ $# = 2 ] || die "usage: cluster.sh start|stop|url DIR"
cmd=$1
dir=$(realpath -m -- "$2")

# url [DB]: the URL of database DB (warehouse), the host parameter percent-encoded where a path character is not
# plain (a space, '&', '%' ...), which libpq decodes.
url() {
  local host="" c i
  for ((i = 0; i < ${#dir}; i++)); do
    c=${dir:i:1}
    case $c in
      [A-Za-z0-9/._~-]) host+=$c ;;
      *) host+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  echo "postgresql://postgres@/${1:-warehouse}?host=$host"
}

bindir() {
  local d
  d=$(pg_config --bindir 2>/dev/null || true)
  if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return; fi
  d=/usr/lib/postgresql/15/bin
  if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return; fi
  die "no PostgreSQL server found (no initdb in \`pg_config --bindir\` nor in $d): install postgresql-15 ($INSTALL)"
}

# as_owner CMD...: runs CMD as the cluster's owner: `postgres` when we are root.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

running() { [ -f "$dir/data/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$dir/data" status > /dev/null 2>&1; }

stop() {
  [ -d "$dir/data" ] || return 0
  BIN=${BIN:-$(bindir)}
  if running; then
    # A server that is already dying (its postmaster killed) makes pg_ctl
    # fail: what matters is that none runs afterwards.
    as_owner "$BIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop > /dev/null 2>&1 ||
      as_owner "$BIN/pg_ctl" -D "$dir/data" -m immediate -w stop > /dev/null 2>&1 ||
      ! running || die "the server of $dir/data does not stop (see $dir/log)"
  fi
  rm -rf -- "$dir/data"
}

start() {
  local t0 sock conf
  t0=$(date +%s%N)
  # The socket's path must fit in sun_path (108 bytes, PostgreSQL's limit);
  # 100 leaves room and says so before initdb does its work.
  sock="$dir/.s.PGSQL.${PGPORT:-5432}"
  [ "${#sock}" -lt 100 ] ||
    die "$dir is too long for a Unix socket path ($sock: ${#sock} bytes, at most 99): use a shorter build directory"
  command -v psql > /dev/null || die "no psql, which the tests query the server with: install postgresql-client-15 ($INSTALL)"
  # A server left by a killed earlier run stops first; each start is a fresh cluster.
  stop
  mkdir -p -- "$dir"
  if [ "$(id -u)" = 0 ]; then
    id postgres > /dev/null 2>&1 || die "no \`postgres\` system user to run the server as root: install postgresql-15 ($INSTALL)"
    chown postgres: "$dir"
    runuser -u postgres -- test -w "$dir" ||
      die "the postgres user cannot write $dir: a parent directory is not searchable by others (chmod o+x it, or build elsewhere)"
  fi
  # Trust, for connections through the socket only (there is no TCP listener,
  # and TCP would be rejected anyway); the directory's permissions guard it.
  as_owner "$BIN/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C --no-sync \
    --auth-local=trust --auth-host=reject > "$dir/initdb.log" 2>&1 ||
    die "initdb failed in $dir/data: $(tail -n 5 "$dir/initdb.log")"
  conf="$dir/data/postgresql.conf"
  {
    echo "listen_addresses = ''"
    echo "unix_socket_directories = '${dir//\'/\'\'}'"
    # A throwaway cluster: a crash loses nothing that matters, so no fsync
    # (nor in initdb: --no-sync) and no waiting for the WAL flush at commit:
    # starts and tests are faster.
    echo "fsync = off"
    echo "synchronous_commit = off"
    echo "full_page_writes = off"
  } >> "$conf"
  as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 start > /dev/null ||
    die "the server did not start: $(tail -n 5 "$dir/log" 2>/dev/null)"
  psql -XAtq -v ON_ERROR_STOP=1 -d "$(url postgres)" -c 'CREATE DATABASE warehouse' ||
    die "could not create the database warehouse on $(url postgres)"
  echo "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') in $dir, started in" \
    "$(( ($(date +%s%N) - t0) / 1000000 )) ms: $(url)"
}

case $cmd in
  url) url ;;
  start) BIN=$(bindir); start ;;
  stop) stop ;;
  *) die "usage: cluster.sh start|stop|url DIR" ;;
esac
