# The runner of the model-based test: for each seed, gen.py makes the runs of a connector,
# each run goes through the real binary (all runs of a seed against one output directory)
# and through model.py, and after each run every table cell (value and typeof()), every
# column's logical type, _fivetran_deleted, _fivetran_synced (well-formed, changed or kept
# as the model says), every history version's _fivetran_active/_start/_end, the state
# (_clua_state and state.json), what update() received, each op's outcome and the exit
# status are compared. tests/model/run.sh calls this. With --output-url the connectors load
# into PostgreSQL instead, a schema per seed (pg.py reads it back).
import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402
import model  # noqa: E402
import pg  # noqa: E402
from model import END, HTable, Model, content_key, jenc, ms_shift, norm_cell  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SYNCED = re.compile(rb"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
SYSTEM = ("_fivetran_synced", "_fivetran_deleted")
HISTORY = ("_fivetran_active", "_fivetran_start", "_fivetran_end")


def utc_ms(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)).encode() + b".%03dZ" % (int(t * 1000) % 1000)


def json_value(text):
    """JSON text (str or bytes) in the form norm_cell compares."""
    b = text if isinstance(text, bytes) else text.encode()
    return norm_cell(("text", b if b[:1] in (b"{", b"[") else b"[" + b + b"]"))


# ---- reading the database -------------------------------------------------------------------
def read_db(path):
    """{table: {"columns": [(name, type, precision, scale, pk, declared)], "rows": [...]}, and
    the saved state text; each row is {column: cell} with the system columns apart."""
    if not os.path.exists(path):
        return {}, None
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    db.text_factory = bytes
    try:
        names = [r[0].decode() for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE '\\_clua%' ESCAPE '\\'"
            " AND name NOT LIKE 'sqlite%'")]
        out = {}
        for t in names:
            cols = [(r[0].decode(), r[1] and r[1].decode(), r[2], r[3], r[4], r[5]) for r in db.execute(
                "SELECT column_name, logical_type, precision, scale, primary_key, declared"
                " FROM _clua_columns WHERE table_name = ? ORDER BY position", (t,))]
            phys = [r[1].decode() for r in db.execute('PRAGMA table_info("%s")' % t)]
            sel = ", ".join('"%s", typeof("%s")' % (c, c) for c in phys)
            rows = []
            for rec in db.execute('SELECT %s FROM "%s"' % (sel, t)):
                row = {}
                for i, c in enumerate(phys):
                    v, cls = rec[2 * i], rec[2 * i + 1].decode()
                    row[c] = None if cls == "null" else (cls, v)
                rows.append(row)
            out[t] = {"columns": cols, "physical": phys, "rows": rows}
        st = db.execute("SELECT state FROM _clua_state").fetchall() if any(
            r[0] == b"_clua_state" for r in db.execute("SELECT name FROM sqlite_master")) else []
        return out, (st[0][0] if st else None)
    finally:
        db.close()


def keyless_ids(tables):
    """The configuration of a run: each keyless table's ids, in content order (as the model)."""
    ids = {}
    for t, d in tables.items():
        if "_fivetran_id" in d["physical"]:
            js = {c[0] for c in d["columns"] if c[1] == "JSON"}
            rows = sorted(d["rows"], key=lambda r: content_key(user_cells(r), js) +
                          repr(bool(r["_fivetran_deleted"][1])))
            ids[t] = [r["_fivetran_id"][1].decode() for r in rows]
    return {"ids": ids}


def user_cells(row):
    return {c: v for c, v in row.items() if c not in SYSTEM and c != "_fivetran_id"}


def in_model_order(got, columns):
    """got (the database's columns, by position) with each run of columns that one op added
    put in the model's order: the order of a Lua table's fields is not defined."""
    group = {c.name: c.group for c in columns}
    out, i = [], 0
    while i < len(got):
        j = i + 1
        while j < len(got) and group.get(got[i][0]) is not None and group.get(got[j][0]) == group[got[i][0]]:
            j += 1
        rank = {c.name: k for k, c in enumerate(columns)}
        out += sorted(got[i:j], key=lambda c: rank.get(c[0], -1))
        i = j
    return out


def show(cell):
    return "NULL" if cell is None else "%s %r" % cell


# ---- comparing one run --------------------------------------------------------------------------
class NoHistory(Exception):
    """The PostgreSQL destination refused a history table: the seed is not comparable yet."""


class Seed:
    def __init__(self, seed, binary, work, max_ops, exclude, url=None):
        self.seed, self.binary, self.work = seed, os.path.abspath(binary), work
        self.url, self.schema = url, "m%d" % seed
        self.plan = gen.plan(seed, max_ops, exclude, pg=bool(url))
        self.model = Model()
        self.synced = {}  # (table, model row uid) -> _fivetran_synced seen after an earlier run
        self.made = {}  # model version uid -> its _fivetran_start (history = true)
        self.diffs = []
        self.last = None  # on PostgreSQL: what the last run left, read after it

    def diff(self, *words):
        self.diffs.append(" ".join(str(w) for w in words))

    def read(self, out, again=False):
        if self.url and not (again and self.last):
            self.last = pg.read(self.url, self.schema)
        if self.url:
            return self.last
        return read_db(os.path.join(out, "warehouse.db"))

    def run_all(self):
        out = os.path.join(self.work, "out")
        if self.url:
            pg.reset(self.url, self.schema)
            out = pg.output(self.url, self.schema)
        for i in range(len(self.plan["runs"])):
            # Every run is the same connector (one file name; a database
            # belongs to its script's file name), kept in its own directory.
            script = os.path.join(self.work, "run%d" % (i + 1), "connector.lua")
            os.makedirs(os.path.dirname(script), exist_ok=True)
            with open(script, "w") as f:
                f.write(gen.render(self.plan, i))
            before, _ = self.read(out, again=True)
            cfg = os.path.join(self.work, "configuration%d.json" % (i + 1))
            with open(cfg, "w") as f:
                json.dump(keyless_ids(before), f)
            t0 = time.time()
            p = subprocess.run([self.binary, script, "--output", out, "--configuration", cfg],
                               capture_output=True, timeout=60)
            t1 = time.time()
            if self.url and pg.NO_HISTORY in p.stderr:
                raise NoHistory()
            want = self.model.run(self.plan, i)
            self.compare_run(i, want, p, out, t0, t1)
            if self.diffs:
                self.diffs.insert(0, "run %d (%s), the model says: exit %d%s" % (
                    i + 1, script, want["exit"], " (%s)" % want["why"] if want.get("why") else ""))
                return False
        return True

    def compare_run(self, i, want, p, out, t0, t1):
        if p.returncode != want["exit"]:
            self.diff("exit status: model", want["exit"], "binary", p.returncode)
            tail = p.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            self.diffs += ["  stderr: " + line for line in tail]
        log = p.stderr.splitlines()
        got_ops = [tuple(m.group(1, 2)) for m in (re.search(rb"OPRES (\d+) (ok|err)$", line)
                                                  for line in log) if m]
        got_ops = [(int(n), r.decode()) for n, r in got_ops]
        if got_ops != want["opres"]:
            for (a, b) in zip(want["opres"] + [None] * len(got_ops), got_ops + [None] * len(want["opres"])):
                if a != b:
                    self.diff("op outcome: model", a, "binary", b, "(first difference)")
                    break
        got_in = [bytes.fromhex(line.split(b"STATE-IN ", 1)[1].strip().decode())
                  for line in log if b"STATE-IN " in line]
        if want["state_in"] is None and got_in:
            self.diff("update() ran, the model says it must not")
        elif want["state_in"] is not None and (
                not got_in or json_value(got_in[0]) != json_value(jenc(want["state_in"]))):
            self.diff("state given to update(): model", jenc(want["state_in"]), "binary", got_in[:1])
        tables, state = self.read(out)
        self.compare_state(state, out)
        self.compare_tables(i, tables, t0, t1)

    def compare_state(self, state, out):
        want = jenc(self.model.state) if self.model.state is not None else None
        if want is None:
            if state not in (None, b"{}"):
                self.diff("state: model none, _clua_state", state)
        elif state is None or json_value(state) != json_value(want):
            self.diff("state: model", want, "_clua_state", state)
        if self.url:
            return  # PostgreSQL keeps the state in the database only
        path = os.path.join(out, "state.json")
        copy = open(path, "rb").read() if os.path.exists(path) else None
        if want is None and copy not in (None, b"{}", b"{}\n"):
            self.diff("state.json: model none, file", copy)
        elif want is not None and (copy is None or json_value(copy) != json_value(want)):
            self.diff("state.json: model", want, "file", copy)

    def compare_tables(self, i, tables, t0, t1):
        mt = self.model.tables
        for t in sorted(set(mt) | set(tables)):
            if t not in tables or t not in mt:
                self.diff("table", t, "model has it" if t in mt else "", "database has it" if t in tables else "")
                continue
            m, d = mt[t], tables[t]
            want_cols = [(c.name, c.ltype, c.precision, c.scale, c.pk) for c in m.columns]
            got_cols = in_model_order([c[:5] for c in d["columns"]], m.columns)
            if want_cols != got_cols:
                self.column_diff(t, want_cols, got_cols)
                continue
            for c, g in zip(m.columns, d["columns"]):
                if not c.pk and bool(g[5]) != c.declared:
                    self.diff("table", t, "column", c.name, "declared: model", c.declared, "database", g[5])
            hist = HISTORY if isinstance(m, HTable) else ()
            if set(d["physical"]) != {c.name for c in m.columns} | set(SYSTEM) | set(hist):
                self.diff("table", t, "physical columns", d["physical"])
                continue
            if hist and m.start_col is None:
                self.compare_timed_versions(i, t, m, d["rows"], t0, t1)
            elif hist:
                self.compare_versions(i, t, m, d["rows"], t0, t1)
            else:
                self.compare_rows(i, t, m, d["rows"], t0, t1)

    def compare_timed_versions(self, i, t, m, rows, t0, t1):
        """history = true: each key's versions in start order against the model's in the order
        it made them; starts and ends checked against each other and the runs' times."""
        want, got = {}, {}
        for r in sorted(m.rows.values(), key=lambda r: r.start):
            want.setdefault(repr(r.cells.get("id")), []).append(r)
        for r in sorted(rows, key=lambda r: r["_fivetran_start"][1]):
            got.setdefault(repr(r.get("id")), []).append(r)
        seen = []
        for k in sorted(set(want) | set(got)):
            ws, gs = want.get(k, []), got.get(k, [])
            if len(ws) != len(gs):
                self.diff("table", t, "key", k, "versions: model", len(ws), "database", len(gs),
                          [(show(g.get("v")), show(g["_fivetran_start"])) for g in gs])
                continue
            for n, (w, g) in enumerate(zip(ws, gs)):
                v = "%s version %d" % (k, n + 1)
                for c in w.cells:
                    if w.cells[c] != g.get(c):
                        self.diff("table", t, v, "column", c, "model", show(w.cells[c]),
                                  "database", show(g.get(c)))
                for c, x in (("_fivetran_deleted", ("integer", int(w.deleted))),
                             ("_fivetran_active", ("integer", int(w.active)))):
                    if g[c] != x:
                        self.diff("table", t, v, c + ": model", show(x), "database", show(g[c]))
                start, end = g["_fivetran_start"][1], g["_fivetran_end"][1]
                if n and start <= gs[n - 1]["_fivetran_end"][1]:
                    self.diff("table", t, v, "starts", start, "not after the end of the one before")
                want_end = END if w.active else ms_shift(gs[n + 1]["_fivetran_start"][1], -1) \
                    if w.end == "next" and n + 1 < len(gs) else None
                if want_end is not None and end != want_end:
                    self.diff("table", t, v, "_fivetran_end: model", want_end, "database", end)
                if w.end == "op" and not (end >= start and end <= utc_ms(t1 + 0.001) or end == start):
                    self.diff("table", t, v, "_fivetran_end", end, "is not the close's time nor the start")
                if w.uid not in self.made:
                    self.made[w.uid] = start
                    if not utc_ms(t0) <= start <= utc_ms(t1 + 0.003):
                        self.diff("table", t, v, "_fivetran_start", start, "is not within the run")
                elif self.made[w.uid] != start:
                    self.diff("table", t, v, "_fivetran_start changed from", self.made[w.uid], "to", start)
                self.check_synced(i, t, v, w, g["_fivetran_synced"], t0, t1, seen)
        seen.sort()
        for (a, sa, ka), (b, sb, kb) in zip(seen, seen[1:]):
            if sb < sa:
                self.diff("table", t, "_fivetran_synced goes back: op", a, ka, sa, "then op", b, kb, sb)

    def compare_versions(self, i, t, m, rows, t0, t1):
        """A history table: every version, by key and start, with its active, end and deleted."""
        want = {repr((r.cells.get("id"), r.start)): r for r in m.rows.values()}
        got = {repr((r.get("id"), r["_fivetran_start"] and r["_fivetran_start"][1])): r for r in rows}
        if len(got) != len(rows):
            self.diff("table", t, "two versions share a key and start")
        for k in sorted(set(want) - set(got)):
            self.diff("table", t, "version", k, "is missing from the database; model:",
                      {c: show(v) for c, v in want[k].cells.items()}, "active", want[k].active)
        for k in sorted(set(got) - set(want)):
            self.diff("table", t, "version", k, "is in the database, not in the model:",
                      {c: show(v) for c, v in got[k].items()})
        seen = []
        for k in sorted(set(got) & set(want)):
            w, g = want[k], got[k]
            for c in w.cells:
                if w.cells[c] != g.get(c):
                    self.diff("table", t, "version", k, "column", c, "model", show(w.cells[c]),
                              "database", show(g.get(c)))
            for c, v in (("_fivetran_deleted", ("integer", int(w.deleted))),
                         ("_fivetran_active", ("integer", int(w.active))), ("_fivetran_end", ("text", w.end))):
                if g[c] != v:
                    self.diff("table", t, "version", k, c + ": model", show(v), "database", show(g[c]))
            self.check_synced(i, t, k, w, g["_fivetran_synced"], t0, t1, seen)
        seen.sort()
        for (a, sa, ka), (b, sb, kb) in zip(seen, seen[1:]):
            if sb < sa:
                self.diff("table", t, "_fivetran_synced goes back: op", a, ka, sa, "then op", b, kb, sb)

    def column_diff(self, t, want, got):
        fields = ("logical_type", "precision", "scale", "primary_key")
        w, g = {c[0]: c for c in want}, {c[0]: c for c in got}
        for name in [c[0] for c in want] + [c[0] for c in got if c[0] not in w]:
            if name not in g:
                self.diff("table", t, "column", name, "is missing from the database; model:", w[name][1:])
            elif name not in w:
                self.diff("table", t, "column", name, "is in the database, not in the model:", g[name][1:])
            else:
                for f, a, b in zip(fields, w[name][1:], g[name][1:]):
                    if a != b:
                        self.diff("table", t, "column", name, f + ": model", a, "database", b)
        if [c[0] for c in want if c[0] in g] != [c[0] for c in got if c[0] in w]:
            self.diff("table", t, "column order: model", [c[0] for c in want], "database", [c[0] for c in got])

    def compare_rows(self, i, t, m, rows, t0, t1):
        js = {c.name for c in m.columns if c.ltype == "JSON"}
        if m.pk:
            ident = lambda cells: repr(tuple(norm_cell(cells.get(c), c in js) for c in m.pk))
        else:
            ident = lambda cells: content_key(cells, js)
            for r in rows:
                fid = r["_fivetran_id"]
                if fid is None or fid[0] != "text" or not re.match(rb"^[0-9a-f]{32}$", fid[1]):
                    self.diff("table", t, "_fivetran_id is not 32 lowercase hex digits:", show(fid))
            if len({r["_fivetran_id"] for r in rows}) != len(rows):
                self.diff("table", t, "two rows share a _fivetran_id")
        want, got = {}, {}
        if m.pk:
            for r in m.rows.values():
                if ident(r.cells) in want:
                    self.diff("table", t, "the model has two rows for", ident(r.cells))
                want[ident(r.cells)] = r
            for r in rows:
                k = ident(user_cells(r))
                if k in got:
                    self.diff("table", t, "two rows for", k)
                got[k] = r
        else:
            # A keyless table may hold rows that look the same and are not ({v = true} and
            # {v = 1} in a number column): rows of one look are paired in the order they were
            # deleted and written.
            groups_w, groups_g = {}, {}
            for r in m.rows.values():
                groups_w.setdefault(ident(r.cells), []).append(r)
            for r in rows:
                groups_g.setdefault(ident(user_cells(r)), []).append(r)
            for k, rs in groups_w.items():
                rs.sort(key=lambda r: (r.deleted, r.tag))
                for n, r in enumerate(rs):
                    want[k if n == 0 else k + " #%d" % (n + 1)] = r
            for k, rs in groups_g.items():
                rs.sort(key=lambda r: (r["_fivetran_deleted"], r["_fivetran_synced"] or ("", b"")))
                for n, r in enumerate(rs):
                    got[k if n == 0 else k + " #%d" % (n + 1)] = r
        for k in sorted(set(want) - set(got)):
            self.diff("table", t, "row", k, "is missing from the database; model:",
                      {c: show(v) for c, v in want[k].cells.items() if v is not None})
        for k in sorted(set(got) - set(want)):
            self.diff("table", t, "row", k, "is in the database, not in the model:",
                      {c: show(v) for c, v in user_cells(got[k]).items() if v is not None})
        seen = []
        for k in sorted(set(got) & set(want)):
            w, g = want[k], got[k]
            for c in w.cells:
                if norm_cell(w.cells[c], c in js) != norm_cell(g.get(c), c in js):
                    self.diff("table", t, "key", k, "column", c, "model", show(w.cells[c]),
                              "database", show(g.get(c)))
            if g["_fivetran_deleted"] != ("integer", int(w.deleted)):
                self.diff("table", t, "key", k, "_fivetran_deleted: model", int(w.deleted),
                          "database", show(g["_fivetran_deleted"]))
            self.check_synced(i, t, k, w, g["_fivetran_synced"], t0, t1, seen)
        seen.sort()
        for (a, sa, ka), (b, sb, kb) in zip(seen, seen[1:]):
            if sb < sa:
                self.diff("table", t, "_fivetran_synced goes back: op", a, ka, sa, "then op", b, kb, sb)

    def check_synced(self, i, t, k, w, cell, t0, t1, seen):
        s = cell[1] if cell and cell[0] == "text" else None
        if s is None or not SYNCED.match(s):
            self.diff("table", t, "key", k, "_fivetran_synced is not UTC with milliseconds:", show(cell))
            return
        before = self.synced.get((t, w.uid))
        if w.tag[0] < i and before is not None and s != before:
            self.diff("table", t, "key", k, "_fivetran_synced changed from", before, "to", s,
                      "but the model's last write to the row was in run", w.tag[0] + 1)
        if w.tag[0] == i:
            if not utc_ms(t0) <= s <= utc_ms(t1 + 0.001):
                self.diff("table", t, "key", k, "_fivetran_synced", s, "is not within the run")
            seen.append((w.tag[1], s, k))
        self.synced[(t, w.uid)] = s


# ---- seeds, in parallel ---------------------------------------------------------------------
def one_seed(args):
    """(seed, passed, differences, work directory, whether its history tables were left out)."""
    seed, binary, keep, max_ops, exclude, url = args
    model.PG = bool(url)
    work = os.path.join(keep, "seed-%d" % seed) if keep else tempfile.mkdtemp(prefix="clua-model-%d-" % seed)
    nohistory = False
    while True:
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        s = Seed(seed, binary, work, max_ops, exclude, url)
        try:
            ok = s.run_all()
        except NoHistory:
            # Until PostgreSQL has history mode: the seed again without its history tables,
            # marks and sweeps (they draw from a stream of their own: the rest is the same),
            # counted and named by main().
            nohistory, exclude = True, exclude + ["history"]
            continue
        except Exception as e:  # a crash of the test itself is a failure too, with its seed
            ok, s.diffs = False, s.diffs + ["the test raised %r" % e]
        break
    if ok and not keep:
        shutil.rmtree(work, ignore_errors=True)
        if url:
            pg.reset(url, s.schema)
    return seed, ok, s.diffs, work, nohistory


def regressions():
    path = os.path.join(HERE, "regressions.txt")
    seeds = []
    for line in open(path) if os.path.exists(path) else ():
        line = line.split("#", 1)[0].strip()
        if line:
            seeds.append(int(line))
    return seeds


def main(argv=None):
    ap = argparse.ArgumentParser(prog="tests/model/run.sh",
                                 description="Random connectors through the binary and the model.")
    ap.add_argument("binary")
    ap.add_argument("--seeds", type=int, default=300, help="how many seeds (default 300)")
    ap.add_argument("--start", type=int, default=1, help="the first seed (default 1)")
    ap.add_argument("--seed", type=int, help="run this one seed only")
    ap.add_argument("--keep", help="keep every seed's scripts and output under this directory")
    ap.add_argument("--max-ops", type=int, default=60, help="ops per run at most (default 60)")
    ap.add_argument("--exclude", default="", metavar="F,F",
                    help="leave out features the runtime lacks for now: " + ", ".join(
                        "%s (%s)" % kv for kv in gen.FEATURES.items()))
    ap.add_argument("--stats", action="store_true",
                    help="only play the seeds through the model and count what they exercise")
    ap.add_argument("--jobs", type=int, default=2, help="seeds run in parallel (default 2)")
    ap.add_argument("--output-url", metavar="URL", default=os.environ.get("CLUA_MODEL_OUTPUT_URL"),
                    help="load into this PostgreSQL database, seed N in schema mN (dropped first),"
                         " instead of a directory (default: $CLUA_MODEL_OUTPUT_URL)")
    a = ap.parse_args(argv)
    if a.keep:
        a.keep = os.path.abspath(a.keep)
    if a.seed is not None:
        seeds = [a.seed]
    else:
        seeds = regressions() + [s for s in range(a.start, a.start + a.seeds) if s not in regressions()]
    exclude = [f for f in a.exclude.split(",") if f]
    if a.stats:
        import model
        for s in seeds:
            plan, m = gen.plan(s, a.max_ops, exclude), Model()
            for i in range(len(plan["runs"])):
                m.run(plan, i)
        for k, n in sorted(model.STATS.items()):
            print("%8d  %s" % (n, k))
        return 0
    t0 = time.time()
    failed = []
    exclude = [f for f in a.exclude.split(",") if f]
    for f in exclude:
        if f not in gen.FEATURES:
            ap.error("--exclude: no feature %r (there are: %s)" % (f, ", ".join(gen.FEATURES)))
    jobs = [(s, a.binary, a.keep, a.max_ops, exclude, a.output_url) for s in seeds]
    nohistory = []
    with ProcessPoolExecutor(max_workers=a.jobs) as pool:
        for seed, ok, diffs, work, nohist in pool.map(one_seed, jobs):
            if nohist:
                nohistory.append(seed)
            if ok:
                continue
            failed.append(seed)
            print("FAILED seed %d" % seed)
            extra = (" --max-ops %d" % a.max_ops if a.max_ops != 60 else "") + \
                (" --exclude " + ",".join(exclude + ["history"] * nohist) if exclude or nohist else "") + \
                (" --output-url '%s'" % a.output_url if a.output_url else "")
            print("  replay: tests/model/run.sh %s --seed %d%s --keep /tmp/clua-model" % (
                a.binary, seed, extra))
            print("  scripts and output kept in %s" % work)
            for d in diffs[:40]:
                print("  " + d)
            if len(diffs) > 40:
                print("  ... and %d more differences" % (len(diffs) - 40))
            sys.stdout.flush()
    if nohistory:
        print("%d seeds NOT compared in full: PostgreSQL refused their history tables (%s); each"
              " was compared without its history tables, marks and sweeps instead: %s" % (
                  len(nohistory), pg.NO_HISTORY.decode(), " ".join(map(str, sorted(nohistory)))))
    print("(%d seeds in %.1f s%s)" % (len(seeds), time.time() - t0,
                                      ", into PostgreSQL" if a.output_url else ""))
    print("%d passed, %d failed" % (len(seeds) - len(failed), len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
