# connector-lua test against random mutations of a correct expected file:
# a connector writes random rows (integers, floats, strings with quotes and
# UTF-8, booleans, NULLs, composite keys), --update writes the file, and
# then each of 40 seeded mutations (a cell changed, a row dropped, a row
# added, a state value or a counter changed) must give exactly one
# difference line naming the row or path, and exit 1; the file put back
# must pass again. SEED in the environment changes the run.
write r.lua <<'LUA'
function schema(configuration)
  return { { table = "r", primary_key = { "k1", "k2" },
             columns = { k1 = "INT", k2 = "STRING", i = "LONG", f = "DOUBLE", s = "STRING", b = "BOOLEAN" } } }
end
function update(configuration, state)
  for _, row in ipairs(configuration.rows) do
    local r = {}
    for k, v in pairs(row) do if v ~= json.null then r[k] = v end end
    op.upsert("r", r)
  end
  op.checkpoint(configuration.state)
end
LUA
python3 - "$CLUA" "${SEED:-1}" <<'PY' || fail "random mutations (seed ${SEED:-1})"
import json, random, subprocess, sys
clua, seed = sys.argv[1], int(sys.argv[2])
rnd = random.Random(seed)
def text():
    return "".join(rnd.choice(['a', 'Z', '"', '\\', ' ', 'é', '→', '\t', '1']) for _ in range(rnd.randint(0, 6)))
def value(kind):
    if rnd.random() < 0.2:
        return None
    return {"i": lambda: rnd.randint(-2**62, 2**62), "f": lambda: rnd.choice([0.5, -1.25, 1e300, 3.0, rnd.random()]),
            "s": text, "b": lambda: rnd.random() < 0.5}[kind]()
rows, keys = [], set()
while len(rows) < 12:
    k = (rnd.randint(1, 5), rnd.choice(["a", "b", "x\"y"]))
    if k in keys:
        continue
    keys.add(k)
    rows.append({"k1": k[0], "k2": k[1], **{c: value(c) for c in "ifsb"}})
conf = {"rows": rows, "state": {"cursor": rnd.randint(0, 100), "list": [1, "two", {"three": 3}]}}
json.dump(conf, open("configuration.json", "w"))

def test(*args):
    p = subprocess.run([clua, "test", "r.lua", *args], capture_output=True, text=True)
    return p.returncode, p.stdout.splitlines()

rc, out = test("--update")
assert rc == 0, (rc, out)
golden = open("r.expected.json").read()
rc, out = test()
assert rc == 0 and out[0].startswith("PASS r.lua: 1 table, 12 rows"), (rc, out)

def keytext(row):
    return "k1=%d, k2=%s" % (row["k1"], json.dumps(row["k2"], ensure_ascii=False, separators=(",", ":")))

for n in range(40):
    d = json.loads(golden)
    table = d["tables"]["r"]
    what = rnd.choice(["cell", "drop", "add", "state", "counter"])
    if what == "cell":
        row = rnd.choice(table)
        col = rnd.choice("ifsb")
        old = row[col]
        while row[col] == old:  # Python's == is ours: 3 == 3.0, "3" != 3
            row[col] = value(col) if rnd.random() < 0.7 else text()
        want = "r %s: column %s: expected " % (keytext(row), col)
    elif what == "drop":
        row = table.pop(rnd.randrange(len(table)))
        want = "r %s: extra row " % keytext(row)
    elif what == "add":
        row = dict(rnd.choice(table))
        row["k1"] = 100 + n
        table.append(row)
        want = "r %s: missing row, expected " % keytext(row)
    elif what == "state":
        d["state"]["list"][2]["three"] = "3"
        want = 'state.list[3].three: expected "3", got 3'
    else:
        name = rnd.choice(sorted(d["summary"]))
        d["summary"][name] += 1
        want = "summary %s: expected %d, got %d" % (name, d["summary"][name], d["summary"][name] - 1)
    json.dump(d, open("r.expected.json", "w"), ensure_ascii=False)
    rc, out = test()
    assert rc == 1, (n, what, rc, out)
    assert len(out) == 2 and out[0].startswith(want), (n, what, want, out)
    assert out[1] == "FAIL r.lua: 1 difference from r.expected.json", (n, out)
open("r.expected.json", "w").write(golden)
rc, out = test()
assert rc == 0, (rc, out)
PY
:
