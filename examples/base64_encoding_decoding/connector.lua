-- base64_encoding_decoding: every value of a record encoded to Base64 and
-- upserted, then decoded back and upserted again. Ported from the Fivetran
-- Connector SDK's examples/quickstart_examples/base_64_encoding_decoding.
--
--   connector-lua examples/base64_encoding_decoding/connector.lua --output files/base64
--
-- Two rows in table user (id is the key, so the encoded row is its own):
--   12345     John Doe      john.doe@example.com
--   MTIzNDU=  Sm9obiBEb2U=  am9obi5kb2VAZXhhbXBsZS5jb20=

function schema(configuration)
  return {
    { table = "user", primary_key = { "id" },
      columns = { id = "STRING", name = "STRING", email = "STRING" } },
  }
end

-- A new table of f(value) for every field of t.
local function map_values(t, f)
  local out = {}
  for k, v in pairs(t) do out[k] = f(v) end
  return out
end

function update(configuration, state)
  log.warning("Example: QuickStart Examples - Using Base64 Encoding and Decoding")
  local user_info = { id = "12345", name = "John Doe", email = "john.doe@example.com" }

  local encoded = map_values(user_info, base64.encode)
  op.upsert("user", encoded)

  -- base64.decode gives the bytes back; these are the UTF-8 text they were.
  local decoded = map_values(encoded, base64.decode)
  op.upsert("user", decoded)

  op.checkpoint(state)
end
