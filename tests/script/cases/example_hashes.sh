# examples/hashes: the SDK's hashes example. Run from another directory (its
# py_json module is found beside it), with and without --sandbox: the five
# rows the SDK documents, hash_id being SHA-1 of Python's
# json.dumps(row, sort_keys=True) (the SDK's values; python3's hashlib
# agrees below). Then py_json itself against python3's json.dumps over
# random rows: unicode past U+FFFF, control bytes, quotes, numbers, null.
EX="$ROOT/examples/hashes/connector.lua"
ROWS="SELECT hash_id, first_name, last_name, coalesce(email, 'NULL'), coalesce(updated_at, 'NULL'), _fivetran_deleted FROM user ORDER BY first_name, updated_at"
WANT='aa1f248cbe6e71e1f36db2f09c5b68a2fbe3febb|Jane|Dalton|NULL|NULL|0
a211fe507efd31c94e30e91fc8883b4a68605d3d|Joe|Smith|NULL|2014-05-10T00:00:30.000Z|0
9507eb591ddb60eb68452d06cf70696d8d5e8140|John|Doe|john.doe@example.com|2007-12-03T10:15:30.000Z|0
7d09ec9c2cfa02549a329a36fcd0221b1ea020ab|John|Doe|john.doe@example.com|2008-02-13T03:30:50.000Z|0
f01ca16d545bf1af5a8bbce87acc622101e1a992|John|Doe|NULL|2008-02-13T03:30:50.000Z|0'

# The documented ids are SHA-1 of these texts (checked without the runtime).
got=$(python3 - <<'PY'
import hashlib, json
rows = [
  {"first_name": "John", "last_name": "Doe", "email": "john.doe@example.com", "updated_at": "2007-12-03T10:15:30Z"},
  {"first_name": "John", "last_name": "Doe", "email": "john.doe@example.com", "updated_at": "2008-02-13T03:30:50Z"},
  {"first_name": "John", "last_name": "Doe", "email": None, "updated_at": "2008-02-13T03:30:50Z"},
  {"first_name": "Joe", "last_name": "Smith", "email": None, "updated_at": "2014-05-10T00:00:30Z"},
  {"first_name": "Jane", "last_name": "Dalton", "updated_at": None},
]
print(" ".join(hashlib.sha1(json.dumps(r, sort_keys=True).encode()).hexdigest() for r in rows))
PY
)
[ "$got" = "9507eb591ddb60eb68452d06cf70696d8d5e8140 7d09ec9c2cfa02549a329a36fcd0221b1ea020ab f01ca16d545bf1af5a8bbce87acc622101e1a992 a211fe507efd31c94e30e91fc8883b4a68605d3d aa1f248cbe6e71e1f36db2f09c5b68a2fbe3febb" ] ||
  fail "python3 gives other hashes than the SDK documents: $got"

mkdir elsewhere && cd elsewhere
for sb in "" --sandbox; do
  rm -rf o
  run "$EX" --output o $sb
  expect_exit 0
  expect_out "Upserts        | 5"
  expect_err "WARNING  Example: Common Patterns For Connectors - Hashes"
  expect_sql o/warehouse.db "$ROWS" "$WANT"
done
# A second run finds the same five rows.
run "$EX" --output o
expect_exit 0
expect_sql o/warehouse.db "SELECT count(*) FROM user" "5"
cd "$WORK"

# py_json.dumps_sorted against python3's json.dumps(sort_keys=True), over
# random flat rows handed to a probe beside a copy of the example.
cp -r "$ROOT/examples/hashes" hx
python3 - <<'PY'
import json, random
rnd = random.Random(11)
pool = ["\x00", "\x01", "\x1f", "\x7f", "\x80", "é", "\u2028", "\ufffd", "\uffff", "😀", "\U0010ffff",
        '"', "\\", "/", "\n", "\r", "\t", "\b", "\f", " ", "a", "Z", "0", "{", ":"]
def text():
    return "".join(rnd.choice(pool) for _ in range(rnd.randrange(0, 12)))
rows = []
for _ in range(300):
    row = {}
    for _ in range(rnd.randrange(0, 6)):
        kind = rnd.randrange(5)
        row[text() or "k"] = (text() if kind < 2 else rnd.randrange(-2**53, 2**53) if kind == 2
                              else rnd.random() < 0.5 if kind == 3 else None)
    rows.append(row)
json.dump({"rows": rows}, open("rows.json", "w"))
with open("want.txt", "w") as f:
    for r in rows:
        f.write(json.dumps(json.dumps(r, sort_keys=True)) + "\n")
PY
write hx/probe.lua <<'LUA'
local py_json = require("py_json")
function update(configuration, state)
  for i, row in ipairs(configuration.rows) do
    op.upsert("dumps", { i = i, text = py_json.dumps_sorted(row) })
  end
end
LUA
run hx/probe.lua --configuration rows.json --output p --sandbox
expect_exit 0
# Each text as a JSON string, one a line, as want.txt has them.
python3 - <<'PY' > got.txt
import json, sqlite3
for (t,) in sqlite3.connect("p/warehouse.db").execute("SELECT text FROM dumps ORDER BY i"):
    print(json.dumps(t))
PY
cmp -s got.txt want.txt || { fail "py_json.dumps_sorted differs from python3's json.dumps"; diff got.txt want.txt | head -5 >&2; }
[ "$(wc -l < want.txt)" = 300 ] || fail "want.txt has $(wc -l < want.txt) lines, expected 300"
