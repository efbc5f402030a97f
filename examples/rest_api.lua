-- rest_api.lua: a paginated REST API, synced incrementally.
--
--   connector-lua examples/rest_api.lua --configuration examples/rest_api.json \
--       --replay examples/rest_api.cassette.json
--
-- The API (tests/http/server.py serves one like it):
--
--   GET {base_url}/items?updated_since=T&page=N&per_page=M
--   Authorization: Bearer {api_token}
--   -> { "items": [ { "id": 1, "name": "...", "price": "9.50",
--                     "updated_at": "2024-05-01T10:00:00Z", "deleted": false } ],
--        "next_page": 2 }                      -- null on the last page
--
-- Items come ordered by updated_at, those updated at or after T. A sync asks
-- for every page since the cursor and checkpoints after each one, so a sync
-- that fails resumes at the page it stopped on instead of starting over.
--
-- The state:
--   between syncs  { cursor = T }            the newest updated_at synced
--   during a sync  { cursor = T, page = N, newest = U }
--                                            T still the sync's start; N the
--                                            next page; U the newest so far
-- The cursor is inclusive (updated_at >= T): the newest item comes again
-- next time and is upserted again, which is harmless; an item updated in
-- the same second as the cursor is never missed.
--
-- configuration: base_url, api_token (masked as *** in logs and cassettes,
-- as its name holds "token"), and optionally per_page (default 100),
-- start_date (default 1970-01-01T00:00:00Z), retries and backoff.

function schema(configuration)
  return {
    { table = "item", primary_key = { "id" },
      columns = { id = "LONG", name = "STRING", updated_at = "UTC_DATETIME",
                  price = { type = "DECIMAL", precision = 12, scale = 2 } } },
  }
end

-- One page of items, or an error naming the page (http raises on 4xx/5xx
-- after its retries, since raise = true).
local function fetch_page(configuration, since, page)
  local resp = http.get(configuration.base_url .. "/items", {
    query = { updated_since = since, page = page, per_page = configuration.per_page or 100 },
    headers = { Authorization = "Bearer " .. configuration.api_token,
                Accept = "application/json" },
    raise = true,
  })
  local body = resp:json()
  if type(body.items) ~= "table" then
    error(("page %d: the response has no items list"):format(page))
  end
  return body.items, body.next_page ~= json.null and body.next_page or nil
end

function update(configuration, state)
  if not configuration.base_url or not configuration.api_token then
    error("the configuration needs base_url and api_token (see examples/rest_api.json)")
  end
  http.configure{
    retries = tonumber(configuration.retries) or 3,
    backoff = tonumber(configuration.backoff) or 1,
  }
  local since = state.cursor or configuration.start_date or "1970-01-01T00:00:00Z"
  local page = state.page or 1
  local newest = state.newest or since
  if page > 1 then
    log.info(("resuming the sync of items since %s at page %d"):format(since, page))
  else
    log.info("syncing items updated since " .. since)
  end

  while page do
    local items, next_page = fetch_page(configuration, since, page)
    for _, item in ipairs(items) do
      if item.deleted == true then
        op.delete("item", { id = item.id })
      else
        op.upsert("item", { id = item.id, name = item.name, price = item.price,
                            updated_at = item.updated_at })
      end
      if item.updated_at > newest then newest = item.updated_at end
    end
    if next_page then
      op.checkpoint({ cursor = since, page = next_page, newest = newest })
    else
      op.checkpoint({ cursor = newest })
    end
    log.fine(("page %d: %d items"):format(page, #items))
    page = next_page
  end
end
