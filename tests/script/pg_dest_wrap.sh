#!/usr/bin/env bash
# connector-lua, as a script case sees it when it runs against PostgreSQL
# (run_case.sh with CLUA_DEST=pg; pg_dest.sh sets $CLUA to this file): the
# same arguments, but each output directory becomes a schema of the case's
# own database, and then the real binary runs in this process (exec), so
# that signals, exit statuses and pids are its own.
#   --output DIR (or --output=DIR)  -> --output URL&schema=S, S a name of DIR
#                                      (pg_dest.sh's pgd_schema_of)
#   no --output, a SCRIPT           -> --output URL (no schema=: the runtime
#                                      names it by the script, as users see),
#                                      for files/<script>/ of SQLite
# A URL given by the case, `test` (a temporary directory of its own), `init`
# and --help/--version go through unchanged. Each run marks its directory's
# schema as written (pgd_mark), so the next read of DIR/warehouse.db mirrors
# the schema there again (pg_mirror.py).
set -u
# shellcheck source=/dev/null
. "$PGD_ROOT/tests/script/pg_dest_map.sh"

args=("$@")
sub=run
case "${1:-}" in
  reset | inspect) sub=$1 ;;
  test | init | -h | --help | -V | --version | "") exec "$PGD_CLUA" "$@" ;;
esac

# The options that take a value (the next argument): not a SCRIPT or TABLE.
valued=" --configuration --state --output --log-level --log-format --record --replay --naming
  --memory-limit --timeout --limit --key "
out_at=-1 script=""
start=0
[ "$sub" = run ] || start=1
for ((i = start; i < ${#args[@]}; i++)); do
  a=${args[i]}
  case "$a" in
    --output=*) out_at=$i ;;
    --output) [ $((i + 1)) -lt ${#args[@]} ] || exec "$PGD_CLUA" "$@"; out_at=$((i + 1)); i=$((i + 1)) ;;
    -*) if [[ $valued == *" $a "* ]]; then
          # an option that lacks its value: the usage error as it is
          [ $((i + 1)) -lt ${#args[@]} ] || exec "$PGD_CLUA" "$@"
          i=$((i + 1))
        fi ;;
    *) if [ -z "$script" ] && { [ "$sub" = run ] || [[ $a == *.lua ]]; }; then script=$a; fi ;;
  esac
done

if [ "$out_at" -ge 0 ] && [ "$out_at" -lt ${#args[@]} ]; then
  dir=${args[out_at]}
  [ "${args[out_at]:0:9}" = --output= ] && dir=${dir#--output=}
  case "$dir" in
    postgres://* | postgresql://* | "") exec "$PGD_CLUA" "$@" ;;
  esac
  schema=$(pgd_schema_of "$dir")
  pgd_mark "$dir"
  url="$PGD_URL&schema=$schema"
  if [ "${args[out_at]:0:9}" = --output= ]; then args[out_at]="--output=$url"; else args[out_at]=$url; fi
elif [ -n "$script" ]; then
  base=${script##*/}
  dir=files/${base%.lua}
  pgd_schema_of "$dir" > /dev/null
  pgd_mark "$dir"
  args+=(--output "$PGD_URL")
fi
exec "$PGD_CLUA" "${args[@]}"
