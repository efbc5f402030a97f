-- multiple_code_files: a connector in several files, its helper in a
-- subdirectory, loaded with require. Ported from the Fivetran Connector
-- SDK's examples/quickstart_examples/multiple_code_files_with_sub_directory_structure.
--
--   connector-lua examples/multiple_code_files/connector.lua --output files/multiple_code_files
--
-- require("utils.timestamp_serializer") loads utils/timestamp_serializer.lua
-- from this script's directory, from whatever directory the command runs
-- in, and under --sandbox too. The source sends timestamps in two formats,
-- in UTC; the serializer turns both into ISO 8601 with an offset. Two rows
-- in table event:
--   Event1  2024-09-24T14:30:45.000Z   (sent as 2024/09/24 14:30:45)
--   Event2  2024-09-24T10:30:45.000Z   (sent as 2024-09-24 10:30:45)

local timestamp_serializer = require("utils.timestamp_serializer")

function schema(configuration)
  return {
    { table = "event", primary_key = { "name" },
      columns = { name = "STRING", timestamp = "UTC_DATETIME" } },
  }
end

function update(configuration, state)
  log.warning("Example: QuickStart Examples - Multiple Code Files With Sub Directory Structure")

  local row_1 = { name = "Event1", timestamp = "2024/09/24 14:30:45" }
  row_1.timestamp = timestamp_serializer.serialize(row_1.timestamp)
  op.upsert("event", row_1)

  local row_2 = { name = "Event2", timestamp = "2024-09-24 10:30:45" }
  row_2.timestamp = timestamp_serializer.serialize(row_2.timestamp)
  op.upsert("event", row_2)

  op.checkpoint(state)
end
