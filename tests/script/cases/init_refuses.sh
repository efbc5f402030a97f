# init_refuses: `connector-lua init` never overwrites and never leaves half a
# project. A file (or a link, even a dangling one) where it would write stops
# it before anything is written, naming it (exit 3); a write that fails half
# way removes what it wrote and the directories it made (exit 1); a bad
# command line is exit 2 and writes nothing.

# Usage errors: nothing is made.
run init
expect_exit 2
expect_err "connector-lua: init: init needs the directory to write the project in"
run init a b
expect_exit 2
expect_err "unexpected argument: b"
run init a --template
expect_exit 2
expect_err "option needs a value: --template"
run init a --template nope
expect_exit 2
expect_err "unknown template nope (templates: minimal, api, file)"
run init a --output x
expect_exit 2
expect_err "unknown option (init takes only --template): --output"
[ ! -e a ] || fail "a usage error made the directory a"
run init --help
expect_exit 0
expect_out "usage: connector-lua init DIR [--template minimal|api|file]"
run --help
expect_out "connector-lua init DIR [--template minimal|api|file]"

# A file init would write exists: named, and nothing else is written.
mkdir p1
echo '{"mine": true}' > p1/connector.expected.json
run init p1 --template api
expect_exit 3
expect_err "connector-lua: init: p1/connector.expected.json: already exists: nothing was written"
[ "$(ls -A p1)" = "connector.expected.json" ] || fail "init wrote into p1: $(ls -A p1)"
expect_file_eq p1/connector.expected.json '{"mine": true}'

# A dangling link at a name: refused, and its target is not created.
mkdir p2
ln -s "$PWD/target.json" p2/configuration.json
run init p2
expect_exit 3
expect_err "p2/configuration.json: already exists (a symbolic link): nothing was written"
[ ! -e target.json ] || fail "init wrote through the link p2/configuration.json"
[ "$(ls -A p2)" = "configuration.json" ] || fail "init wrote into p2: $(ls -A p2)"

# .luals a link to another directory: refused, nothing written there.
mkdir p3 other
ln -s "$PWD/other" p3/.luals
run init p3 --template file
expect_exit 3
expect_err "p3/.luals: exists and is not a directory (a symbolic link)"
[ -z "$(ls -A other)" ] || fail "init wrote through the link p3/.luals: $(ls -A other)"
[ "$(ls -A p3)" = ".luals" ] || fail "init wrote into p3: $(ls -A p3)"

# DIR a file, or a link to nothing.
echo x > plain
run init plain
expect_exit 3
expect_err "connector-lua: init: plain: exists and is not a directory"
ln -s "$PWD/nowhere" dangling
run init dangling
expect_exit 3
expect_err "dangling: is a link to nothing"
[ ! -e nowhere ] || fail "init made the target of the link dangling"

# A directory that exists, with other files: init adds its own, keeps those.
mkdir p4
echo notes > p4/NOTES.txt
run init p4
expect_exit 0
expect_file_eq p4/NOTES.txt notes
[ -f p4/connector.lua ] || fail "init p4 wrote no connector.lua"
# A second init into it refuses, naming the first file of the template.
run init p4
expect_exit 3
expect_err "p4/connector.lua: already exists"

# Missing parents are made; a name a shell must quote is quoted in the
# commands printed.
run init "deep/er/my proj" --template file
expect_exit 0
[ -f "deep/er/my proj/orders.csv" ] || fail "init did not make deep/er/my proj"
expect_out "  cd 'deep/er/my proj'"
expect_out "  'deep/er/my proj/connector.lua'  "
# In the current directory, no cd.
mkdir here
cd here && run init . && cd "$WORK" && mv here/out here/err .
expect_exit 0
expect_no_out "cd "
expect_out "  ./connector.lua  "

# A write that fails half way (a file size limit of 6 KiB: the definitions,
# written last, are larger) removes every file written and every directory
# made; exit 1, naming the file and why (the program itself ignores SIGXFSZ,
# which would otherwise kill it half way).
half_way() {
  ( ulimit -f 6; run "$@"; echo "$RC" > rc )
  RC=$(cat rc)
}
half_way init new/sub/proj --template api
expect_exit 1
expect_err "connector-lua: init: new/sub/proj/.luals/connector_lua.d.lua: cannot write it: File too large"
[ ! -e new ] || fail "a failed init left: $(find new)"
# In a directory that existed: it stays, with its own files, and nothing of init's.
mkdir p5
echo notes > p5/NOTES.txt
half_way init p5 --template minimal
expect_exit 1
[ "$(ls -A p5)" = "NOTES.txt" ] || fail "a failed init left in p5: $(ls -A p5)"
# And a second try, without the limit, writes the project.
run init p5 --template minimal
expect_exit 0
[ -f p5/.luals/connector_lua.d.lua ] || fail "init after a failed one wrote no definitions"
