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

# pgd_normalize NAME: NAME as the runtime normalises a table's name, and so
# the script's name into the default schema (names.c: each byte outside
# [A-Za-z0-9_] and each lower-to-upper step gives a _, runs of _ become one,
# lowercase; a leading digit gets a _ before it, and a leading _ before a
# letter goes).
pgd_normalize() {
  local n
  n=$(printf '%s' "$1" | LC_ALL=C sed -E 's/([a-z])([A-Z])/\1_\2/g; s/[^A-Za-z0-9_]/_/g' |
    LC_ALL=C tr 'A-Z' 'a-z' | tr -s '_')
  case "$n" in [0-9]*) n=_$n ;; _[a-z]*) n=${n#_} ;; esac
  printf '%s\n' "$n"
}

# pgd_schema_of DIR: the schema that stands for DIR, made up the first time.
# files/NAME, where a run of NAME.lua without --output goes with SQLite, is
# the schema the runtime names by that script (NAME normalised), so that the
# two ways of naming it meet as they do with SQLite. Any other DIR: its path
# below the case's directory in lowercase letters, digits and _ (o -> o,
# a/b -> a_b), unique in the case (_2, _3 ... after a clash), never starting
# with pg_ (PostgreSQL's own) and well below 63 bytes.
pgd_schema_of() {
  local key name n=1 try
  key=$(pgd_key "$1")
  if name=$(pgd_lookup "$key"); then echo "$name"; return; fi
  if [[ $key == */files/* && ${key%/*} == */files ]]; then
    name=$(pgd_normalize "${key##*/}")
    printf '%s\t%s\n' "$key" "$name" >> "$PGD_META/map"
    echo "$name"
    return
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

# pgd_mark DIR: a run (this process, about to become connector-lua) writes
# DIR's schema: mirror it again at the next read, and while the run lasts.
pgd_mark() {
  local key
  key=$(pgd_key "$1")
  echo $$ >> "$PGD_META/dirty/${key//\//%}"
}
