-- connector.lua: a connector for a paginated JSON API, synced incrementally.
--
-- It runs at once from the recorded responses in connector.cassette.json,
-- without the network:
--
--   connector-lua connector.lua --configuration configuration.json \
--       --replay connector.cassette.json
--   connector-lua test connector.lua      (compares with connector.expected.json)
--
-- To use a real API: copy configuration.json to configuration.local.json
-- (.gitignore keeps it out of git), put the real base_url and api_token
-- there, change the requests and the fields below to the API's, and record
-- a new cassette for the tests:
--
--   connector-lua connector.lua --configuration configuration.local.json \
--       --record connector.cassette.json
--
-- (a configuration value whose name holds "token", "secret", "password" or
-- "key" is shown as *** in logs and in the cassette).
--
-- The API this example talks to:
--
--   GET {base_url}/items?page=N&per_page=M&updated_since=T
--   Authorization: Bearer {api_token}
--   -> { "items": [ { "id": 1, "name": "kettle", "price": "24.90",
--                     "updated_at": "2024-05-01T11:00:00+02:00" }, ... ],
--        "next_page": 2 }                   -- null on the last page
--
-- Items come oldest first, those updated at or after T. An item with
-- "deleted": true was deleted at the source.
--
-- The state is { cursor = T }: the newest updated_at synced so far. Each
-- page is checkpointed with the cursor it reached, so a sync that fails
-- half way starts the next time from there instead of from the beginning.
-- The cursor is inclusive: the newest item comes again next time and is
-- upserted again, which is harmless, and one updated in the same
-- millisecond is never missed.
--
-- configuration: base_url, api_token (optional), per_page (default 100),
-- start_date (the first sync's cursor, default 1970-01-01).

---@param configuration table
---@return connector.Table[]
function schema(configuration)
  return {
    { table = "item", primary_key = { "id" },
      columns = { id = "LONG", name = "STRING", updated_at = "UTC_DATETIME",
                  price = { type = "DECIMAL", precision = 10, scale = 2 } } },
  }
end

-- An API timestamp as milliseconds since 1970 (UTC), or an error naming the
-- item. Timestamps with different offsets (+02:00, Z) cannot be compared as
-- text; as numbers they can.
local function instant(text, item)
  local ms, why = time.parse(tostring(text))
  if not ms then error(("item %s: updated_at: %s"):format(tostring(item.id), why)) end
  return ms
end

-- One page: its items and the next page's number (nil after the last).
-- raise = true turns a 4xx/5xx answer into an error, after the retries
-- (429 and 5xx are retried; see http.configure in update).
---@return table[] items, integer|nil next_page
local function fetch_page(configuration, since, page)
  local headers = { Accept = "application/json" }
  if configuration.api_token then
    headers.Authorization = "Bearer " .. configuration.api_token
  end
  local resp = http.get(configuration.base_url .. "/items", {
    query = { updated_since = since, page = page, per_page = configuration.per_page or 100 },
    headers = headers,
    raise = true,
  })
  local body = resp:json()
  if type(body.items) ~= "table" then
    error(("page %d: the response has no items list"):format(page))
  end
  -- JSON's null arrives as json.null, not nil.
  local next_page = body.next_page
  if next_page == json.null then next_page = nil end
  return body.items, next_page
end

---@param configuration table
---@param state table
function update(configuration, state)
  if not configuration.base_url then
    error("the configuration needs base_url (see configuration.json)")
  end
  http.configure{ retries = 3, backoff = 1 }

  -- The cursor in one canonical form (UTC, milliseconds): the text the
  -- state keeps and the API is asked with.
  local since = state.cursor or time.format(instant(configuration.start_date or "1970-01-01", {}))
  local newest = instant(since, {})
  log.info("syncing items updated since " .. since)

  local page = 1
  while page do
    local items, next_page = fetch_page(configuration, since, page)
    for _, item in ipairs(items) do
      if item.deleted == true then
        -- A soft delete: the row stays, with _fivetran_deleted = true.
        op.delete("item", { id = item.id })
      else
        op.upsert("item", { id = item.id, name = item.name, price = item.price,
                            updated_at = item.updated_at })
      end
      newest = math.max(newest, instant(item.updated_at, item))
    end
    -- The rows of this page and the cursor they reach, committed together.
    op.checkpoint({ cursor = time.format(newest) })
    log.fine(("page %d: %d items"):format(page, #items))
    page = next_page
  end
end
