-- full_refresh: mirror a source that returns the full set each time and
-- has no delete events, with no stale rows and no unsafe window.
--
-- The pattern: keep the sync's start in the state before the first upsert,
-- upsert everything (page by page, checkpointing as usual), then sweep:
-- every row not upserted since the start is soft-deleted. A run that fails
-- midway loses nothing (nothing is deleted before the sweep), and the next
-- run resumes from its last checkpoint with the same start, so the rows it
-- already wrote are kept and the sweep finishes the job.
--
-- The source here is the configuration's "items" list (read two at a time,
-- as an API's pages); "fail_at_page" makes a run fail there, to try it:
--   connector-lua examples/full_refresh.lua --configuration items.json
function schema(configuration)
  return { { table = "item", primary_key = { "id" }, columns = { id = "INT", name = "STRING" } } }
end

local PAGE = 2

function update(configuration, state)
  local items = configuration.items or {}
  -- a run that failed left its start and page in the state: carry on
  local start = state.sync_start or time.now()
  local page = state.page or 1
  while (page - 1) * PAGE < #items do
    if configuration.fail_at_page == page then error("the source failed at page " .. page) end
    for i = (page - 1) * PAGE + 1, math.min(page * PAGE, #items) do
      op.upsert("item", items[i])
    end
    page = page + 1
    op.checkpoint({ sync_start = start, page = page })
  end
  local gone = op.sweep("item", start)
  log.info(string.format("full refresh done: %d item(s), %d gone from the source", #items, gone))
  op.checkpoint({}) -- the next run is a new full refresh
end
