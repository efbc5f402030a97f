#!/usr/bin/env bash
# man_page: connector-lua(1) answers what --help does. Every option, command,
# template and exit status that `connector-lua --help`, `test --help` and
# `init --help` print must be in the man page; the page must use only the
# man(7) macros and escapes below (what every man reader renders), and,
# where groff is installed, render without a warning.
#
#   man_page.sh BINARY MANPAGE
set -uo pipefail
BIN=$1 PAGE=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -f "$PAGE" ] || fail "no man page $PAGE"

help_main=$("$BIN" --help) || fail "connector-lua --help exited with $?"
help_test=$("$BIN" test --help) || fail "connector-lua test --help exited with $?"
help_init=$("$BIN" init --help) || fail "connector-lua init --help exited with $?"
help_inspect=$("$BIN" inspect --help) || fail "connector-lua inspect --help exited with $?"
all_help=$(printf '%s\n' "$help_main" "$help_test" "$help_init" "$help_inspect")

# The page's source as text: roff escapes undone, macro names dropped.
text=$(sed -e '/^\.\\"/d' -e 's/^\.[A-Za-z]* *//' -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' \
  -e 's/\\e/\\/g' "$PAGE")
# The text of one section (.SH NAME) of the page.
section() { awk -v s="$1" '/^\.SH /{on = ($0 == ".SH " s)} on' "$PAGE" |
  sed -e 's/^\.[A-Za-z]* *//' -e 's/\\-/-/g' -e 's/\\f[BIRP]//g'; }
has() { grep -qE -- "(^|[^A-Za-z0-9-])$1([^A-Za-z0-9-]|\$)" <<< "$2"; }

missing=()
options=$(grep -oE -- '(^|[][ (|,])--?[A-Za-z][A-Za-z-]*' <<< "$all_help" | sed 's/^[][ (|,]//' | sort -u)
[ "$(wc -l <<< "$options")" -ge 25 ] || fail "found only $(wc -l <<< "$options") options in --help"
for o in $options; do has "$o" "$(section OPTIONS)" || missing+=("option $o"); done
for c in reset inspect test init; do has "connector-lua $c" "$(section COMMANDS)" || missing+=("command $c"); done
templates=$(sed -n '/^templates:/,/^$/p' <<< "$help_init" | awk 'NR > 1 && NF {print $1}')
[ -n "$templates" ] || fail "found no template in init --help"
for t in $templates; do has "$t" "$(section OPTIONS)" || missing+=("template $t"); done
# Exit statuses: the table of --help, and the sentences of test and init.
codes=$( { sed -n '/^exit status:/,$p' <<< "$help_main" | grep -oE '^  [0-9]+(, [0-9]+)*' | tr ',' '\n'
  for h in "$help_test" "$help_init"; do
    sed -n '/^exit status:/,$p' <<< "$h" | sed 's/^exit status://' | grep -oE '(^|[ ,/])[0-9]+\b'
  done; } | tr -dc '0-9\n' | sort -un)
[ "$(wc -l <<< "$codes")" -ge 9 ] || fail "found only these exit statuses in --help: $codes"
# Each status a tag of its own (the line after .TP).
exits=$(awk '/^\.SH /{on = ($0 == ".SH \"EXIT STATUS\"" || $0 == ".SH EXIT STATUS")}
  on && prev == ".TP" {print} {prev = $0}' "$PAGE" | sed 's/^\.[A-Za-z]* *//' | tr ',"' '  ')
for c in $codes; do has "$c" "$exits" || missing+=("exit status $c"); done
for f in warehouse.db warehouse.db-wal warehouse.db-shm state.json .lock expected.json cassette.json \
         connector_lua.d.lua; do
  grep -qF -- "$f" <<< "$(section FILES)" || missing+=("file $f")
done
for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS 'EXIT STATUS' ENVIRONMENT FILES EXAMPLES 'SEE ALSO'; do
  grep -qx "\.SH \"*$s\"*" "$PAGE" || missing+=("section $s")
done
[ ${#missing[@]} -eq 0 ] || fail "the man page lacks: $(printf '%s; ' "${missing[@]}")"
grep -q "^\.TH CONNECTOR-LUA 1 " "$PAGE" || fail "no .TH CONNECTOR-LUA 1 line"
[ -n "$text" ] || fail "empty page"

# Only portable man(7): known macros, known escapes, no blank or
# space-led lines outside .EX/.EE (they become stray vertical or horizontal
# space).
bad=$(awk '
  /^\.EX/ { ex = 1 } /^\.EE/ { ex = 0 }
  /^$/ { print FILENAME ":" NR ": blank line"; next }
  /^[ \t]/ && !ex { print FILENAME ":" NR ": line starts with white space outside .EX"; next }
  /[ \t]$/ { print FILENAME ":" NR ": trailing white space"; next }
  /^\.\\"/ { next }
  /(^|[ [(|])-/ && !/^\.\\"/ { print FILENAME ":" NR ": an option written with - (a hyphen), not \\- (a minus)" }
  /^[.\047]/ {
    m = $1; sub(/^[.\047]/, "", m)
    if (m !~ /^(TH|SH|SS|TP|PP|IP|RS|RE|B|I|BR|BI|IB|IR|RB|RI|EX|EE|br|nh|ad)$/)
      print FILENAME ":" NR ": macro ." m " is not in the set this page allows"
  }
  {
    line = $0
    while (match(line, /\\./)) {
      e = substr(line, RSTART, 3)
      if (e ~ /^\\\(/) { e = substr(line, RSTART, 4); if (e !~ /^\\\((aq|lq|rq)$/) print FILENAME ":" NR ": escape " e }
      else if (substr(e, 1, 2) !~ /^\\[-fe|&]$/) print FILENAME ":" NR ": escape " substr(e, 1, 2)
      else if (substr(e, 1, 2) == "\\f" && e !~ /^\\f[BIRP]$/) print FILENAME ":" NR ": font " e
      line = substr(line, RSTART + 2)
    }
  }' "$PAGE")
[ -z "$bad" ] || fail "not portable man(7):
$bad"

if command -v groff > /dev/null; then
  warnings=$(groff -man -Tutf8 -ww -z "$PAGE" 2>&1)
  [ -z "$warnings" ] || fail "groff warns:
$warnings"
  echo "groff renders $PAGE without a warning"
else
  echo "groff not installed: checked the macros and escapes only"
fi
echo "the man page has all $(wc -l <<< "$options") options, $(wc -l <<< "$codes") exit statuses and every command of --help"
