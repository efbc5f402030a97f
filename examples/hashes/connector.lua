-- hashes: a primary key computed from the row, for a source whose records
-- have no field that identifies them. Ported from the Fivetran Connector
-- SDK's examples/common_patterns_for_connectors/hashes.
--
--   connector-lua examples/hashes/connector.lua --output files/hashes
--
-- Each row's hash_id is the SHA-1 (hex) of the row as Python's
-- json.dumps(row, sort_keys=True) writes it (py_json.lua, loaded with
-- require from this directory), so the keys are the SDK example's own: any change to a field, a null included, makes a new row.
-- A missing field and a null one differ (the key is absent or "null"), which
-- is why a None field is json.null here: a Lua table cannot hold nil.
-- Five rows, one table:
--   9507eb591ddb60eb68452d06cf70696d8d5e8140  John Doe    john.doe@example.com  2007-12-03T10:15:30Z
--   7d09ec9c2cfa02549a329a36fcd0221b1ea020ab  John Doe    john.doe@example.com  2008-02-13T03:30:50Z
--   f01ca16d545bf1af5a8bbce87acc622101e1a992  John Doe    NULL                  2008-02-13T03:30:50Z
--   a211fe507efd31c94e30e91fc8883b4a68605d3d  Joe Smith   NULL                  2014-05-10T00:00:30Z
--   aa1f248cbe6e71e1f36db2f09c5b68a2fbe3febb  Jane Dalton NULL (absent)         NULL

function schema(configuration)
  return {
    { table = "user", primary_key = { "hash_id" },
      columns = { first_name = "STRING", last_name = "STRING", email = "STRING",
                  updated_at = "UTC_DATETIME" } },
  }
end

-- py_json.lua, beside this file: json.dumps as Python writes it.
local py_json = require("py_json")

local function with_hash(row)
  row.hash_id = hash.sha1(py_json.dumps_sorted(row))
  return row
end

function update(configuration, state)
  log.warning("Example: Common Patterns For Connectors - Hashes")
  local rows = {
    -- a record from the source
    { first_name = "John", last_name = "Doe", email = "john.doe@example.com",
      updated_at = "2007-12-03T10:15:30Z" },
    -- the same record, updated later: a new hash, a new row
    { first_name = "John", last_name = "Doe", email = "john.doe@example.com",
      updated_at = "2008-02-13T03:30:50Z" },
    -- and again, with its email now null
    { first_name = "John", last_name = "Doe", email = json.null,
      updated_at = "2008-02-13T03:30:50Z" },
    -- another record, email null
    { first_name = "Joe", last_name = "Smith", email = json.null,
      updated_at = "2014-05-10T00:00:30Z" },
    -- another, without an email field at all and a null updated_at
    { first_name = "Jane", last_name = "Dalton", updated_at = json.null },
  }
  for _, row in ipairs(rows) do op.upsert("user", with_hash(row)) end
  op.checkpoint(state)
end
