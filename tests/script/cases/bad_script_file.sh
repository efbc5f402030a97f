# A script that cannot be run: a missing file or a directory is bad input
# (exit 3, the message names the path); a script without an update()
# function fails the sync (exit 1) and says so. The database is untouched.

# The last checkpoint (o/: two rows, one soft-deleted) and unchanged().
. "$ROOT/tests/script/last_checkpoint.sh"

run nope.lua --output o
expect_exit 3
expect_out "SYNC FAILED"
expect_no_out "Upserts"
severe_is "cannot read script nope.lua: No such file or directory"
unchanged

run scripts/nope.lua --output o
expect_exit 3
severe_is "cannot read script scripts/nope.lua: No such file or directory"
unchanged

mkdir -p dir.lua
run dir.lua --output o
expect_exit 3
expect_out "SYNC FAILED"
severe_is "cannot read script dir.lua: it is a directory"
unchanged

# Without --output the run would use files/nope: nothing is created there.
run nope.lua
expect_exit 3
expect_nothing_created files

# An empty script defines no update().
write connector.lua < /dev/null
fails_unchanged "connector.lua: no update(configuration, state) function: define it as a global or in the table the script returns"

# Only a schema(), returned in a table: still no update().
write connector.lua <<'LUA'
return { schema = function(configuration) return {} end }
LUA
fails_unchanged "connector.lua: no update(configuration, state) function: define it as a global or in the table the script returns"

# update that is not a function.
write connector.lua <<'LUA'
update = "op.upsert"
LUA
fails_unchanged "connector.lua: update must be a function, got string"
write connector.lua <<'LUA'
return { update = 5 }
LUA
fails_unchanged "connector.lua: update must be a function, got number"
