-- kill_restart.lua: the connector of the crash test (kill_restart.sh).
-- A deterministic source of n operations (configuration {"n": N}, default
-- 400000) that resumes after state.cursor. Operation k (1-based) is
--   k % 100 == 37   op.delete of item k - 30
--   k % 10 == 0     op.update of item k - 5 (v and n)
--   otherwise       op.upsert of item k, every column; when k % 7 == 3 also
--                   an op.upsert of the tally row {grp = k % 97, day = ...}
-- and after operation k, when k % 1000 == 0, op.checkpoint({cursor = k}).
-- Items past n / 2 carry a column "late" that schema() does not declare, so
-- the table gains a column (ALTER TABLE) in the middle of a checkpoint
-- interval. After checkpoint c the table "item" holds exactly the ids
-- k <= c with k % 10 ~= 0 and k % 100 ~= 37: c * 89 / 100 rows, c / 100 of
-- them deleted and c / 10 updated (v starting with "u").

function schema(configuration)
  return {
    { table = "item", primary_key = { "id" },
      columns = { id = "INT", v = "STRING", n = "LONG", f = "DOUBLE", flag = "BOOLEAN",
                  ts = "UTC_DATETIME", amount = { type = "DECIMAL", precision = 12, scale = 2 } } },
    { table = "tally", primary_key = { "grp", "day" },
      columns = { grp = "INT", day = "NAIVE_DATE", last = "LONG" } },
  }
end

function update(configuration, state)
  local n = configuration.n or 400000
  local half = n // 2
  local format = string.format
  local upsert, update_, delete, checkpoint = op.upsert, op.update, op.delete, op.checkpoint
  for k = (state.cursor or 0) + 1, n do
    if k % 100 == 37 then
      delete("item", { id = k - 30 })
    elseif k % 10 == 0 then
      update_("item", { id = k - 5, v = "u" .. k, n = -k })
    else
      local row = {
        id = k, v = "r" .. k, n = k * 3, f = k / 8, flag = k % 3 == 0,
        ts = format("2024-%02d-%02dT%02d:%02d:%02d+02:00", 1 + k % 12, 1 + k % 28, k % 24,
                    k % 60, k * 7 % 60),
        amount = format("%d.%02d", k % 100000, k % 100),
      }
      if k > half then row.late = "late" .. k end
      upsert("item", row)
      if k % 7 == 3 then
        upsert("tally", { grp = k % 97, day = format("2024-02-%02d", 1 + k % 29), last = k })
      end
    end
    if k % 1000 == 0 then checkpoint({ cursor = k }) end
  end
end
