# Connectors that differ only in what update() does (sourced by run_case.sh).

# run_update FILE DEFS LINE...: FILE is DEFS (the case's schema() and the
# like), then `function update()` with the LINEs and `end` (the lines a
# heredoc of the same would give, so messages name the same line numbers);
# runs connector-lua FILE --output o.
run_update() {
  local file=$1 defs=$2
  shift 2
  { printf '%s\nfunction update()\n' "$defs"; printf '  %s\n' "$@"; echo end; } > "$file"
  run "$file" --output o
}
