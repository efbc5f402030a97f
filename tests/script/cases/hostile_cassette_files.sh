# --record FILE writes its cassette to FILE.tmp, created anew, and renames
# it over FILE when the sync ends: a symbolic link, FIFO, device or
# directory planted at FILE or FILE.tmp is refused with a message naming it
# and never followed, and its target is left untouched. A --replay
# cassette whose "exchanges" is not an array is refused, naming the file.
write s.lua <<'LUA'
function update(configuration, state) end
LUA
printf 'victim\n' > victim.txt
MSG="not a file: refusing to write it (remove it: --record writes only a plain file, never through a link)"

untouched() { [ "$(cat victim.txt)" = victim ] || fail "victim.txt was written: $(cat victim.txt)"; }

# A link to a file, a dangling link, a link to a device.
ln -s victim.txt c.json
run s.lua --output o --record c.json
expect_exit 3
severe_is "cassette c.json is a symbolic link, $MSG"
untouched
[ -L c.json ] || fail "the link at c.json was removed"
ln -s nothere.txt d.json
run s.lua --output o --record d.json
expect_exit 3
severe_is "cassette d.json is a symbolic link, $MSG"
[ -e nothere.txt ] && fail "the dangling link's target was created"
ln -s /dev/null null.json
run s.lua --output o --record null.json
expect_exit 3
severe_is "cassette null.json is a symbolic link, $MSG"
run s.lua --output o --record /dev/null
expect_exit 3
severe_is "cassette /dev/null is a device, $MSG"

# A FIFO (the run must not block on it) and a directory.
mkfifo f.json
timeout 20 "$CLUA" s.lua --output o --record f.json > out 2> err
RC=$?
expect_exit 3
severe_is "cassette f.json is a FIFO, $MSG"
mkdir dir.json
run s.lua --output o --record dir.json
expect_exit 3
severe_is "cassette dir.json is a directory, $MSG"

# The same planted at the temporary file.
ln -s victim.txt t.json.tmp
run s.lua --output o --record t.json
expect_exit 3
severe_is "cassette t.json.tmp is a symbolic link, $MSG"
untouched
[ -e t.json ] && fail "t.json was created"
rm t.json.tmp
mkfifo t.json.tmp
timeout 20 "$CLUA" s.lua --output o --record t.json > out 2> err
RC=$?
expect_exit 3
severe_is "cassette t.json.tmp is a FIFO, $MSG"
rm t.json.tmp

# A plain file left at the temporary by a run that was killed is replaced.
printf 'half a cassette' > t.json.tmp
run s.lua --output o --record t.json
expect_exit 0
expect_err "INFO     recorded 0 HTTP exchanges in t.json"
[ -e t.json.tmp ] && fail "t.json.tmp was left behind"
python3 -c 'import json; assert json.load(open("t.json")) == {"connector_lua_cassette": 1, "exchanges": []}' ||
  fail "t.json: $(cat t.json)"

# While a sync records, the cassette recorded before stays whole; it is
# replaced when the sync ends.
cp t.json before.json
write peek.lua <<'LUA'
function update(configuration, state)
  local f = assert(io.open("t.json"))
  local text = f:read("a")
  f:close()
  local g = assert(io.open("before.json"))
  log.info("old cassette during the sync:", text == g:read("a"))
  g:close()
end
LUA
run peek.lua --output peek --record t.json
expect_exit 0
expect_err "INFO     old cassette during the sync: true"

# A link planted at the cassette while the sync runs: refused at the end,
# never followed; the recording is kept beside it.
write plant.lua <<'LUA'
function update(configuration, state)
  os.remove("p.json")
  assert(os.execute("ln -s victim.txt p.json"))
end
LUA
printf '{}' > p.json
run plant.lua --output plant --record p.json
expect_exit 1
severe_is "cassette p.json is a symbolic link, $MSG; the recording is in p.json.tmp"
untouched
python3 -c 'import json; json.load(open("p.json.tmp"))' || fail "p.json.tmp is not the recording"

# "exchanges" that is not an array: refused, naming the file and what was
# expected (an object {"a": 1} was taken as zero exchanges).
WANT='"exchanges" must be an array of exchanges ([{"request": ...}, ...]), got'
for x in '{"a": 1}:an object' '{}:an object' '5:a number' '"x":a string' 'null:null'; do
  printf '{"connector_lua_cassette": 1, "exchanges": %s}' "${x%:*}" > bad.json
  run s.lua --output o --replay bad.json
  expect_exit 3
  severe_is "cassette bad.json: $WANT ${x##*:}"
done
printf '{"connector_lua_cassette": 1}' > bad.json
run s.lua --output o --replay bad.json
expect_exit 3
severe_is "cassette bad.json: $WANT nothing (it is missing)"
printf '{"connector_lua_cassette": 1, "exchanges": []}' > ok.json
run s.lua --output o --replay ok.json
expect_exit 0
