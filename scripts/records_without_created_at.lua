-- records_without_created_at.lua: a table whose primary key has two
-- columns, one of them a UTC timestamp. The same person appears twice with
-- different updated_at values, so both versions are kept. The rows are the
-- same on every run, so a second run changes nothing: still 3 rows.
--
--   connector-lua scripts/records_without_created_at.lua

function schema(configuration)
  return {
    {
      table = "user",
      primary_key = { "id", "updated_at" },
      columns = {
        id = "INT",
        updated_at = "UTC_DATETIME",
        first_name = "STRING",
        last_name = "STRING",
        designation = "STRING",
      },
    },
  }
end

function update(configuration, state)
  log.info("Example: records_without_created_at.lua - a two-column primary key")

  op.upsert("user", { id = 123, updated_at = "2007-12-03T10:15:30Z",
                      first_name = "John", last_name = "Doe", designation = "Manager" })
  op.upsert("user", { id = 123, updated_at = "2008-01-04T23:44:21Z",
                      first_name = "John", last_name = "Doe", designation = "Senior Manager" })
  op.upsert("user", { id = 456, updated_at = "2008-11-12T00:00:20Z",
                      first_name = "Jane", last_name = "Dalton", designation = "VP" })

  op.checkpoint(state)
end
