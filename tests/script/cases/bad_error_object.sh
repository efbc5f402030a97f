# update() raising an error value that is not a string: the sync fails
# (exit 1) with one message that names the script and says what was raised,
# and is rolled back.

# The last checkpoint (o/: two rows, one soft-deleted) and unchanged().
. "$ROOT/tests/script/last_checkpoint.sh"

# raises EXPR MESSAGE: update() upserts a row, then error(EXPR).
raises() {
  local before=$FAILURES
  write connector.lua <<LUA
function update(configuration, state)
  op.upsert("t", { id = 3, name = "three" })
  error($1)
end
LUA
  fails_unchanged "$2"
  [ "$FAILURES" = "$before" ] || echo "  (in: raises $1)" >&2
}

raises '{ code = 503, message = "unavailable" }' "connector.lua: (error object is a table value)"
raises '' "connector.lua: (error object is a nil value)"
raises 'true' "connector.lua: (error object is a boolean value)"
raises 'print' "connector.lua: (error object is a function value)"
# A number is shown as its text; a table with __tostring as what it returns.
raises '42' "connector.lua: 42"
raises 'setmetatable({}, { __tostring = function() return "HttpError 503" end })' "connector.lua: HttpError 503"
# A string raised at level 0 has no line; the message still names the script.
raises '"plain message", 0' "connector.lua: plain message"
