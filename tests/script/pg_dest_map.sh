# Which schema of a case's PostgreSQL database stands for which output
# directory, when the script cases run against PostgreSQL (pg_dest.sh,
# pg_dest_wrap.sh: both source this). The map is a file, $PGD_META/map, a
# line `DIR<TAB>SCHEMA` per directory (DIR its absolute path), since runs in
# the background and the harness share it; the files in $PGD_META/dirty/
# (DIR's path, / as %) say which directories a run has written since they
# were last mirrored, and hold the pids of those runs.

# pgd_key DIR: DIR's absolute path, the map's key (o, ./o and $PWD/o/ are one).
pgd_key() { realpath -m -- "$1"; }

# pgd_lookup KEY: the schema mapped to KEY ("" when pending); status 1 when
# KEY is not in the map.
pgd_lookup() {
  awk -F '\t' -v k="$1" '$1 == k { print $2; found = 1; exit } END { exit !found }' \
    "$PGD_META/map" 2> /dev/null
}

# pgd_schema_of DIR: the schema that stands for DIR, made up the first time:
# DIR's path below the case's directory in lowercase letters, digits and _
# (o -> o, a/b -> a_b), unique in the case (_2, _3 ... after a clash), never
# starting with pg_ (PostgreSQL's own) and well below 63 bytes.
pgd_schema_of() {
  local key name n=1 try
  key=$(pgd_key "$1")
  if name=$(pgd_lookup "$key"); then
    # files/SCRIPT, which a run without --output has loaded (into the
    # schema the runtime named): that schema.
    [ -n "$name" ] || name=$(pgd_discover "$key") || name=
    [ -z "$name" ] || { echo "$name"; return; }
    awk -F '\t' -v k="$key" '$1 != k' "$PGD_META/map" > "$PGD_META/map.new" &&
      mv "$PGD_META/map.new" "$PGD_META/map"
  fi
  name=${key#"$PGD_WORK"}
  name=${name#/}
  name=$(printf '%s' "${name:-root}" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9_' '_')
  name=${name:0:40}
  case "$name" in pg_* | [0-9]*) name=d_$name ;; esac
  try=$name
  while cut -f2 "$PGD_META/map" 2> /dev/null | grep -qxF -- "$try"; do
    n=$((n + 1))
    try=${name}_$n
  done
  printf '%s\t%s\n' "$key" "$try" >> "$PGD_META/map"
  echo "$try"
}

# pgd_default DIR: DIR (files/SCRIPT) is where a run without --output goes;
# its schema is the one the runtime names by the script, found after the run
# (pgd_discover).
pgd_default() {
  local key
  key=$(pgd_key "$1")
  pgd_lookup "$key" > /dev/null || printf '%s\t\n' "$key" >> "$PGD_META/map"
}

# pgd_mark DIR: a run (this process, about to become connector-lua) writes
# DIR's schema: mirror it again at the next read, and while the run lasts.
pgd_mark() {
  local key
  key=$(pgd_key "$1")
  echo $$ >> "$PGD_META/dirty/${key//\//%}"
}

# pgd_discover KEY: the schema a run without --output made for KEY
# (files/SCRIPT): the one schema of the database no directory has yet.
pgd_discover() {
  local found
  found=$(psql -XAtq -d "$PGD_URL" -c "SELECT nspname FROM pg_namespace
            WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('public', 'information_schema')
            ORDER BY nspname" | grep -vxF -f <(cut -f2 "$PGD_META/map" | grep .))
  [ -n "$found" ] && [ "$(wc -l <<< "$found")" = 1 ] || return 1
  awk -F '\t' -v k="$1" -v s="$found" 'BEGIN { OFS = "\t" } $1 == k { $2 = s } { print }' \
    "$PGD_META/map" > "$PGD_META/map.new" && mv "$PGD_META/map.new" "$PGD_META/map"
  echo "$found"
}
