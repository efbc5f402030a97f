-- The connector of tests/bench/http_concurrency.sh: reads configuration.pages
-- pages of the loopback server's /slow endpoint (each answered after
-- configuration.ms milliseconds), one request at a time (concurrency = 1)
-- or with http.request_all at configuration.concurrency, and upserts one
-- row a page.
function update(configuration, state)
  local n, conc = tonumber(configuration.pages), tonumber(configuration.concurrency)
  local function req(page)
    return { url = configuration.base_url .. "/slow", query = { ms = configuration.ms, id = page },
             raise = true }
  end
  local rows = 0
  local function keep(page, resp)
    op.upsert("page", { id = page, got = resp:json().id })
    rows = rows + 1
  end
  if conc == 1 then
    for page = 1, n do keep(page, http.request(req(page))) end
  else
    local reqs = {}
    for page = 1, n do reqs[page] = req(page) end
    for page, resp in ipairs(http.request_all(reqs, { concurrency = conc })) do keep(page, resp) end
  end
  log.info("pages " .. rows)
end
