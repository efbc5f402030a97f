# examples/multiple_code_files: the SDK's multiple_code_files_with_sub_
# directory_structure example, its serializer in utils/ loaded with
# require. Run from other directories (by a relative and an absolute path),
# with and without --sandbox: the two rows the SDK documents. Then the
# serializer's rules, by a probe beside a copy of the example: both formats,
# one-digit fields (as Python's strptime takes them), and the error for
# anything else, a date not in the calendar included. The expected texts
# are datetime.isoformat()'s, computed by python3.
EX="$ROOT/examples/multiple_code_files/connector.lua"
WANT='Event1|2024-09-24T14:30:45.000Z|0
Event2|2024-09-24T10:30:45.000Z|0'
ROWS="SELECT name, timestamp, _fivetran_deleted FROM event ORDER BY name"

mkdir -p a/b && cd a/b
for path in "$EX" "$(realpath --relative-to=. "$EX")"; do
  for sb in "" --sandbox; do
    rm -rf o
    run "$path" --output o $sb
    expect_exit 0
    expect_out "Upserts        | 2"
    expect_sql o/warehouse.db "$ROWS" "$WANT"
  done
done
cd "$WORK"

cp -r "$ROOT/examples/multiple_code_files" mc
write mc/probe.lua <<'LUA'
local ts = require("utils.timestamp_serializer")
function update(configuration, state)
  for i, text in ipairs(configuration.inputs) do
    local ok, v = pcall(ts.serialize, text)
    op.upsert("out", { i = i, v = ok and v or ("error: " .. v) })
  end
end
LUA
python3 - <<'PY'
import json
from datetime import datetime, timezone
inputs = ["2024/09/24 14:30:45", "2024-09-24 10:30:45", "2024/9/4 1:2:3", "2024-02-29 23:59:59",
          "0001/01/01 00:00:00", "9999-12-31 23:59:59", "2023-02-29 00:00:00", "2024/02/30 12:00:00",
          "2024/13/01 00:00:00", "2024-09-24 24:00:00", "2024-09-24T10:30:45", "2024/09-24 10:30:45",
          "24/09/24 10:30:45", "2024-09-24 10:30", " 2024-09-24 10:30:45", ""]
want = []
for t in inputs:
    v = None
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            v = datetime.strptime(t, fmt).replace(tzinfo=timezone.utc).isoformat()
            break
        except ValueError:
            pass
    want.append(v if v else "error: Timestamp format not recognized: " + t)
json.dump({"inputs": inputs}, open("inputs.json", "w"))
open("want.txt", "w").write("\n".join(want) + "\n")
PY
run mc/probe.lua --configuration inputs.json --output p --sandbox
expect_exit 0
sqlite3 p/warehouse.db "SELECT v FROM out ORDER BY i" > got.txt
cmp -s got.txt want.txt || { fail "the serializer differs from python3's strptime/isoformat"; diff got.txt want.txt >&2; }
