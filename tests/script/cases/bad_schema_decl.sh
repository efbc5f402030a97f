# Bad table declarations in schema() (README "schema(configuration)"): each fails the sync with
# exit 1 and one message that names the script, the table (or the entry
# when the table has no usable name) and the column, and leaves the
# database as the last checkpoint left it.

# The last checkpoint (o/: two rows, one soft-deleted) and unchanged().
. "$ROOT/tests/script/last_checkpoint.sh"

# declares RETURN MESSAGE: schema() returning the Lua expression RETURN
# fails with `connector.lua: MESSAGE`; nothing changes.
declares() {
  local before=$FAILURES
  write connector.lua <<LUA
function schema(configuration)
  return $1
end
function update(configuration, state)
  op.upsert("t", { id = 3, name = "three" })
end
LUA
  fails_unchanged "connector.lua: $2"
  [ "$FAILURES" = "$before" ] || echo "  (in: declares $1)" >&2
}
KNOWN='(known: BOOLEAN, SHORT, INT, LONG, DECIMAL, FLOAT, DOUBLE, NAIVE_DATE, NAIVE_DATETIME, UTC_DATETIME, BINARY, XML, STRING, JSON)'

# A table declared twice (a new one, and the existing one).
declares '{ { table = "u", primary_key = { "k" } }, { table = "u", primary_key = { "k" } } }' \
  'schema(): table "u" is declared twice'
declares '{ { table = "t", primary_key = { "id" } }, { table = "t", primary_key = { "id" } } }' \
  'schema(): table "t" is declared twice'
# An empty, a non-string or a missing table name.
declares '{ { table = "", primary_key = { "k" } } }' \
  'schema(): entry 1: "table" must be a non-empty name, got an empty or NUL-holding string'
declares '{ { table = "u", primary_key = { "k" } }, { table = 5, primary_key = { "k" } } }' \
  'schema(): entry 2: "table" must be a non-empty name, got number'
declares '{ { primary_key = { "k" } } }' \
  'schema(): entry 1: "table" must be a non-empty name, got nil'
# An unknown type name, for a key column and for another column.
declares '{ { table = "u", primary_key = { "k" }, columns = { k = "INTEGER" } } }' \
  "schema(): table \"u\" column \"k\": unknown type \"INTEGER\" $KNOWN"
declares '{ { table = "u", primary_key = { "k" }, columns = { k = "INT", note = "VARCHAR(20)" } } }' \
  "schema(): table \"u\" column \"note\": unknown type \"VARCHAR(20)\" $KNOWN"
declares '{ { table = "u", primary_key = { "k" }, columns = { k = "INT", n = 5 } } }' \
  'schema(): table "u" column "n": the type must be a name such as "STRING" or a table such as { type = "DECIMAL", precision = 15, scale = 2 }, got number'
# A primary-key column that is not a string.
declares '{ { table = "u", primary_key = { 1 } } }' \
  'schema(): table "u": primary-key column 1 must be a string, got number'
declares '{ { table = "u", primary_key = { "k", true } } }' \
  'schema(): table "u": primary-key column 2 must be a string, got boolean'
# DECIMAL without precision or scale, in either form.
declares '{ { table = "u", primary_key = { "k" }, columns = { k = "INT", amount = "DECIMAL" } } }' \
  'schema(): table "u" column "amount": DECIMAL needs precision and scale: { type = "DECIMAL", precision = 15, scale = 2 }'
declares '{ { table = "u", primary_key = { "k" }, columns = { k = "INT", amount = { type = "decimal", precision = 10 } } } }' \
  'schema(): table "u" column "amount": DECIMAL needs precision and scale: { type = "DECIMAL", precision = 15, scale = 2 }'
# An unknown field, such as a misspelt primary_key.
declares '{ { table = "u", primary_keys = { "k" } } }' \
  'schema(): table "u": unknown field primary_keys (the fields are table, primary_key, columns and history)'
declares '{ { table = "u", primary_key = { "k" }, colums = { k = "INT" } } }' \
  'schema(): table "u": unknown field colums (the fields are table, primary_key, columns and history)'
# A column the runtime keeps for itself, and a key named twice.
declares '{ { table = "u", primary_key = { "k" }, columns = { k = "INT", _fivetran_deleted = "BOOLEAN" } } }' \
  'schema(): table "u": column "_fivetran_deleted" is reserved for the runtime'
declares '{ { table = "u", primary_key = { "k", "k" } } }' \
  'schema(): table "u": primary-key column "k" is named twice'
# Not a list of declarations.
declares '"t"' 'schema(): must return a list of table declarations, got string'
declares '{ "t" }' 'schema(): entry 1 must be a table such as { table = "user", primary_key = {"id"} }, got string'
